#!/usr/bin/env bash
# Builds (once) and runs the Apache Kafka Streams 4.4.0 peer on kafka-session-count or kafka-failover of
# docs/WORKLOADS.md, against a single-node KRaft broker on 127.0.0.1; the last line of stdout is the RESULT line.
#   ./run.sh session-count --guarantee alos --n 10000000 --k 1000000    # kafka-session-count, at_least_once (headline)
#   ./run.sh session-count --guarantee eos                              # exactly_once_v2
#   ./run.sh session-count --guarantee alos --cache-bytes 0             # record cache off
#   ./run.sh session-count --guarantee alos --sink discard              # foreach() instead of the output topic
#   ./run.sh recovery [--static-membership true]                        # kafka-failover: EOS, SIGKILL at N/2, restart
#   XMX=1g ./run.sh session-count-large --timeout-s 1200                # N=100M K=20M (not measured so far)
# Every run: a fresh broker JVM (kafka.Kafka, KRaft broker+controller in one process), the loader JVM
# (io.uji.peers.kstreams.LoadInput, timed apart), then the measured Kafka Streams JVM
# (io.uji.peers.kstreams.StreamsBench). Options after the workload go to StreamsBench.
# Broker data, Streams state and logs live in a fresh temp dir removed at exit; every JVM this script
# started (broker included) is stopped at exit, also when it is interrupted.
# Environment: XMX (Streams JVM heap, default 4g), GC=parallel|g1 (Streams JVM, default parallel), SKIP_BUILD=1
#              (use the last build), EXTRA_JVM_FLAGS (appended, Streams JVM), MVN_FLAGS (e.g. -o),
#              BROKER_XMX (default 1g, Kafka's own default heap), KEEP_TMP=1 (keep the temp dir and its logs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$here/target/classpath.txt" ]]; then
  # shellcheck disable=SC2086
  (cd "$here" && mvn -B -q ${MVN_FLAGS:-} package) >&2
fi
CP="$(ls "$here"/target/uji-peer-kstreams-*.jar):$(cat "$here/target/classpath.txt")"

WORKLOAD=${1:?usage: run.sh session-count|session-count-large|recovery [--name value]...}
shift
case "$WORKLOAD" in
  session-count | recovery) N=10000000; K=1000000 ;;
  session-count-large) N=100000000; K=20000000 ;;
  *) echo "unknown workload $WORKLOAD (session-count, session-count-large, recovery)" >&2; exit 2 ;;
esac
ARGS=("$@")
for ((i = 0; i + 1 < ${#ARGS[@]}; i++)); do
  case "${ARGS[$i]}" in
    --n) N=${ARGS[$((i + 1))]} ;;
    --k) K=${ARGS[$((i + 1))]} ;;
  esac
done
JVM_FLAGS=(-Xmx"${XMX:-4g}")
case "${GC:-parallel}" in
  parallel) JVM_FLAGS+=(-XX:+UseParallelGC) ;;
  g1) JVM_FLAGS+=(-XX:+UseG1GC) ;;
  *) echo "GC must be parallel or g1" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206
JVM_FLAGS+=(${EXTRA_JVM_FLAGS:-})

# shellcheck source=bench/lib/child-jvms.sh
. "$here/../../../bench/lib/child-jvms.sh"
child_jvms_init uji-peer-kstreams   # TMP, PIDS (the broker first), stopped on exit
# Runs a JVM in the background and waits for it, so that an interrupt reaches the trap at once.
run_java() {
  java "$@" &
  PIDS+=($!)
  local rc=0
  wait "$!" || rc=$?
  return $rc
}

# ---- broker: Kafka 4.4.0 in KRaft mode, one node that is broker and controller, loopback only ----
read -r BPORT CPORT < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
cat >"$TMP/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$BPORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$BPORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$TMP/kafka-logs
auto.create.topics.enable=false
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
# Kafka's own default broker JVM settings (kafka-run-class.sh / kafka-server-start.sh).
BROKER_JVM=(-Xmx"${BROKER_XMX:-1g}" -Xms"${BROKER_XMX:-1g}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
  -Djava.io.tmpdir="$TMP")
