#!/usr/bin/env bash
# kafka-scale (issue 14, docs/PERFORMANCE.md "Scale-out throughput"): session-count of a preloaded 6-partition topic by
# a KafkaGroup of 1, 2 or 3 Uji instances (UjiFailoverInstance: keyedStream -> reduceByKey -> mapWithState, each batch's
# counts through the group's transactional sink, exactly once), each instance a JVM of its own on this machine.
# ScaleWatch measures from the group's first committed batch to the commit that covers all N events (events/s, CPU
# seconds of the instances and of the broker) and checks every user's last output count against the input.
#   bench/kafka-scale.sh                          # 1, 2 and 3 instances, one run each
#   bench/kafka-scale.sh --instances "1 3" --rounds 2 --n 6000000 --k 1000000 --interval-ms 2000
# Options: --instances "counts" (default "1 2 3"), --rounds R (each count R times, alternated; 1), --n events (6 000 000),
#   --k users (1 000 000), --interval-ms batch interval (2000), --max-rate-per-partition (0: backpressure only).
# Every run: a fresh single-node KRaft broker (kafka-local's, its own JVM), `input` loaded with N events over 6
# partitions before the instances start, `output` with 6 partitions.
# Environment: INSTANCE_XMX (1g), BROKER_XMX (1g), KEEP_TMP=1.
# Build first: mvn -B -q -o -DskipTests install -pl benchmarks,kafka-local -am
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
JAR=kafka-local/target/uji-local-kafka.jar
# shellcheck source=bench/lib/child-jvms.sh
. "$root/bench/lib/child-jvms.sh"
uji_classpath "$root"   # UJI_CP
COUNTS="1 2 3" ROUNDS=1 N=6000000 K=1000000 INTERVAL=2000 MAX_RATE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --instances) COUNTS=$2 ;;
    --rounds) ROUNDS=$2 ;;
    --n) N=$2 ;;
    --k) K=$2 ;;
    --interval-ms) INTERVAL=$2 ;;
    --max-rate-per-partition) MAX_RATE=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done


run_once() { # instance count
  local count=$1 i pids=()
  child_jvms_init uji-scale   # TMP, PIDS (the broker first), stopped on exit or by the cleanup below
  echo "INFO $(date -u +%FT%TZ) instances=$count start: $(uptime)"
  start_broker "$JAR"
  java -Xmx2g -XX:+UseParallelGC -Djava.io.tmpdir="$TMP" -jar "$JAR" load --bootstrap "$BOOTSTRAP" \
    --topic input --events "$N" --users "$K" --partitions 6 >"$TMP/load.log" 2>&1
  java -Xmx256m -cp "$UJI_CP" io.uji.bench.failover.CreateTopic bootstrap="$BOOTSTRAP" topic=output partitions=6
  sync
  for ((i = 0; i < count; i++)); do
    mkdir -p "$TMP/state-i$i"
    java -Xmx"${INSTANCE_XMX:-1g}" -XX:+UseParallelGC -Djava.io.tmpdir="$TMP" -cp "$UJI_CP" \
      io.uji.bench.failover.UjiFailoverInstance bootstrap="$BOOTSTRAP" app="scale-$count" instance="i$i" \
      state="$TMP/state-i$i" interval-ms="$INTERVAL" max-rate-per-partition="$MAX_RATE" >"$TMP/i$i.log" 2>&1 &
    PIDS+=($!)
    pids+=($!)
  done
  local rc=0
  java -Xmx1g -XX:+UseParallelGC -cp "$UJI_CP" io.uji.bench.failover.ScaleWatch bootstrap="$BOOTSTRAP" \
    app="scale-$count" n="$N" k="$K" instance-pids="$(IFS=,; echo "${pids[*]}")" broker-pid="$BROKER_PID" \
    | tee "$TMP/watch.out" || rc=$?
  local rss
  for ((i = 0; i < count; i++)); do
    rss=$(awk '/VmHWM/ {print $2 / 1024}' "/proc/${pids[$i]}/status" 2>/dev/null || echo "?")
    echo "INFO instance i$i peak_rss_mb=$rss batches=$(grep -c '^BATCH' "$TMP/i$i.log" || true)"
  done
  if [[ $rc -ne 0 ]] || ! grep -q '^RESULT' "$TMP/watch.out"; then
    echo "FAILED; the instances' last lines:" >&2; tail -n 20 "$TMP"/i*.log >&2; exit 1
  fi
  echo "INFO $(date -u +%FT%TZ) end: $(uptime)"
  child_jvms_cleanup
  trap - EXIT
}

for ((r = 0; r < ROUNDS; r++)); do
  for c in $COUNTS; do
    run_once "$c"
  done
done
