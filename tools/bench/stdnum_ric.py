#!/usr/bin/env python3
"""Peer baseline: python-stdnum's stdnum.cn.ric.is_valid over a file of
numbers, one per line (same input as `counterdesk check-id --json`).
Prints the line count, the valid count and the elapsed seconds to stderr.

Note: peers have known bugs (python-stdnum 2.2 raises KeyError inside
is_valid on HK/Macao/Taiwan permits such as 810000…, counted here as
"crashed"): the
standard decides, not the peer. This script is for speed only.

Usage: pip install python-stdnum; python3 tools/bench/stdnum_ric.py /tmp/ids.txt
"""
import sys
import time

from stdnum.cn import ric


def main():
    path = sys.argv[1]
    start = time.perf_counter()
    n = valid = crashed = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            n += 1
            try:
                if ric.is_valid(line):
                    valid += 1
            except Exception:  # python-stdnum 2.2 raises KeyError on 810000… permits
                crashed += 1
    elapsed = time.perf_counter() - start
    print(f"lines={n} valid={valid} crashed={crashed} seconds={elapsed:.3f} lines_per_s={n / elapsed:.0f}", file=sys.stderr)


if __name__ == "__main__":
    main()
