#!/usr/bin/env bash
# Builds (once) and runs the Spark Streaming 4.0.1 peer on one workload of docs/WORKLOADS.md; the
# last line of stdout is the RESULT line.
#   ./run.sh session-count --variant mapWithState --source gen --n 10000000 --k 1000000 --b 500000 --interval-ms 2000
#   ./run.sh session-count --variant update --source gen ...
#   ./run.sh recovery --n 10000000 --k 1000000 --b 500000 --interval-ms 2000 --kill-after 10
#   ./run.sh receiver-wal --rate 1600000 --duration-s 60 --processing count --master 'local[2]'
# Environment: XMX (default 4g), GC=parallel|g1 (default parallel: Spark's best here), SKIP_BUILD=1 (use
#              the last build), EXTRA_JVM_FLAGS (appended), MVN_FLAGS (e.g. -o), KEEP_TMP=1 (keep the temp dir).
# Checkpoints and Spark's local files go to a fresh temp dir (java.io.tmpdir of the JVMs), removed at exit;
# the JVMs this script starts are killed if it is interrupted.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$here/target/classpath.txt" ]]; then
  # shellcheck disable=SC2086
  (cd "$here" && mvn -B -q ${MVN_FLAGS:-} package) >&2
fi
CP="$(ls "$here"/target/uji-peer-spark-*.jar):$(cat "$here/target/classpath.txt")"

tmp=$(mktemp -d -t uji-peer-spark.XXXXXX)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true   # SIGTERM: the recovery parent's shutdown hook kills its child JVM
    wait "$pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_TMP:-0}" == "1" ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Spark 4's module flags for Java 17 (the list of org.apache.spark.launcher.JavaModuleOptions).
JVM_FLAGS=(
  -Xmx"${XMX:-4g}"
  -Djava.io.tmpdir="$tmp"
  -XX:+IgnoreUnrecognizedVMOptions
  --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)
case "${GC:-parallel}" in
  parallel) JVM_FLAGS+=(-XX:+UseParallelGC) ;;
  g1) JVM_FLAGS+=(-XX:+UseG1GC) ;;
  *) echo "GC must be parallel or g1" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206
JVM_FLAGS+=(${EXTRA_JVM_FLAGS:-})

export SPARK_LOCAL_IP=127.0.0.1   # the loopback address the driver binds anyway (silences a warning)

# In the background and waited for, so that an interrupt reaches the trap at once.
java "${JVM_FLAGS[@]}" -cp "$CP" io.uji.peers.spark.SparkBench "$@" &
pid=$!
set +e
wait "$pid"
rc=$?
set -e
pid=""
exit "$rc"
