#!/usr/bin/env bash
# Makes `promtool` available for the Prometheus rule tests (deploy/prometheus/rules.integration-spec.ts):
# nothing to do when it is on PATH; otherwise installs Debian's `prometheus` package (which ships promtool) with
# apt-get, as root or through sudo. Fails with what to do when neither works.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then exit 0; fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(); fi
fi
if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" != 0 ] && [ ${#as_root[@]} = 0 ]; }; then
  echo "ensure-promtool: promtool is not installed and cannot be installed here (needs apt-get as root or sudo)." >&2
  echo "  Install Prometheus' promtool (Debian/Ubuntu: apt-get install prometheus; or a release from prometheus.io) and put it on PATH." >&2
  exit 1
fi
echo "ensure-promtool: installing promtool (Debian package prometheus)"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# The package starts a prometheus service where systemd runs; the tests need only the binary.
command -v promtool >/dev/null 2>&1 || { echo "ensure-promtool: apt-get ran but promtool is not on PATH" >&2; exit 1; }
promtool --version | head -1
