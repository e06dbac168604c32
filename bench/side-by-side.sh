#!/usr/bin/env bash
# Runs Uji and a peer (shared/peer-bench/spark or flink) on the same workload alternately,
# A B A B ... (at least 3 pairs), keeps every output, and prints the median ratio.
#
#   bench/side-by-side.sh WORKLOAD [--peer spark|flink] [--pairs 3]
#                         [--uji-args "..."] [--uji-args-b "..."] [--peer-args "..."] [-- COMMON ARGS]
#
# With --uji-args-b each round is A B A': a second Uji configuration (e.g. --ft off next to
# --ft on) runs right after the peer, and the summary gives both ratios and A vs A'.
#
#   bench/side-by-side.sh session-count --peer spark --uji-args "--variant inmem" \
#       --peer-args "--variant update --interval-ms 2000" -- --n 10000000 --k 1000000 --b 500000
#
# COMMON ARGS go to both (Uji's Bench takes Spark's names: --n --k --b --interval-ms). The peer
# folder may be read-only, so it is copied once to $PEER_WORK (default: a temp dir) and built
# there once; later runs reuse that copy with SKIP_BUILD=1.
# Environment: PEER_BENCH (default: ../shared/peer-bench next to this repo), PEER_WORK, XMX, GC
#              (passed to both run.sh scripts), UJI_XMX, UJI_GC (Uji's runs only, override XMX/GC), OUT (default: bench-results/<time>-<workload>),
#              SKIP_BUILD=1 (build neither: both are built already), MVN_FLAGS (e.g. -o).
# Each output file starts with the date, `uptime` (load average) and the command.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[[ $# -ge 1 ]] || { sed -n 2,15p "$0"; exit 2; }
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
[[ "$pairs" -ge 3 ]] || { echo "--pairs must be at least 3" >&2; exit 2; }

peer_src="${PEER_BENCH:-$root/../shared/peer-bench}/$peer"
[[ -x "$peer_src/run.sh" ]] || { echo "no peer benchmark at $peer_src" >&2; exit 2; }
peer_work="${PEER_WORK:-${TMPDIR:-/tmp}/uji-peer-bench}"
if [[ ! -d "$peer_work/$peer" ]]; then
  mkdir -p "$peer_work"
  cp -r "$peer_src" "$peer_work/"
fi
out="${OUT:-$root/bench-results/$(date +%Y%m%d-%H%M%S)-$workload-vs-$peer}"
mkdir -p "$out"
log="$out/results.txt"
: > "$log"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "building Uji and $peer once ..." >&2
  # shellcheck disable=SC2086
  (cd "$root" && mvn -B -q ${MVN_FLAGS:-} install -DskipTests -pl benchmarks -am) >&2
  # shellcheck disable=SC2086
  (cd "$peer_work/$peer" && mvn -B -q ${MVN_FLAGS:-} package -DskipTests) >&2
fi
header() { echo "# $(date -u +%FT%TZ) $(uptime)"; echo "# $*"; }

for ((i = 1; i <= pairs; i++)); do
  echo "pair $i/$pairs: uji" >&2
  # shellcheck disable=SC2086
  { header "uji: bench/run.sh $workload $uji_args ${common[*]}"
    SKIP_BUILD=1 XMX="${UJI_XMX:-${XMX:-4g}}" GC="${UJI_GC:-${GC:-g1}}" \
      "$root/bench/run.sh" "$workload" $uji_args "${common[@]}" 2>&1 || true
    echo "# end $(uptime)"; } > "$out/uji-$i.txt"
  grep '^RESULT ' "$out/uji-$i.txt" | tail -1 | sed 's/^/uji /' >> "$log" || echo "uji run $i: no RESULT line" >&2
  echo "pair $i/$pairs: $peer" >&2
  # shellcheck disable=SC2086
  { header "$peer: run.sh $workload $peer_args ${common[*]}"
    (cd "$peer_work/$peer" && SKIP_BUILD=1 ./run.sh "$workload" $peer_args "${common[@]}") 2>&1 || true
    echo "# end $(uptime)"; } > "$out/peer-$i.txt"
  grep '^RESULT ' "$out/peer-$i.txt" | tail -1 | sed 's/^/peer /' >> "$log" || echo "$peer run $i: no RESULT line" >&2
  if [[ -n "$uji_args_b" ]]; then
    echo "pair $i/$pairs: uji (b)" >&2
    # shellcheck disable=SC2086
    { header "uji (b): bench/run.sh $workload $uji_args_b ${common[*]}"
      SKIP_BUILD=1 XMX="${UJI_XMX:-${XMX:-4g}}" GC="${UJI_GC:-${GC:-g1}}" \
        "$root/bench/run.sh" "$workload" $uji_args_b "${common[@]}" 2>&1 || true
      echo "# end $(uptime)"; } > "$out/ujib-$i.txt"
    grep '^RESULT ' "$out/ujib-$i.txt" | tail -1 | sed 's/^/ujib /' >> "$log" || echo "uji (b) run $i: no RESULT line" >&2
  fi
done
echo "outputs in $out" >&2
python3 "$root/bench/summarize.py" "$log" | tee "$out/summary.txt"
