#!/usr/bin/env python3
"""Checks that jianfu's indicators.csv and the DuckDB peer's unit_metrics.csv agree.

usage: compare.py JIANFU_INDICATORS.csv PEER_UNIT_METRICS.csv

Compares, for every (unit_id, metric), baseline, current, reduction_rate, baseline_months and
current_months (the peer's columns; WORKLOAD.md). Numbers must agree to 1e-9 relative; empty
cells (jianfu) match NULL/empty (peer). Prints the number of pairs compared; exits 1 on the
first 10 mismatches.
"""
import csv
import math
import sys


def number(text):
    text = text.strip()
    return None if text in ("", "NULL", "nan") else float(text)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def main(ours_path, peer_path):
    with open(ours_path, encoding="utf-8-sig", newline="") as f:
        ours = {(r["unit_id"], r["metric"]): r for r in csv.DictReader(f)}
    with open(peer_path, encoding="utf-8", newline="") as f:
        peer = {(r["unit_id"], r["metric"]): r for r in csv.DictReader(f)}
    problems = []
    if set(ours) != set(peer):
        problems.append(f"different (unit, metric) pairs: {len(set(ours) ^ set(peer))} differ")
    for key in sorted(set(ours) & set(peer)):
        for column in ("baseline", "current", "reduction_rate", "baseline_months", "current_months"):
            a, b = number(ours[key][column]), number(peer[key][column])
            if column.endswith("_months"):
                a, b = a or 0.0, b or 0.0
            if not same(a, b):
                problems.append(f"{key} {column}: jianfu {ours[key][column]!r} peer {peer[key][column]!r}")
    if problems:
        print("\n".join(problems[:10]))
        sys.exit(1)
    print(f"agree on {len(ours)} (unit, metric) pairs")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
