#!/usr/bin/env bash
# Builds (once) and runs the Apache Flink 2.3.0 peer (DataStream API, a MiniCluster in one JVM) on
# session-count of docs/WORKLOADS.md; the last line of stdout is the RESULT line.
#   ./run.sh session-count --backend rocksdb --n 10000000 --k 1000000
#   ./run.sh session-count --backend hashmap --n 10000000 --k 1000000
#   XMX=1g ./run.sh session-count-large --backend rocksdb --ttl-s 0 --managed-mb 1024   # N=100M K=20M
# Environment: XMX (default 4g), GC=g1|parallel (default g1: the JVM's and Flink's default), SKIP_BUILD=1
#              (use the last build), EXTRA_JVM_FLAGS (appended), MVN_FLAGS (e.g. -o), KEEP_TMP=1 (keep the temp dir).
# Checkpoints, RocksDB's files and Flink's io.tmp.dirs go to a fresh temp dir (the JVM's java.io.tmpdir),
# removed at exit; the JVM is killed if this script is interrupted.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$here/target/classpath.txt" ]]; then
  # shellcheck disable=SC2086
  (cd "$here" && mvn -B -q ${MVN_FLAGS:-} package) >&2
fi
CP="$(ls "$here"/target/uji-peer-flink-*.jar):$(cat "$here/target/classpath.txt")"

tmp=$(mktemp -d -t uji-peer-flink.XXXXXX)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_TMP:-0}" == "1" ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Java 17 module flags meant to match what Flink's distribution passes (env.java.opts.all); not checked
# against flink-dist, which Maven Central does not serve, and a run without them was not tried.
JVM_FLAGS=(
  -Xmx"${XMX:-4g}"
  -Djava.io.tmpdir="$tmp"
  -XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)
case "${GC:-g1}" in
  parallel) JVM_FLAGS+=(-XX:+UseParallelGC) ;;
  g1) JVM_FLAGS+=(-XX:+UseG1GC) ;;
  *) echo "GC must be parallel or g1" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206
JVM_FLAGS+=(${EXTRA_JVM_FLAGS:-})

# In the background and waited for, so that an interrupt reaches the trap at once.
java "${JVM_FLAGS[@]}" -cp "$CP" io.uji.peers.flink.FlinkBench "$@" &
pid=$!
set +e
wait "$pid"
rc=$?
set -e
pid=""
exit "$rc"
