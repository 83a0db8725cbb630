#!/bin/bash
# Runs inside `dbus-run-session`: an X server (Xvfb), the program on it with Qt's AT-SPI bridge
# always on, then tests/tools/atspi_walk.py with the system Python (python3-pyatspi). The AT-SPI
# bus and registry start by D-Bus activation (Debian's at-spi2-core). Used by
# tests/ui/test_accessibility_tree.py; $PYTHON and $WALKER come from the environment.
# Usage: a11y_session.sh HOME_DIR BID PAGE_TITLE...
set -u
HOME_DIR=$1; BID=$2; shift 2
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$HOME_DIR/display" >/dev/null 2>&1 &
XPID=$!
for i in $(seq 50); do [ -s "$HOME_DIR/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$HOME_DIR/display")"
export QT_QPA_PLATFORM=xcb QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_ACCESSIBILITY=1 CRMBID_HOME="$HOME_DIR"
"$PYTHON" -m crmbid_desktop --no-crash-dialog "$BID" >"$HOME_DIR/app.log" 2>&1 &
APID=$!
/usr/bin/python3 "$WALKER" "CRM Bid Desktop" "$@"
RC=$?
kill $APID 2>/dev/null; wait $APID 2>/dev/null
kill $XPID 2>/dev/null; wait $XPID 2>/dev/null
exit $RC
