#!/usr/bin/env python3
"""Writes N synthetic identity-number lines (default 1 000 000) for the
check-id throughput benchmark: ~70 % valid resident IDs, the rest broken
check characters, impossible dates, unknown regions, permits and junk.
Deterministic (seeded). Synthetic numbers only.

Usage: python3 tools/bench/gen_ids.py [N] > /tmp/ids.txt
"""
import random
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"
COUNTIES = ["110101", "110105", "110108", "310104", "310115", "440305", "440106", "510107",
            "330106", "350203", "420111", "610113", "120101", "210102", "370102", "110103"]


def check(body):
    return C[sum(int(d) * w for d, w in zip(body, W)) % 11]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rnd = random.Random(20261122)
    out = []
    for _ in range(n):
        body = "%s%04d%02d%02d%03d" % (rnd.choice(COUNTIES), rnd.randint(1940, 2020),
                                       rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 999))
        r = rnd.random()
        if r < 0.70:
            line = body + check(body)
        elif r < 0.80:
            good = check(body)
            line = body + rnd.choice([c for c in "0123456789X" if c != good])
        elif r < 0.85:
            b = body[:10] + "0230" + body[14:]
            line = b + check(b)
        elif r < 0.90:
            b = "119999" + body[6:]
            line = b + check(b)
        elif r < 0.95:
            b = "810000" + body[6:]
            line = b + check(b)
        else:
            line = body[:rnd.randint(5, 16)]
        out.append(line)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
