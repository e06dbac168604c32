#!/usr/bin/env bash
# The measured runs behind docs/PERFORMANCE.md, in the order they were made, each step's output
# in bench-results/suite-<time>/<step>/ (load average before and after every run inside).
#   bench/suite.sh [STEP...]     # steps: mws update recovery wal wal-spark jmh flink (default: all)
# Needs the peers built (here SKIP_BUILD=1 is used throughout). Build Uji and them first:
#   mvn -B -q -DskipTests package -pl benchmarks -am
#   (cd benchmarks/peers/spark && mvn -B -q package); (cd benchmarks/peers/flink && mvn -B -q package)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
peers="$root/benchmarks/peers"
suite="${SUITE_OUT:-$root/bench-results/suite-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$suite"
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(mws update recovery wal wal-spark jmh flink)
common=(--n 10000000 --k 1000000 --b 500000 --interval-ms 2000)
export SKIP_BUILD=1
stamp() { echo "# $(date -u +%FT%TZ) $(uptime)"; }

for step in "${steps[@]}"; do
  echo "== $step $(date -u +%T) $(uptime)" >&2
  case "$step" in
    mws)
      OUT="$suite/mws" bench/side-by-side.sh session-count --peer spark --pairs 3 \
        --uji-args "--variant mapWithState --ft on" --uji-args-b "--variant mapWithState --ft off" \
        --peer-args "--variant mapWithState --source gen" -- "${common[@]}" ;;
    update)
      OUT="$suite/update" bench/side-by-side.sh session-count --peer spark --pairs 3 \
        --uji-args "--variant update --ft on" --uji-args-b "--variant update --ft off" \
        --peer-args "--variant update --source gen" -- "${common[@]}" ;;
    recovery)
      OUT="$suite/recovery" bench/side-by-side.sh recovery --peer spark --pairs 3 -- "${common[@]}" --kill-after 10 ;;
    wal)
      mkdir -p "$suite/wal"
      for rate in ${WAL_RATES:-3200000 4000000 4800000}; do
        { stamp; echo "# bench/run.sh receiver-wal --rate $rate --duration-s 25 --warmup-s 5"
          bench/run.sh receiver-wal --rate "$rate" --duration-s 25 --warmup-s 5 2>&1; stamp; } \
          > "$suite/wal/uji-$rate.txt"
        grep '^RESULT' "$suite/wal/uji-$rate.txt" >&2
      done ;;
    wal-spark)
      mkdir -p "$suite/wal"
      { stamp; echo "# benchmarks/peers/spark/run.sh receiver-wal --rate 1600000 --duration-s 30 --processing count --master local[2]"
        "$peers/spark/run.sh" receiver-wal --rate 1600000 --duration-s 30 --processing count \
          --master 'local[2]' 2>&1; stamp; } > "$suite/wal/spark-1600000.txt"
      grep '^RESULT' "$suite/wal/spark-1600000.txt" >&2 ;;
    jmh)
      mkdir -p "$suite/jmh"
      { stamp; bench/jmh.sh "KryoRoundTrip|StateAccess|WalAppend" -f 1 -wi 3 -i 5 -w 1s -r 1s \
          -rf json -rff "$suite/jmh/jmh.json" 2>&1; stamp; } > "$suite/jmh/jmh.txt"
      grep -A40 '^Benchmark ' "$suite/jmh/jmh.txt" >&2 ;;
    flink)
      mkdir -p "$suite/flink"
      { stamp; echo "# benchmarks/peers/flink/run.sh session-count --backend rocksdb --n 10000000 --k 1000000"
        "$peers/flink/run.sh" session-count --backend rocksdb --n 10000000 --k 1000000 2>&1; stamp; } \
        > "$suite/flink/flink-rocksdb.txt"
      grep '^RESULT' "$suite/flink/flink-rocksdb.txt" >&2 ;;
    *) echo "unknown step $step" >&2 ;;
  esac
done
echo "suite outputs in $suite" >&2
