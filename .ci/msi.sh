#!/usr/bin/env bash
# The MSI as council IT uses it, under Wine (sourced by .ci/windows, which has set up the Wine
# prefix, `step`, `fail`, `wine_run`, `winpy` and `winpath`): build it with wixl, install it
# silently, run the installed program's smoke test, upgrade it with a higher version, uninstall
# it, and check what is left.

msi_old="$WORK/CRM Bid Desktop $VERSION.msi"
# The upgrade: a newer build of the program, version $newer (a new ProductCode, the same
# UpgradeCode). It is this build stamped as a release step would stamp it
# (tests/tools/restamp_windows_exe.py: the BUILD_VERSION the program reads at run time and the
# .exe's version resource), which saves a second ten-minute PyInstaller run.
IFS=. read -r major minor patch <<<"$VERSION"
newer="$major.$minor.$((patch + 1))"
msi_new="$WORK/CRM Bid Desktop $newer.msi"
newer_bundle="$WORK/dist-newer/CRM Bid Desktop"
drive_c="$WINEPREFIX/drive_c"
installed_dir="$drive_c/Program Files/CRM Bid Desktop"
installed_exe="$installed_dir/CRM Bid Desktop.exe"

shortcuts() { find "$drive_c" -name "CRM Bid Desktop.lnk" -not -path "*/Recent/*"; }
products() { winpy tests/tools/installed_programs.py | tr -d '\r'; }

step "MSI: build ($VERSION and $newer) with wixl"
installer/build-msi "$BUNDLE" "$msi_old" "$VERSION"
rm -rf "$WORK/dist-newer"
mkdir -p "$WORK/dist-newer"
cp -a "$BUNDLE" "$newer_bundle"
"$HOST_PYTHON" tests/tools/restamp_windows_exe.py "$newer_bundle" "$newer"
CRMBID_VERSION=$newer "$HOST_PYTHON" tests/tools/check_windows_exe.py "$newer_bundle/CRM Bid Desktop.exe"
installer/build-msi "$newer_bundle" "$msi_new" "$newer"
properties=$(msiinfo export "$msi_old" Property | tr -d '\r')
grep -qP "^UpgradeCode\t\{7D3C1B52-8E4A-4F63-9A0B-2C5D1E7F0A21\}$" <<<"$properties" ||
  fail "the MSI has not the program's UpgradeCode (a newer MSI would not replace an older one)"
grep -qP "^ALLUSERS\t1$" <<<"$properties" || fail "the MSI is not per machine (ALLUSERS is not 1)"
grep -qP "^ProductVersion\t$VERSION$" <<<"$properties" || fail "the MSI's ProductVersion is not $VERSION"
du -m "$msi_old" | cut -f1 | sed 's/^/MSI size (MB): /'

step "MSI: silent install (msiexec /i ... /qn)"
[ ! -e "$installed_dir" ] || fail "$installed_dir exists before the install"
wine_run msiexec /i "$(winpath "$msi_old")" /qn
[ -f "$installed_exe" ] || fail "msiexec /qn did not install $installed_exe"
cmp -s "$installed_exe" "$BUNDLE/CRM Bid Desktop.exe" || fail "the installed program is not the built one"
[ "$(shortcuts | wc -l)" -eq 1 ] || fail "expected one Start menu shortcut, found: $(shortcuts)"
shortcuts | sed 's/^/Start menu shortcut: /'
listed=$(products)
echo "$listed"
[ "$(echo "$listed" | wc -l)" -eq 1 ] && [[ "$listed" == "CRM Bid Desktop $VERSION "* ]] ||
  fail "Installed apps should list CRM Bid Desktop $VERSION once, not: $listed"

step "MSI: the installed program's smoke test"
printed=$(wine_run "$installed_exe" --version | tr -d '\r')
echo "$printed"
[ "$printed" = "CRM Bid Desktop $VERSION" ] || fail "the installed program says \"$printed\""
wine_run "$installed_exe" --smoke-test --no-crash-dialog

step "MSI: upgrade to $newer (msiexec /i ... /qn)"
wine_run msiexec /i "$(winpath "$msi_new")" /qn
listed=$(products)
echo "$listed"
[ "$(echo "$listed" | wc -l)" -eq 1 ] && [[ "$listed" == "CRM Bid Desktop $newer "* ]] ||
  fail "after the upgrade Installed apps should list only CRM Bid Desktop $newer, not: $listed"
[ -f "$installed_exe" ] || fail "the upgrade left no $installed_exe"
[ "$(shortcuts | wc -l)" -eq 1 ] || fail "after the upgrade expected one shortcut, found: $(shortcuts)"
cmp -s "$installed_exe" "$newer_bundle/CRM Bid Desktop.exe" || fail "the upgrade did not install the newer program"
printed=$(wine_run "$installed_exe" --version | tr -d '\r')
echo "$printed"
[ "$printed" = "CRM Bid Desktop $newer" ] || fail "after the upgrade the program says \"$printed\", not $newer"
wine_run "$installed_exe" --smoke-test --no-crash-dialog
code=$(echo "$listed" | cut -d' ' -f5)

step "MSI: uninstall (msiexec /x ... /qn) and what is left"
user_bid="$documents/CRM National Project bid.crmbid"
[ -f "$user_bid" ] || fail "no default bid at $user_bid before uninstalling"
wine_run msiexec /x "$code" /qn
[ -z "$(products)" ] || fail "still listed after uninstalling: $(products)"
if [ -e "$installed_dir" ]; then
  find "$installed_dir" | head -20
  fail "uninstalling left $installed_dir (listed above)"
fi
[ -z "$(shortcuts)" ] || fail "uninstalling left the shortcut $(shortcuts)"
if winpy -c "import winreg; winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r'Software\\CRM Bid Desktop', 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)" >/dev/null; then
  fail "uninstalling left the registry key HKLM\\Software\\CRM Bid Desktop"
fi
# The user's own work stays: the bid, its backups and the settings.
[ -f "$user_bid" ] || fail "uninstalling removed the user's bid $user_bid"
echo "uninstalled: no program files, shortcut or registry key left; the user's bid is still there"
