#!/usr/bin/env bash
# Runs Doyensec's Electronegativity over what ships: the Electron shell's sources and the built page.
# (It scans one folder, and the shell and the page live apart, so both are copied into one.)
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
scan=$(mktemp -d)
trap 'rm -rf "$scan"' EXIT
mkdir -p "$scan/renderer"
cp electron/*.ts "$scan/"
cp dist/renderer/index.html dist/renderer/assets/*.js "$scan/renderer/"
electron_version=$(node -p 'require("electron/package.json").version')
npx --yes @doyensec/electronegativity@1.10.3 -i "$scan" -e "$electron_version" -r -v false
