"""Draws the application icon (PNG sizes for Linux, a multi-size .ico for Windows) with Qt."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.06
    page = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    path = QPainterPath()
    path.addRoundedRect(page, size * 0.14, size * 0.14)
    painter.fillPath(path, QColor("#1f4e79"))  # a civic navy
    # A ticked document: the bid, signed off.
    sheet = QRectF(size * 0.26, size * 0.18, size * 0.48, size * 0.62)
    painter.fillRect(sheet, QColor("white"))
    pen = QPen(QColor("#9db4cc"), max(1.0, size * 0.03))
    painter.setPen(pen)
    for row in range(3):
        y = sheet.top() + sheet.height() * (0.22 + 0.16 * row)
        painter.drawLine(
            int(sheet.left() + size * 0.06), int(y), int(sheet.right() - size * 0.06), int(y)
        )
    tick = QPen(QColor("#2e9d4a"), max(1.5, size * 0.07))
    tick.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(tick)
    painter.drawLine(int(size * 0.38), int(size * 0.66), int(size * 0.47), int(size * 0.74))
    painter.drawLine(int(size * 0.47), int(size * 0.74), int(size * 0.66), int(size * 0.54))
    if size >= 48:
        painter.setPen(QColor("white"))
        font = QFont("DejaVu Sans", max(6, int(size * 0.09)))
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            QRectF(0, size * 0.80, size, size * 0.16), Qt.AlignmentFlag.AlignCenter, "CRM BID"
        )
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv)
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 48, 64, 128, 256):
        draw(size).save(str(ICONS / f"app-{size}.png"))
    draw(256).save(str(ICONS / "app.png"))
    write_ico(ICONS / "app.ico", [ICONS / f"app-{size}.png" for size in (16, 32, 48, 64, 128, 256)])
    return 0


def write_ico(target: Path, pngs: list[Path]) -> None:
    """A multi-size .ico with PNG-compressed entries (Windows Vista and later read these).

    Qt's own ico writer stores one size only; Explorer then scales the 256 px image down to
    16 px, which blurs. The format is a 6-byte header, a 16-byte entry per image, then the data.
    """
    images = [path.read_bytes() for path in pngs]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for path, data in zip(pngs, images, strict=True):
        size = int(path.stem.split("-")[1])
        byte_size = 0 if size >= 256 else size  # 0 means 256 in an icon directory
        entries += struct.pack("<BBBBHHII", byte_size, byte_size, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    target.write_bytes(header + entries + b"".join(images))


if __name__ == "__main__":
    sys.exit(main())
