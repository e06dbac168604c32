#!/usr/bin/env bash
# kafka-failover, two instances (docs/PERFORMANCE.md "Failover"): Uji's KafkaGroup or Kafka Streams, each
# instance a JVM of its own, on a 6-partition topic; kill -9 of one instance once 1 M keys of state are built
# and live input flows; measured from the kill to the survivor's first commit that covers the dead instance's
# partitions (FailoverWatch: the group's committed offsets, polled every 10 ms; the same for both systems).
#   bench/kafka-failover.sh --system uji      --session-timeout-ms 6000
#   bench/kafka-failover.sh --system kstreams --session-timeout-ms 6000   # exactly_once_v2, static membership
#   bench/kafka-failover.sh --system uji|kstreams                          # each system's default session timeout
# Options: --system uji|kstreams (required), --session-timeout-ms N (default: the system's default: Uji 10 s,
#   Kafka Streams 45 s), --k users (1 000 000), --n0 preloaded events (2 000 000: every user twice), --rate live
#   events/s (5 000), --steady-s seconds of live input before the kill (10), --static-membership true|false
#   (Kafka Streams only, default true; Uji's instances always have static ids), --heartbeat-ms N (Kafka Streams
#   only: its consumer's heartbeat.interval.ms, 3 s by default; Uji's membership consumer uses 250 ms).
#   --liveness-timeout-ms N (Uji only: its failure detector's timeout, the builder's 1 500 by default; 0: none,
#   detection by the session timeout only), --standbys N (the group's numStandbyReplicas / num.standby.replicas,
#   default 0).
# Every run: a fresh single-node KRaft broker (kafka-local's, its own JVM, Kafka's default broker JVM settings)
# with group.min.session.timeout.ms=6000 (Kafka's stock minimum; kafka-local lowers it to 1000 for tests);
# `input` loaded with N0 events over 6 partitions (kafka-local load, separate JVM), `output` with 6 partitions;
# instance i0 and i1 (-Xmx1g ParallelGC each); the watcher kills i1. Stops every JVM at exit.
# Environment: INSTANCE_XMX (1g), BROKER_XMX (1g), KEEP_TMP=1, LOG_DIR (copy the instances' output there).
# Build first: mvn -B -q -o -DskipTests install -pl benchmarks,kafka-local -am;
#              (cd benchmarks/peers/kstreams && mvn -B -q -o package)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
JAR=kafka-local/target/uji-local-kafka.jar
# shellcheck source=bench/lib/child-jvms.sh
. "$root/bench/lib/child-jvms.sh"
uji_classpath "$root"   # UJI_CP
KS_DIR=benchmarks/peers/kstreams
SYSTEM="" SESSION="" K=1000000 N0=2000000 RATE=5000 STEADY=10 STATIC=true HEARTBEAT= LIVENESS= STANDBYS=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --system) SYSTEM=$2 ;;
    --session-timeout-ms) SESSION=$2 ;;
    --k) K=$2 ;;
    --n0) N0=$2 ;;
    --rate) RATE=$2 ;;
    --steady-s) STEADY=$2 ;;
    --static-membership) STATIC=$2 ;;
    --heartbeat-ms) HEARTBEAT=$2 ;;
    --liveness-timeout-ms) LIVENESS=$2 ;;   # Uji only: its failure detector's timeout (0: none)
    --standbys) STANDBYS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
case "$SYSTEM" in
  uji) ;;
  kstreams) KS_CP="$(ls "$KS_DIR"/target/uji-peer-kstreams-*.jar):$(cat "$KS_DIR/target/classpath.txt")" ;;
  *) echo "--system uji|kstreams" >&2; exit 2 ;;
esac

child_jvms_init uji-failover   # TMP, PIDS (the broker first), stopped on exit

echo "INFO $(date -u +%FT%TZ) start: $(uptime)"
start_broker "$JAR" --property group.min.session.timeout.ms=6000   # BROKER_PID, BOOTSTRAP
echo "INFO broker pid=$BROKER_PID bootstrap=$BOOTSTRAP group.min.session.timeout.ms=6000"

java -Xmx2g -XX:+UseParallelGC -Djava.io.tmpdir="$TMP" -jar "$JAR" load --bootstrap "$BOOTSTRAP" \
  --topic input --events "$N0" --users "$K" --partitions 6
java -Xmx256m -cp "$UJI_CP" io.uji.bench.failover.CreateTopic bootstrap="$BOOTSTRAP" topic=output partitions=6
sync

APP="failover-$SYSTEM"
JVM=(-Xmx"${INSTANCE_XMX:-1g}" -XX:+UseParallelGC -Djava.io.tmpdir="$TMP")
start_instance() { # instance id
  local id=$1
  mkdir -p "$TMP/state-$id"
  if [[ "$SYSTEM" == "uji" ]]; then
    java "${JVM[@]}" -Dorg.slf4j.simpleLogger.log.io.uji.kafka=info -cp "$UJI_CP" io.uji.bench.failover.UjiFailoverInstance \
      bootstrap="$BOOTSTRAP" app="$APP" instance="$id" state="$TMP/state-$id" \
      ${SESSION:+session-timeout-ms=$SESSION} ${LIVENESS:+liveness-timeout-ms=$LIVENESS} standbys="$STANDBYS" >"$TMP/$id.log" 2>&1 &
  else
    java "${JVM[@]}" -cp "$KS_CP" io.uji.peers.kstreams.StreamsFailoverInstance --bootstrap "$BOOTSTRAP" \
      --app-id "$APP" --instance "$id" --state-dir "$TMP/state-$id" --static-membership "$STATIC" \
      ${SESSION:+--session-timeout-ms $SESSION} ${HEARTBEAT:+--heartbeat-ms $HEARTBEAT} --standbys "$STANDBYS" \
      >"$TMP/$id.log" 2>&1 &
  fi
  PIDS+=($!)
  eval "PID_$id=$!"
}
start_instance i0
start_instance i1
echo "INFO instances i0 pid=$PID_i0 i1 pid=$PID_i1 (system $SYSTEM, session timeout ${SESSION:-default}, standbys $STANDBYS)"

rc=0
java -Xmx256m -cp "$UJI_CP" io.uji.bench.failover.FailoverWatch system="$SYSTEM" bootstrap="$BOOTSTRAP" app="$APP" \
  n0="$N0" k="$K" rate="$RATE" steady-s="$STEADY" victim=i1 victim-pid="$PID_i1" survivor-log="$TMP/i0.log" \
  session-timeout-ms="${SESSION:-default}${HEARTBEAT:+/hb$HEARTBEAT}" timeout-s=600 | tee "$TMP/watch.out" || rc=$?
if [[ $rc -ne 0 ]] || ! grep -q '^RESULT' "$TMP/watch.out"; then
  echo "FAILED; the survivor's last lines:" >&2; tail -40 "$TMP/i0.log" >&2; exit 1
fi
if [[ -n "${LOG_DIR:-}" ]]; then mkdir -p "$LOG_DIR"; cp "$TMP/i0.log" "$LOG_DIR/survivor.log"; cp "$TMP/i1.log" "$LOG_DIR/victim.log"; fi
grep -E 'Restored key group|Key group .* runs here|RESTORE_|STATE ' "$TMP/i0.log" | tail -20 | sed 's/^/survivor: /'
echo "INFO $(date -u +%FT%TZ) end: $(uptime)"