java "${BROKER_JVM[@]}" -cp "$CP" kafka.tools.StorageTool format -t MkU3OEVBNTcwNTJENDM2Qk \
  -c "$TMP/server.properties" >"$TMP/format.log" 2>&1 || { cat "$TMP/format.log" >&2; exit 1; }
java "${BROKER_JVM[@]}" -cp "$CP" kafka.Kafka "$TMP/server.properties" >"$TMP/broker.log" 2>&1 &
BROKER_PID=$!
PIDS+=("$BROKER_PID")
echo "INFO broker pid=$BROKER_PID bootstrap=127.0.0.1:$BPORT"

# ---- load (timed apart, before the measured run) ----
if ! run_java -Xmx2g -XX:+UseParallelGC -Djava.io.tmpdir="$TMP" -cp "$CP" io.uji.peers.kstreams.LoadInput \
    --bootstrap "127.0.0.1:$BPORT" --topic input --n "$N" --k "$K" >"$TMP/load.out"; then
  cat "$TMP/load.out"; tail -30 "$TMP/broker.log" >&2; exit 1
fi
cat "$TMP/load.out"
LOAD_S=$(grep -o 'load_s=[0-9.]*' "$TMP/load.out" | cut -d= -f2)
LOAD_EPS=$(grep -o 'load_eps=[0-9]*' "$TMP/load.out" | cut -d= -f2)
EXTRA="load_s=$LOAD_S load_eps=$LOAD_EPS broker_xmx=${BROKER_XMX:-1g}"

# ---- the measured Kafka Streams JVM ----
COMMON=(--bootstrap "127.0.0.1:$BPORT" --input input --output output --state-dir "$TMP/state"
  --broker-pid "$BROKER_PID" --n "$N" --k "$K")
sync   # the load's dirty pages, written back now rather than during the measured run
MAIN=(-Djava.io.tmpdir="$TMP" -cp "$CP" io.uji.peers.kstreams.StreamsBench)

if [[ "$WORKLOAD" != "recovery" ]]; then
  rc=0
  run_java "${JVM_FLAGS[@]}" "${MAIN[@]}" "$WORKLOAD" "${COMMON[@]}" --app-id "kstreams-bench" --extra "$EXTRA" "$@" || rc=$?
  exit $rc
fi

# ---- kafka-failover: exactly_once_v2, SIGKILL once half of the input is processed, restart on the same state dir ----
java "${JVM_FLAGS[@]}" "${MAIN[@]}" recovery-run1 "${COMMON[@]}" --app-id "kstreams-recovery" \
  --guarantee eos --kill-at $((N / 2)) "$@" >"$TMP/run1.out" 2>"$TMP/run1.err" &
RUN1=$!
PIDS+=("$RUN1")
# Poll run 1's output for the kill point (every 10 ms, so the kill lands within ~1 k records of N/2).
until grep -q '^KILL_POINT' "$TMP/run1.out"; do
  if ! kill -0 "$RUN1" 2>/dev/null; then
    echo "run 1 ended before the kill point" >&2; cat "$TMP/run1.out" "$TMP/run1.err" >&2; exit 1
  fi
  sleep 0.01
done
kill -9 "$RUN1"
wait "$RUN1" 2>/dev/null || true
LAUNCHED=$(date +%s%3N)
KILLED_AT=$(grep '^KILL_POINT' "$TMP/run1.out" | grep -o 'processed=[0-9]*' | cut -d= -f2)
grep -E '^(INFO|KILL_POINT)' "$TMP/run1.out" | grep -v '^INFO.*Topologies' | sed 's/^/run1: /' | head -5
echo "INFO run 1 SIGKILLed after KILL_POINT processed=$KILLED_AT; restarting"
rc=0
run_java "${JVM_FLAGS[@]}" "${MAIN[@]}" recovery-run2 "${COMMON[@]}" --app-id "kstreams-recovery" \
  --guarantee eos --launched-at-ms "$LAUNCHED" --killed-at "$KILLED_AT" --extra "$EXTRA" "$@" || rc=$?
exit $rc
