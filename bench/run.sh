#!/usr/bin/env bash
# Runs one Uji benchmark workload; its last line is the RESULT line of docs/WORKLOADS.md.
#   bench/run.sh wordcount                       # 4 M lines of 10 words, 200 k lines a batch, 1 s batches
#   bench/run.sh session-count --variant mapWithState --ft on   # N=10 M, K=1 M, B=500 k; also: update, inmem; --ft off
#   bench/run.sh recovery --interval-ms 2000 --kill-after 10   # child JVM, SIGKILL after batch 10, restart
#   bench/run.sh receiver-wal --rate 4000000 --duration-s 60   # WAL fsync per block of 10,000, count only
#   bench/run.sh kafka-session-count --guarantee eos --ft on   # a local broker, 10 M events loaded, KafkaSink; alos: plain producer
#   bench/run.sh wordcount --n 8000000 --verbose
# Environment: XMX (default 4g), GC=g1|parallel|shenandoah (default g1), SKIP_BUILD=1 to skip the maven build,
#              EXTRA_JVM_FLAGS (appended, e.g. a JFR recording); recovery: RESTART_JVM_FLAGS, for the restarted
#              child JVM only (its JFR recording or GC log).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f benchmarks/target/classpath.txt ]]; then
  mvn -B -ntp -q -DskipTests package -pl benchmarks,kafka-local -am >&2
fi
if [[ "${1:-}" == "kafka-session-count" ]]; then
  shift
  exec bench/kafka-session-count.sh "$@"   # starts and stops its own broker
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JVM_FLAGS=(-Xmx"${XMX:-4g}")
case "${GC:-g1}" in
  parallel) JVM_FLAGS+=(-XX:+UseParallelGC) ;;
  g1) JVM_FLAGS+=(-XX:+UseG1GC) ;;
  shenandoah) JVM_FLAGS+=(-XX:+UseShenandoahGC) ;;
  *) echo "GC must be parallel, g1 or shenandoah" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
exec java "${JVM_FLAGS[@]}" ${EXTRA_JVM_FLAGS:-} -cp "$CP" io.uji.bench.Bench "$@"
