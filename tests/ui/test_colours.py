"""The colours module's text stays readable (WCAG contrast >= 4.5) on light and dark palettes."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from crmbid_desktop.ui import colours
from tests.ui.render_pages import dark_palette

ENOUGH = 4.5
#: Text roles drawn on a matching background as well as on the window.
ON_BACKGROUND = {"danger": "danger", "warning": "warning", "removed": "removed", "added": "added"}


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


@pytest.fixture(params=["light", "dark"])
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> QPalette:
    return light_palette() if request.param == "light" else dark_palette()


def test_relative_luminance_and_contrast_follow_wcag() -> None:
    assert colours.relative_luminance(QColor("#000000")) == pytest.approx(0.0)
    assert colours.relative_luminance(QColor("#ffffff")) == pytest.approx(1.0)
    assert colours.contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert colours.contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, 0.01)


def test_the_dark_palette_is_seen_as_dark(qapp: QApplication) -> None:
    assert colours.is_dark(dark_palette())
    assert not colours.is_dark(light_palette())


@pytest.mark.parametrize("role", colours.TEXT_ROLES)
def test_text_reads_on_the_window_and_the_fields(role: str, palette: QPalette) -> None:
    text = colours.text_colour(role, palette)
    for place in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        ratio = colours.contrast_ratio(text, palette.color(place))
        assert ratio >= ENOUGH, f"{role} {text.name()} on {place.name}: {ratio:.2f}"


@pytest.mark.parametrize("role", sorted(ON_BACKGROUND))
def test_text_reads_on_its_own_background(role: str, palette: QPalette) -> None:
    text = colours.text_colour(role, palette)
    background = colours.background_colour(ON_BACKGROUND[role], palette)
    ratio = colours.contrast_ratio(text, background)
    assert ratio >= ENOUGH, f"{role} {text.name()} on {background.name()}: {ratio:.2f}"


@pytest.mark.parametrize("role", colours.BACKGROUND_ROLES)
def test_palette_text_reads_on_every_background(role: str, palette: QPalette) -> None:
    text = palette.color(QPalette.ColorRole.Text)
    background = colours.background_colour(role, palette)
    ratio = colours.contrast_ratio(text, background)
    assert ratio >= ENOUGH, f"text on {role} {background.name()}: {ratio:.2f}"


@pytest.mark.parametrize("role", ["low", "medium", "high", "very high"])
def test_heat_map_cell_text_reads_on_every_band(role: str, palette: QPalette) -> None:
    fill = colours.fill_colour(role, palette)
    assert colours.contrast_ratio(colours.readable_on(fill), fill) >= ENOUGH


def test_blend_goes_part_of_the_way() -> None:
    mixed = colours.blend(QColor("#000000"), QColor("#ffffff"), 0.5)
    assert 126 <= mixed.red() <= 129
    assert mixed.red() == mixed.green() == mixed.blue()


def test_the_style_is_windows_11_then_vista_then_fusion() -> None:
    from crmbid_desktop.ui.style import choose_style

    # Style lists as Qt reports them: Windows 11 with Qt 6.7+, Windows 10, Linux, macOS.
    windows_11 = ["windows11", "windowsvista", "Windows", "Fusion"]
    windows_10 = ["windowsvista", "Windows", "Fusion"]
    assert choose_style(windows_11) == "windows11"
    assert choose_style(windows_11, dark=True) == "windows11"
    assert choose_style(windows_10) == "windowsvista"
    # Vista's style draws light controls in dark mode: Fusion follows the dark palette.
    assert choose_style(windows_10, dark=True) == "Fusion"
    assert choose_style(["Windows", "Fusion"]) == "Fusion"
    assert choose_style(["macOS", "Fusion"]) == "Fusion"
    assert choose_style(["WINDOWS11", "Fusion"]) == "WINDOWS11"  # names compare ignoring case
    assert choose_style(["Windows"]) == ""  # Qt's own choice when nothing fits


def test_start_up_applies_the_chosen_style(qapp: QApplication, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QStyleFactory

    from crmbid_desktop.ui import style

    monkeypatch.setattr(QStyleFactory, "keys", lambda: ["Windows", "Fusion"])
    before = qapp.style().name()
    try:
        assert style.apply_style(qapp) == "Fusion"
        assert qapp.style().name().casefold() == "fusion"
    finally:
        qapp.setStyle(before)


def test_fractional_scaling_passes_through(qapp: QApplication) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    policy = QGuiApplication.highDpiScaleFactorRoundingPolicy()
    assert policy == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
