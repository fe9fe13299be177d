#!/usr/bin/env bash
# Makes Debian's headless-capable `chromium` available for the console's browser test
# (apps/e2e/src/console.e2e-spec.ts drives it through playwright-core, which downloads no browser): nothing to do
# when /usr/bin/chromium exists (or CHROMIUM_PATH points at one); otherwise installs the `chromium` package with
# apt-get, as root or through sudo. Fails with what to do when neither works.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(); fi
fi
if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" != 0 ] && [ ${#as_root[@]} = 0 ]; }; then
  echo "ensure-chromium: $chromium is missing and cannot be installed here (needs apt-get as root or sudo)." >&2
  echo "  Install Chromium (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x "$chromium" ] || { echo "ensure-chromium: apt-get ran but $chromium is not there" >&2; exit 1; }
"$chromium" --version | head -1
