#!/bin/sh
# Migrate step (services with a database), then the service itself as PID 1 so SIGTERM reaches it.
set -e
: "${SERVICE:?SERVICE must name an app, e.g. gateway}"
if [ -f "apps/$SERVICE/src/migrate.ts" ]; then
  node -r @swc-node/register "apps/$SERVICE/src/migrate.ts"
fi
exec node -r @swc-node/register "apps/$SERVICE/src/main.ts"
