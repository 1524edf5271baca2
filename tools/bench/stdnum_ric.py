#!/usr/bin/env python3
"""Peer baseline: python-stdnum's stdnum.cn.ric.is_valid over a file of
numbers, one per line (same input as `counterdesk check-id --json`).
Prints the line count, the valid count and the elapsed seconds to stderr.

Note: peers have known bugs (python-stdnum rejects HK/Macao/Taiwan permits
whose 810000/820000/830000 codes are not in its table, among others): the
standard decides, not the peer. This script is for speed only.

Usage: pip install python-stdnum; python3 tools/bench/stdnum_ric.py /tmp/ids.txt
"""
import sys
import time

from stdnum.cn import ric


def main():
    path = sys.argv[1]
    start = time.perf_counter()
    n = valid = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            n += 1
            if ric.is_valid(line):
                valid += 1
    elapsed = time.perf_counter() - start
    print(f"lines={n} valid={valid} seconds={elapsed:.3f} lines_per_s={n / elapsed:.0f}", file=sys.stderr)


if __name__ == "__main__":
    main()
