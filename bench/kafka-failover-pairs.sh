#!/usr/bin/env bash
# Side-by-side kafka-failover runs for docs/PERFORMANCE.md "Failover": Uji and Kafka Streams alternated,
# PAIRS pairs (default 3) per session timeout given (default: 6000 = the stock broker minimum), each run
# under the benchmark lock; one file per run in bench-results/failover-<time>/ (+ the survivor's and
# victim's output), and the RESULT lines with medians at the end.
#   bench/kafka-failover-pairs.sh 6000 default     # "default": each system's own default session timeout
# Environment: PAIRS, SYSTEMS (default "uji kstreams"), kafka-failover.sh's options through FAILOVER_ARGS (both
# systems, e.g. "--rate 5000") and KS_ARGS (Kafka Streams only, e.g. "--heartbeat-ms 250").
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${OUT:-$root/bench-results/failover-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
sessions=("$@")
[[ ${#sessions[@]} -gt 0 ]] || sessions=(6000)
for s in "${sessions[@]}"; do
  opt=()
  [[ "$s" == "default" ]] || opt=(--session-timeout-ms "$s")
  for ((i = 1; i <= ${PAIRS:-3}; i++)); do
    for sys in ${SYSTEMS:-uji kstreams}; do
      extra=()
      # shellcheck disable=SC2206
      [[ "$sys" == "kstreams" ]] && extra=(${KS_ARGS:-})
      name="$s${KS_ARGS:+-tuned}-$i-$sys"
      # shellcheck disable=SC2086
      LOG_DIR="$out/$name" flock /work/notes/bench.lock bench/kafka-failover.sh --system "$sys" "${opt[@]}" \
        ${FAILOVER_ARGS:-} "${extra[@]}" >"$out/$name.txt" 2>&1
      grep '^RESULT' "$out/$name.txt" || echo "$name FAILED (see $out/$name.txt)"
    done
  done
done
python3 - "$out" <<'PY'
import re, statistics, sys, pathlib
rows = {}
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')):
    for l in f.read_text().splitlines():
        if l.startswith('RESULT'):
            kv = dict(x.split('=', 1) for x in l.split()[1:])
            rows.setdefault((kv['session_timeout_ms'], kv['system']), []).append(kv)
for (s, sys_), rs in sorted(rows.items()):
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"session={s} system={sys_} runs={len(rs)} " + " ".join(
        f"{k}={med(k):.2f}" for k in ('failover_s', 'detect_s', 'rebalance_s', 'restore_s', 'restore_records', 'first_commit_s', 'txn_settled_s')))
PY
