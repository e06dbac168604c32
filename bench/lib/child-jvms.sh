# Sourced by the benchmark scripts that start a broker and client JVMs: a temporary directory
# and the JVMs started, stopped in reverse order (the clients before the broker) on any exit.
#
# Usage: child_jvms_init <mktemp-prefix>   sets TMP and PIDS; append every JVM's pid to PIDS.
# KEEP_TMP=1 keeps the temporary directory (and the logs in it).

child_jvms_init() {
  TMP=$(mktemp -d -t "$1.XXXXXX")
  PIDS=()
  trap child_jvms_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Stops every JVM started, the last first: SIGTERM, up to 10 s, then SIGKILL.
stop_all() {
  local p j
  for ((j = ${#PIDS[@]} - 1; j >= 0; j--)); do
    p=${PIDS[$j]}
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
}

child_jvms_cleanup() {
  stop_all
  if [[ "${KEEP_TMP:-0}" == "1" ]]; then echo "INFO kept $TMP" >&2; else rm -rf "$TMP"; fi
}

# Starts uji-local-kafka.jar's broker ($1: the jar; further arguments go to `broker`) with Kafka's
# own default broker JVM settings, waits up to 60 s until it is ready, and sets BROKER_PID and
# BOOTSTRAP. Its log is $TMP/broker.log.
start_broker() {
  local jar=$1
  shift
  local jvm=(-Xmx"${BROKER_XMX:-1g}" -Xms"${BROKER_XMX:-1g}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    -Djava.io.tmpdir="$TMP")
  java "${jvm[@]}" -jar "$jar" broker --port 0 --dir "$TMP/kafka" --ready-file "$TMP/ready" "$@" \
    >"$TMP/broker.log" 2>&1 &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  for _ in $(seq 1 600); do
    [[ -s "$TMP/ready" ]] && break
    kill -0 "$BROKER_PID" 2>/dev/null || { cat "$TMP/broker.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -s "$TMP/ready" ]] || { echo "the broker did not start within 60 s" >&2; cat "$TMP/broker.log" >&2; exit 1; }
  BOOTSTRAP=$(cat "$TMP/ready")
}

# Sets UJI_CP: the benchmarks module's runtime classpath (benchmarks/target/classpath.txt, written by
# `mvn package -pl benchmarks -am`) with Uji's own modules taken from this tree ($1: its root), not from ~/.m2: the
# local Maven repository is shared by every checkout on the machine, and a snapshot installed from another branch
# there (an engine whose SPI differs from this kafka module's) would be what the JVMs run. Exits if a part is missing.
uji_classpath() {
  local root=$1 d
  [[ -s "$root/benchmarks/target/classpath.txt" ]] || { echo "build first: mvn -B -q -o -DskipTests package -pl benchmarks,kafka-local -am" >&2; exit 2; }
  UJI_CP="$root/benchmarks/target/classes:$(tr ':' '\n' <"$root/benchmarks/target/classpath.txt" |
    sed -E "s#^.*/io/uji/uji-([a-z-]+)/[^/]+/uji-[a-z-]+-[^/]+\.jar\$#$root/\1/target/classes#" | paste -sd:)"
  for d in $(tr ':' '\n' <<<"$UJI_CP" | grep "^$root/"); do
    [[ -e "$d" ]] || { echo "$d is missing: build first (mvn -B -q -o -DskipTests package -pl benchmarks,kafka-local -am)" >&2; exit 2; }
  done
}
