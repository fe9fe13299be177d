#!/usr/bin/env bash
# npm run demo: the whole stack in the background (npm run stack:up), then the scripted demo (scripts/demo.ts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run stack:up
if [ -f scripts/demo.ts ]; then
  exec node -r @swc-node/register scripts/demo.ts
fi
echo "demo: scripts/demo.ts is not written yet. The stack is running:"
echo "  - connection details: .stack/env (set -a; . .stack/env; set +a)"
echo "  - gateway and Swagger UI: \$GATEWAY_URL/docs; metrics: <SERVICE>_URL/metrics; logs: .stack/logs/"
echo "  - stop it with: npm run stack:down"
