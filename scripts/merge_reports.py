#!/usr/bin/python3
"""Merges pt2onnx --report files (one per manifest shard) into one report on stdout.

    scripts/merge_reports.py shard-*.json > report.json

The models keep their shard's order, shards in the order given; each model gets "shard" (the
file it came from). Totals are summed; exit_code is the first non-zero one in that order.
Standard library only, so that it runs wherever the shards are collected.
"""
import json
import sys


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    merged = {"schema": "pt2onnx-report", "version": 1, "tool": None, "mode": "merged",
              "manifest": None, "jobs": None, "shards": paths,
              "totals": {"models": 0, "converted": 0, "failed": 0, "exit_code": 0, "seconds": 0.0,
                         "peak_rss_bytes": 0, "largest_model_peak_rss_bytes": 0},
              "models": []}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        if doc.get("schema") != "pt2onnx-report" or doc.get("version") != 1:
            print(f"merge_reports: {path} is not a version 1 pt2onnx report", file=sys.stderr)
            return 2
        merged["tool"] = merged["tool"] or doc["tool"]
        t, m = doc["totals"], merged["totals"]
        for key in ("models", "converted", "failed", "seconds"):
            m[key] += t[key]
        for key in ("peak_rss_bytes", "largest_model_peak_rss_bytes"):
            m[key] = max(m[key], t[key])
        if m["exit_code"] == 0:
            m["exit_code"] = t["exit_code"]
        for model in doc["models"]:
            merged["models"].append({"shard": path, **model})
    json.dump(merged, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
