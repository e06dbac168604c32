#!/usr/bin/env python3
"""Summarize RESULT lines of alternating Uji / peer runs: per system the median of each figure,
and the median of the per-pair throughput ratios (Uji / peer).

usage: summarize.py FILE   (FILE holds lines "uji <RESULT line>" / "peer <RESULT line>" [/ "ujib <RESULT line>"],
                           in run order; ujib = a second Uji configuration run in the same rounds)

Throughput: docs/WORKLOADS.md defines it as N / sum of all batch times (first included). Uji prints
that as throughput_eps (and throughput_all_eps); Spark's harness prints it as throughput_all_eps (its
throughput_eps leaves the first batch out), Flink's as throughput_eps (N / job time), Kafka Streams'
as throughput_eps (N / time from the first to the last record processed). So the ratio uses
throughput_all_eps when a line has it, else throughput_eps. recovery: the ratio is the speed-up
peer / Uji of restart_to_first_batch_s. receiver-wal is a rate ladder: no ratio, the sustained flags.
"""
import re
import statistics
import sys

FIGS = ("throughput", "ingested_eps", "median_batch_ms", "p99_batch_ms", "first_batch_ms", "peak_rss_mb",
        "restart_to_first_batch_s", "restart_to_context_s", "run2_peak_rss_mb", "checkpoint_ms_median",
        "checkpoint_bytes")


def parse(line):
    kv = {}
    for k, v in re.findall(r"(\w+)=([^\s]+)", line):
        kv.setdefault(k, v)
    thr = kv.get("throughput_all_eps", kv.get("throughput_eps"))
    kv["throughput"] = thr
    return kv


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


runs = {"uji": [], "peer": [], "ujib": []}
for raw in open(sys.argv[1]):
    who, _, line = raw.strip().partition(" ")
    if who in runs and line.startswith("RESULT "):
        runs[who].append(parse(line))

for who in ("uji", "peer", "ujib"):
    rs = runs[who]
    if not rs and who == "ujib":
        continue
    if not rs:
        print(f"{who}: no RESULT lines")
        continue
    sustained = ""
    if "sustained" in rs[0]:  # receiver-wal
        sustained = " sustained=" + ",".join(r.get("sustained", "?") for r in rs)
    print(f"{who}: system={rs[0].get('system', '?')} workload={rs[0].get('workload')} "
          f"variant={rs[0].get('variant')} runs={len(rs)} checks={','.join(r.get('check', '?') for r in rs)}{sustained}")
    for f in FIGS:
        vals = [num(r.get(f)) for r in rs]
        vals = [v for v in vals if v is not None]
        if vals:
            fmt = ".2f" if f.endswith("_s") else ".0f"
            print(f"   {f:24s} median={statistics.median(vals):{fmt}}  all={','.join(f'{v:{fmt}}' for v in vals)}")

def ok(r):
    return r.get("check", "ok").lower() == "ok"


# recovery: seconds from the restart to the first completed batch; the ratio is peer / uji (speed-up).
rec = []
for u, p in zip(runs["uji"], runs["peer"]):
    su, sp = num(u.get("restart_to_first_batch_s")), num(p.get("restart_to_first_batch_s"))
    if su and sp and ok(u) and ok(p):
        rec.append(sp / su)
if rec:
    print(f"recovery speed-up peer/uji (restart to first batch): median={statistics.median(rec):.2f} "
          f"pairs={len(rec)} all={','.join(f'{r:.2f}' for r in rec)}")
    sys.exit(0)

# receiver-wal is a rate ladder: both systems ingest the target rate or fail to sustain it.
if any(r.get("workload") == "receiver-wal" for r in runs["uji"] + runs["peer"]):
    print("receiver-wal: no throughput ratio; compare the highest rate each system sustains (sustained=yes)")
    sys.exit(0)


def ratios(a, b):
    out = []
    for u, p in zip(runs[a], runs[b]):
        tu, tp = num(u.get("throughput")), num(p.get("throughput"))
        if tu and tp and ok(u) and ok(p):
            out.append(tu / tp)
    return out


for a, b in (("uji", "peer"), ("ujib", "peer"), ("ujib", "uji")):
    if not runs[a]:
        continue
    rs = ratios(a, b)
    if rs:
        print(f"throughput ratio {a}/{b}: median={statistics.median(rs):.2f} "
              f"pairs={len(rs)} all={','.join(f'{r:.2f}' for r in rs)}")
    else:
        print(f"throughput ratio {a}/{b}: no valid pair (a check failed or a run gave no RESULT)")
