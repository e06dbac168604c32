#!/usr/bin/env bash
# Runs Uji and a peer (benchmarks/peers/spark, flink or kstreams) on the same workload alternately,
# A B A B ... (at least 3 pairs), keeps every output, and prints the median ratio (bench/summarize.py).
#
#   bench/side-by-side.sh WORKLOAD [--peer spark|flink|kstreams] [--pairs 3]
#                         [--uji-args "..."] [--uji-args-b "..."] [--peer-args "..."] [-- COMMON ARGS]
#
# Workloads (docs/WORKLOADS.md) each peer runs side by side with Uji:
#   spark     session-count, recovery, receiver-wal (--processing mapWithState|count goes to both)
#   flink     session-count, session-count-large (Flink is not micro-batch: throughput = N / job time)
#   kstreams  kafka-session-count            (both read the events from a local broker, loaded before each run,
#                                             and write the counts to a topic; the peer runs its session-count)
#             session-count                  (the peer reads from Kafka, Uji generates the events in-process,
#                                             so the ratio flatters Uji)
# With --uji-args-b each round is A B A': a second Uji configuration (e.g. --ft off next to
# --ft on) runs right after the peer, and the summary gives both ratios and A vs A'.
#
#   bench/side-by-side.sh session-count --peer spark --uji-args "--variant mapWithState --ft on" \
#       --peer-args "--variant mapWithState --source gen" -- --n 10000000 --k 1000000 --b 500000 --interval-ms 2000
#
# COMMON ARGS go to both (Uji's Bench takes Spark's names: --n --k --b --interval-ms; Flink's and Kafka
# Streams' harnesses accept --b and --interval-ms and ignore them). Uji is built once with
# `mvn package -pl benchmarks -am` (never install), the peer once with `mvn package` in its directory
# (the first build downloads the peer, hundreds of MB); every run then uses SKIP_BUILD=1.
# Environment: XMX, GC (passed to both run.sh scripts), UJI_XMX, UJI_GC (Uji's runs only, override XMX/GC),
#              OUT (default: bench-results/<time>-<workload>-vs-<peer>), SKIP_BUILD=1 (build neither: both are
#              built already), MVN_FLAGS (e.g. -o).
# Each output file starts with the date, `uptime` (load average) and the command.
# session-count-large: Uji runs session-count --variant mapWithState --n 100000000 --k 20000000 --b 2000000,
# Flink its session-count-large (default --peer-args "--backend rocksdb --ttl-s 0 --managed-mb 1024"),
# both at XMX=1g unless XMX/UJI_XMX say otherwise; one run takes 10-20 minutes, so --pairs 1 is accepted
# there (a ratio from one pair is indicative, say so when quoting it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[[ $# -ge 1 ]] || { sed -n 2,32p "$0"; exit 2; }
workload="$1"; shift
peer=spark pairs=3 uji_args="" uji_args_b="" peer_args=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --peer) peer="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --uji-args) uji_args="$2"; shift 2 ;;
    --uji-args-b) uji_args_b="$2"; shift 2 ;;
    --peer-args) peer_args="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
common=("$@")
uji_workload="$workload"
min_pairs=3
if [[ "$workload" == session-count-large ]]; then
  uji_workload=session-count
  large="--variant mapWithState --n 100000000 --k 20000000 --b 2000000"
  uji_args="$large $uji_args"
  [[ -z "$uji_args_b" ]] || uji_args_b="$large $uji_args_b"
  peer_args="${peer_args:---backend rocksdb --ttl-s 0 --managed-mb 1024}"
  export XMX="${XMX:-1g}"
  min_pairs=1
fi
[[ "$pairs" -ge "$min_pairs" ]] || { echo "--pairs must be at least $min_pairs" >&2; exit 2; }
case "$peer:$workload" in
  spark:session-count | spark:recovery | spark:receiver-wal | flink:session-count | flink:session-count-large \
    | kstreams:session-count | kstreams:kafka-session-count) ;;
  spark:* | flink:* | kstreams:*)
    echo "$peer does not run $workload side by side with Uji (see the list in: bench/side-by-side.sh);" \
      "run it alone with benchmarks/peers/$peer/run.sh" >&2
    exit 2 ;;
  *) echo "--peer must be spark, flink or kstreams, got $peer" >&2; exit 2 ;;
esac

peer_dir="$root/benchmarks/peers/$peer"
# The Kafka Streams harness calls kafka-session-count "session-count" (it only ever reads from Kafka).
peer_workload="$workload"
[[ "$workload" == "kafka-session-count" ]] && peer_workload=session-count
[[ -x "$peer_dir/run.sh" ]] || { echo "no peer harness at $peer_dir" >&2; exit 2; }
out="${OUT:-$root/bench-results/$(date +%Y%m%d-%H%M%S)-$workload-vs-$peer}"
mkdir -p "$out"
log="$out/results.txt"
: > "$log"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "building Uji and $peer once ..." >&2
  # shellcheck disable=SC2086
  (cd "$root" && mvn -B -ntp -q ${MVN_FLAGS:-} -DskipTests package -pl benchmarks,kafka-local -am) >&2
  # shellcheck disable=SC2086
  (cd "$peer_dir" && mvn -B -ntp -q ${MVN_FLAGS:-} package) >&2
fi
header() { echo "# $(date -u +%FT%TZ) $(uptime)"; echo "# $*"; }

for ((i = 1; i <= pairs; i++)); do
  echo "pair $i/$pairs: uji" >&2
  # shellcheck disable=SC2086
  { header "uji: bench/run.sh $uji_workload $uji_args ${common[*]}"
    SKIP_BUILD=1 XMX="${UJI_XMX:-${XMX:-4g}}" GC="${UJI_GC:-${GC:-g1}}" \
      "$root/bench/run.sh" "$uji_workload" $uji_args "${common[@]}" 2>&1 || true
    echo "# end $(uptime)"; } > "$out/uji-$i.txt"
  grep '^RESULT ' "$out/uji-$i.txt" | tail -1 | sed 's/^/uji /' >> "$log" || echo "uji run $i: no RESULT line" >&2
  echo "pair $i/$pairs: $peer" >&2
  # shellcheck disable=SC2086
  { header "$peer: benchmarks/peers/$peer/run.sh $peer_workload $peer_args ${common[*]}"
    SKIP_BUILD=1 "$peer_dir/run.sh" "$peer_workload" $peer_args "${common[@]}" 2>&1 || true
    echo "# end $(uptime)"; } > "$out/peer-$i.txt"
  grep '^RESULT ' "$out/peer-$i.txt" | tail -1 | sed 's/^/peer /' >> "$log" || echo "$peer run $i: no RESULT line" >&2
  if [[ -n "$uji_args_b" ]]; then
    echo "pair $i/$pairs: uji (b)" >&2
    # shellcheck disable=SC2086
    { header "uji (b): bench/run.sh $uji_workload $uji_args_b ${common[*]}"
      SKIP_BUILD=1 XMX="${UJI_XMX:-${XMX:-4g}}" GC="${UJI_GC:-${GC:-g1}}" \
        "$root/bench/run.sh" "$uji_workload" $uji_args_b "${common[@]}" 2>&1 || true
      echo "# end $(uptime)"; } > "$out/ujib-$i.txt"
    grep '^RESULT ' "$out/ujib-$i.txt" | tail -1 | sed 's/^/ujib /' >> "$log" || echo "uji (b) run $i: no RESULT line" >&2
  fi
done
echo "outputs in $out" >&2
python3 "$root/bench/summarize.py" "$log" | tee "$out/summary.txt"
