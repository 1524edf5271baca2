#!/usr/bin/env python3
"""Pushes generated lines through check-id, check-code and check-phone (release
build) and counts panics (exit 101) and lost lines.

    cargo build --release
    python3 tools/fuzz/fuzz_cli.py --lines 10000000 [--bin target/release/counterdesk]

Lines are: every prefix of generated valid numbers (as typed key by key),
random digits with separators, full-width forms, random Unicode, control
characters. Deterministic for a given --seed. Prints one summary line per
command and a total; exit 1 if any panic or lost line.
"""
import argparse
import random
import subprocess
import sys
import time

W18 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CREDIT = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORGW = [3, 7, 9, 10, 5, 8, 4, 2]
COUNTIES = ["110101", "310104", "440305", "510107", "650102", "350203", "810000", "830000"]


def resident(r):
    body = "%s%04d%02d%02d%03d" % (r.choice(COUNTIES), r.randint(1900, 2025),
                                   r.randint(1, 12), r.randint(1, 28), r.randint(0, 999))
    s = sum(int(c) * w for c, w in zip(body, W18))
    return body + "10X98765432"[s % 11]


def org_body(r):
    body = "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORGW))
    c = 11 - s % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def credit(r):
    first = r.choice(["91", "92", "93", "11", "12", "51", "52", "Y1"]) + r.choice(COUNTIES) + org_body(r)
    if not all(c in CREDIT for c in first):
        return first + "0"
    s = sum(CREDIT.index(c) * w for c, w in zip(first, CW))
    return first + CREDIT[(31 - s % 31) % 31]


def phone(r):
    k = r.randrange(5)
    if k == 0:
        return "1%d%09d" % (r.randint(3, 9), r.randrange(10**9))
    if k == 1:
        return "02%d-%d%07d" % (r.randrange(10), r.randint(2, 8), r.randrange(10**7))
    if k == 2:
        return "0%d%02d-%d%06d" % (r.randint(3, 9), r.randrange(100), r.randint(2, 8), r.randrange(10**6))
    if k == 3:
        return "+86 10 %d%07d" % (r.randint(2, 8), r.randrange(10**7))
    return "（010）%d%07d转%d" % (r.randint(2, 8), r.randrange(10**7), r.randrange(1000))


def noise(r):
    k = r.randrange(6)
    n = r.randint(0, 40)
    if k == 0:
        return "".join(r.choice("0123456789-+ ()#转Xx") for _ in range(n))
    if k == 1:
        return "".join(chr(r.randint(0xFF01, 0xFF5E)) for _ in range(n))
    if k == 2:
        return "".join(chr(r.randint(0x20, 0x2FFF)) for _ in range(n))
    if k == 3:
        cs = []
        while len(cs) < n:
            c = r.randint(0x20, 0x10FFFF)
            if not 0xD800 <= c <= 0xDFFF:
                cs.append(chr(c))
        return "".join(cs)
    if k == 4:
        return "".join(r.choice("0123456789ABCXYZ汉字·") for _ in range(n))
    return "".join(chr(r.randint(1, 31)) if r.random() < 0.3 else r.choice("0129X") for _ in range(n)).replace("\n", "").replace("\r", "")


def lines(r, count):
    made = 0
    gens = [resident, credit, phone]
    while made < count:
        if r.random() < 0.5:
            v = r.choice(gens)(r)
            for i in range(1, len(v) + 1):
                yield v[:i]
                made += 1
        else:
            yield noise(r)
            made += 1


def run(binary, cmd, n, seed, chunk):
    r = random.Random(seed)
    total = panics = lost = 0
    start = time.time()
    gen = lines(r, n)
    while total < n:
        batch = []
        for line in gen:
            line = line.replace("\n", " ").replace("\r", " ")
            # The CLI skips blank lines (as a clerk's list would): don't count them.
            if not line.strip():
                continue
            batch.append(line)
            if len(batch) >= chunk or total + len(batch) >= n:
                break
        if not batch:
            break
        data = ("\n".join(batch) + "\n").encode("utf-8", "surrogatepass")
        p = subprocess.run([binary, cmd], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode == 101 or b"panicked" in p.stderr:
            panics += 1
        elif p.returncode not in (0, 1):
            print("unexpected exit", p.returncode, p.stderr[:200], file=sys.stderr)
            panics += 1
        got = p.stdout.count(b"\n")
        if got != len(batch):
            lost += abs(len(batch) - got)
        total += len(batch)
    return total, panics, lost, time.time() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000, help="lines per command")
    ap.add_argument("--bin", default="target/release/counterdesk")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chunk", type=int, default=500_000)
    a = ap.parse_args()
    bad = 0
    grand = 0
    for i, cmd in enumerate(["check-id", "check-code", "check-phone"]):
        total, panics, lost, secs = run(a.bin, cmd, a.lines, a.seed + i, a.chunk)
        grand += total
        bad += panics + lost
        print(f"{cmd}: lines={total} panics={panics} lost_lines={lost} seconds={secs:.1f}")
    print(f"total lines={grand} problems={bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
