#!/usr/bin/env bash
# A real single-node Apache Kafka 3.9.1 broker (KRaft, broker + controller) on 127.0.0.1, from Maven Central jars.
# Usage: deploy/local/kafka.sh start|stop|status
# Idempotent: "start" reuses a broker that already answers a metadata request on KAFKA_PORT.
# Everything lives under $STACK_DIR (default .stack/): jars in kafka/lib, data in kafka/data, log in logs/kafka.log.
# KAFKA_LIB_DIR points at jars fetched elsewhere (a test's private broker in its own STACK_DIR reuses the stack's).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
STACK_DIR="${STACK_DIR:-$root/.stack}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
kdir="$STACK_DIR/kafka"
lib="${KAFKA_LIB_DIR:-$kdir/lib}"
data="$kdir/data"
props="$kdir/server.properties"
pidfile="$kdir/kafka.pid"
logdir="$STACK_DIR/logs"
log="$logdir/kafka.log"
bootstrap="127.0.0.1:$KAFKA_PORT"

probe() { node "$here/kafka-ready.js" "$bootstrap" "${1:-3000}" >/dev/null 2>&1; }

fetch_jars() {
  if [ -f "$lib/.complete" ]; then return; fi
  echo "kafka: fetching Apache Kafka 3.9.1 from Maven Central into $lib"
  mkdir -p "$lib"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
  touch "$lib/.complete"
}

write_props() {
  mkdir -p "$data" "$logdir"
  cat >"$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
message.max.bytes=1048588
PROPS
}

start() {
  if probe; then echo "kafka: already running on $bootstrap"; return 0; fi
  command -v java >/dev/null || { echo "kafka: java (JDK 17+) is required" >&2; exit 1; }
  fetch_jars
  write_props
  if [ ! -f "$data/meta.properties" ]; then
    cid="$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$lib/*" kafka.tools.StorageTool format -t "$cid" -c "$props" >>"$log" 2>&1
  fi
  echo "kafka: starting broker on $bootstrap (log $log)"
  nohup java "-Xms256m" "-Xmx$KAFKA_HEAP" -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    -cp "$lib/*" kafka.Kafka "$props" >>"$log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if probe 2000; then echo "kafka: ready on $bootstrap"; return 0; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "kafka: broker exited during start; last log lines:" >&2; tail -n 30 "$log" >&2; exit 1
    fi
    sleep 1
  done
  echo "kafka: not ready after 120 s; last log lines:" >&2; tail -n 30 "$log" >&2; exit 1
}

stop() {
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    pid="$(cat "$pidfile")"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "kafka: stopped (pid $pid)"
  else
    echo "kafka: not started by this stack"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if probe; then echo "kafka: up on $bootstrap"; else echo "kafka: down"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
