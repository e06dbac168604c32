#!/usr/bin/env bash
# kafka-session-count of docs/WORKLOADS.md on Uji (called by bench/run.sh kafka-session-count ...):
# starts a fresh single-node Kafka 4.4.0 broker (kafka-local/target/uji-local-kafka.jar, KRaft, 127.0.0.1,
# its own JVM with Kafka's default broker JVM settings, as benchmarks/peers/kstreams/run.sh), loads the
# N events into the 2-partition topic `input` (separate JVM, timed apart), then runs Bench against it
# (with the broker's pid: the RESULT line has the CPU seconds of Uji's JVM, the broker and the rest of the machine).
# Every JVM started here is stopped at exit (also when interrupted), the broker last; the temp dir is removed.
#   bench/run.sh kafka-session-count --guarantee eos  --ft on --n 10000000 --k 1000000 --b 500000 --interval-ms 1000
#   bench/run.sh kafka-session-count --guarantee alos --ft on ...
# Environment: XMX, GC, EXTRA_JVM_FLAGS (the measured JVM, as bench/run.sh), BROKER_XMX (default 1g),
#              KEEP_TMP=1 (keep the temp dir and the broker's log).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
JAR=kafka-local/target/uji-local-kafka.jar
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
N=10000000 K=1000000
ARGS=("$@")
for ((i = 0; i + 1 < ${#ARGS[@]}; i++)); do
  case "${ARGS[$i]}" in
    --n) N=${ARGS[$((i + 1))]} ;;
    --k) K=${ARGS[$((i + 1))]} ;;
  esac
done
JVM_FLAGS=(-Xmx"${XMX:-4g}")
case "${GC:-g1}" in
  parallel) JVM_FLAGS+=(-XX:+UseParallelGC) ;;
  g1) JVM_FLAGS+=(-XX:+UseG1GC) ;;
  shenandoah) JVM_FLAGS+=(-XX:+UseShenandoahGC) ;;
  *) echo "GC must be parallel, g1 or shenandoah" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206
JVM_FLAGS+=(${EXTRA_JVM_FLAGS:-})

# shellcheck source=bench/lib/child-jvms.sh
. "$root/bench/lib/child-jvms.sh"
child_jvms_init uji-kafka-bench   # TMP, PIDS (the broker first), stopped on exit
run_java() {
  java "$@" &
  PIDS+=($!)
  local rc=0
  wait "$!" || rc=$?
  return $rc
}

start_broker "$JAR"   # BROKER_PID, BOOTSTRAP
echo "INFO broker pid=$BROKER_PID bootstrap=$BOOTSTRAP"

# ---- load (timed apart, before the measured run); ParallelGC as the peer's loader ----
run_java -Xmx2g -XX:+UseParallelGC -Djava.io.tmpdir="$TMP" -jar "$JAR" load --bootstrap "$BOOTSTRAP" \
  --topic input --events "$N" --users "$K" --partitions 2 || { tail -30 "$TMP/broker.log" >&2; exit 1; }
sync   # the load's dirty pages, written back now rather than during the measured run

rc=0
run_java "${JVM_FLAGS[@]}" -Djava.io.tmpdir="$TMP" -cp "$CP" io.uji.bench.Bench kafka-session-count \
  --bootstrap "$BOOTSTRAP" --topic input --output-topic output --broker-pid "$BROKER_PID" "$@" || rc=$?
echo "INFO broker_peak_rss_mb=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$BROKER_PID/status" 2>/dev/null || echo NA)"
exit $rc
