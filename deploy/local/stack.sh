#!/usr/bin/env bash
# The whole platform in the background. Usage: deploy/local/stack.sh up|down
#   up:   infra.sh up, each service's migrations, every service (and the portal sandbox) on its dev port with logs
#         in $STACK_DIR/logs/<svc>.log and pids in $STACK_DIR/pids/<svc>.pid; returns when every /health/ready
#         answers 200, after creating (or reusing) a ready-made firm with an admin API key; writes $STACK_DIR/env.
#         Idempotent: healthy running services are reused.
#   down: stops the services by pid, then infra.sh down (which stops only what it started).
# The logic is libs/testing/src/cli/stack.cli.ts (shared with the e2e tests' startStack()).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export STACK_DIR="${STACK_DIR:-$root/.stack}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:${PG_PORT:-5432}/practice_sync}"
cd "$root"

case "${1:-}" in
  up)
    bash "$here/infra.sh" up
    node -r @swc-node/register libs/testing/src/cli/stack.cli.ts up
    ;;
  down)
    if [ -d node_modules/@swc-node/register ]; then node -r @swc-node/register libs/testing/src/cli/stack.cli.ts down; fi
    bash "$here/infra.sh" down
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
