#!/usr/bin/env bash
# npm run bench: the benchmark suite (bench/run.ts) once it exists.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ -f bench/run.ts ]; then
  exec node -r @swc-node/register bench/run.ts "$@"
fi
echo "no benchmarks yet"
