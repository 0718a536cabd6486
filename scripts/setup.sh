#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine with Node 20+: the system programs the app and its tests use
# (dbus-daemon, gdbus/dbus-send, ag-tool, rclone and Apache for WebDAV, openssh-server for the test device that
# the device-over-SSH tests run behind their own sshd, python3-dbusmock standing in for
# NetworkManager and the notification server, systemd-analyze for the user unit), then the npm packages, then
# the real Sailfish sync daemon and backup plugins the interoperability test runs (built once, cached in
# ${REAL_BUTEO_HOME:-~/.cache/real-buteo}).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(dbus dbus-bin libglib2.0-bin libaccounts-glib-tools rclone apache2 gnome-keyring chromium ca-certificates
  python3-dbusmock systemd openssh-client openssh-server curl time)
# The real upstream msyncd and Nextcloud backup plugins that test/interop runs against (test/peers/real-buteo).
packages+=(g++ make pkg-config qtbase5-dev qtbase5-dev-tools qt5-qmake libqt5sql5-sqlite libaccounts-qt5-dev
  libsignon-qt5-dev libdbus-1-dev libglib2.0-dev dbus-daemon python3-gi)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node -e 'const [major, minor] = process.versions.node.split(".").map(Number); if (major < 20 || (major === 20 && minor < 19)) { console.error(`Node ${process.versions.node} is too old: install Node 20.19 or newer`); process.exit(1); }'
npm ci
echo "Building the real Buteo msyncd and Nextcloud backup plugins (cached after the first build)…" >&2
bash test/peers/real-buteo/build.sh >&2
