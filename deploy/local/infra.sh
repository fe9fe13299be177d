#!/usr/bin/env bash
# Local infrastructure: dependencies, a Kafka broker and PostgreSQL. Usage: deploy/local/infra.sh up|down
#   up:   npm ci when node_modules is missing, then kafka.sh start and postgres.sh up (both reuse servers that
#         already answer). Remembers what it started itself in $STACK_DIR/infra-started.
#   down: stops only what "up" started (by pid); a broker or database it found running is left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export STACK_DIR="${STACK_DIR:-$root/.stack}"
marker="$STACK_DIR/infra-started"
kafka_pidfile="$STACK_DIR/kafka/kafka.pid"

deps() {
  if [ ! -d "$root/node_modules" ]; then
    echo "infra: installing dependencies (npm ci)"
    (cd "$root" && npm ci --no-audit --no-fund)
  fi
}

up() {
  deps
  mkdir -p "$STACK_DIR"
  touch "$marker"
  if bash "$here/kafka.sh" status >/dev/null 2>&1; then
    echo "kafka: already running on 127.0.0.1:${KAFKA_PORT:-9092}"
  else
    bash "$here/kafka.sh" start
    grep -q '^kafka ' "$marker" || echo "kafka $(cat "$kafka_pidfile")" >>"$marker"
  fi
  bash "$here/postgres.sh" up
}

down() {
  if [ -f "$marker" ] && grep -q '^kafka ' "$marker"; then
    started="$(awk '/^kafka /{print $2}' "$marker")"
    # Only the very broker we started: kafka.pid may since belong to a broker someone else started.
    if [ -f "$kafka_pidfile" ] && [ "$(cat "$kafka_pidfile")" = "$started" ]; then
      bash "$here/kafka.sh" stop
    else
      echo "kafka: the broker infra.sh started is gone; nothing to stop"
    fi
  else
    echo "kafka: not started by infra.sh; left running"
  fi
  # postgres.sh only ever stops an embedded server it started itself.
  if [ -d "$root/node_modules/@swc-node/register" ]; then bash "$here/postgres.sh" down; fi
  rm -f "$marker"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
