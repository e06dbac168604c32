#!/usr/bin/env bash
# Scaling study of session-count (mapWithState, fault tolerance on) for docs/PERFORMANCE.md:
# batch time against the number of users (1e5, 1e6, 1e7) at 500 k events a batch, and against
# the batch size (125 k .. 1 M events) at 1 M users; every run is 20 batches (N = 20 x B) of 2 s.
# Uji only, at its best settings (-Xmx480m ParallelGC, 64 MiB RocksDB budget); one run per point.
# Output: bench-results/scaling-<time>/<point>.txt, and a table of the RESULT lines on stdout.
#   bench/scaling.sh [users|batch]...     (default: both)
# Build first: mvn -B -q -o -DskipTests package -pl benchmarks -am
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${OUT:-$root/bench-results/scaling-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(users batch)
export SKIP_BUILD=1 XMX="${XMX:-480m}" GC="${GC:-parallel}"

run() { # name, then Bench arguments
  local name=$1; shift
  { echo "# $(date -u +%FT%TZ) $(uptime)"; echo "# XMX=$XMX GC=$GC bench/run.sh $*"
    bench/run.sh "$@" 2>&1; echo "# $(date -u +%FT%TZ) $(uptime)"; } > "$out/$name.txt"
  local line
  line=$(grep '^RESULT' "$out/$name.txt" | tail -1)
  printf '%-12s %s\n' "$name" "$(grep -oE '(K|B|throughput_eps|median_batch_ms|p99_batch_ms|first_batch_ms|peak_rss_mb|check|checkpoint_sync_ms_median|checkpoint_ms_median|state_dir_bytes_end|checkpoint_dir_bytes_end)=[^ ]+' <<<"$line" | tr '\n' ' ')"
}

common=(session-count --variant mapWithState --ft on --state-memory-mb 64 --interval-ms 2000)
for step in "${steps[@]}"; do
  case "$step" in
    users)
      for k in 100000 1000000 10000000; do
        run "users-$k" "${common[@]}" --n 10000000 --k "$k" --b 500000
      done ;;
    batch)
      for b in 125000 250000 500000 1000000; do
        run "batch-$b" "${common[@]}" --n $((20 * b)) --k 1000000 --b "$b"
      done ;;
    *) echo "unknown step $step" >&2 ;;
  esac
done
