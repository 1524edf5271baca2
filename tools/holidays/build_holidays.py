#!/usr/bin/env python3
"""Builds assets/holidays/cn-holidays.tsv from npm `chinese-days` (MIT,
dist/chinese-days.json) and cross-checks it against PyPI `chinesecalendar`
(MIT) when that package can be downloaded.

Usage: python3 tools/holidays/build_holidays.py [--src DIR]
Without --src, `npm pack chinese-days` and `pip download --no-deps
chinesecalendar` run in a temporary directory.

Rows: date<TAB>kind<TAB>name, kind = holiday (法定节假日/休息日) or workday
(调休上班). Header `#years<TAB>first<TAB>last` gives the covered years.
"""
import argparse
import datetime
import glob
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

CHINESE_DAYS = "chinese-days@1.5.7"
CHINESECALENDAR = "chinesecalendar==1.11.0"


def fetch(src):
    subprocess.run(["npm", "pack", "--silent", CHINESE_DAYS], cwd=src, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(glob.glob(os.path.join(src, "chinese-days-*.tgz"))[0]) as t:
        t.extractall(os.path.join(src, "npm"))
    try:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", src, CHINESECALENDAR], check=True)
        with zipfile.ZipFile(glob.glob(os.path.join(src, "chinesecalendar-*.whl"))[0]) as z:
            z.extractall(os.path.join(src, "chinesecalendar"))
    except (subprocess.CalledProcessError, IndexError):
        print("chinesecalendar unavailable: skipping the cross-check", file=sys.stderr)


def cross_check(src, holidays, workdays):
    path = os.path.join(src, "chinesecalendar")
    if not os.path.isdir(os.path.join(path, "chinese_calendar")):
        return
    sys.path.insert(0, path)
    from chinese_calendar import constants  # noqa: E402

    theirs_h = {d.isoformat() for d in constants.holidays}
    theirs_w = {d.isoformat() for d in constants.workdays}
    years = {d[:4] for d in holidays}
    theirs_h = {d for d in theirs_h if d[:4] in years}
    theirs_w = {d for d in theirs_w if d[:4] in years}
    # chinesecalendar lists weekend days inside a holiday block too; compare
    # only the days that change whether one works.
    def off_weekdays(s):
        return {d for d in s if datetime.date.fromisoformat(d).weekday() < 5}

    dh = off_weekdays(holidays) ^ off_weekdays(theirs_h)
    dw = set(workdays) ^ theirs_w
    if dh or dw:
        print(f"cross-check differences: holidays {sorted(dh)} workdays {sorted(dw)}", file=sys.stderr)
        sys.exit(1)
    print("cross-check with chinesecalendar: identical working-day effect", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "assets", "holidays", "cn-holidays.tsv"))
    args = ap.parse_args()
    src = args.src or tempfile.mkdtemp(prefix="holidays-")
    if not args.src:
        fetch(src)
    with open(os.path.join(src, "npm", "package", "dist", "chinese-days.json"), encoding="utf-8") as f:
        data = json.load(f)
    holidays = {d: v.split(",")[1] for d, v in data["holidays"].items()}
    workdays = {d: v.split(",")[1] for d, v in data["workdays"].items()}
    cross_check(src, holidays, workdays)
    years = sorted({int(d[:4]) for d in list(holidays) + list(workdays)})
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# China statutory holidays and make-up working days; built by tools/holidays/build_holidays.py from npm chinese-days (MIT); see SOURCES.md\n")
        f.write(f"#years\t{years[0]}\t{years[-1]}\n")
        rows = [(d, "holiday", n) for d, n in holidays.items()] + [(d, "workday", n) for d, n in workdays.items()]
        for d, kind, name in sorted(rows):
            f.write(f"{d}\t{kind}\t{name}\n")
    print(f"wrote {len(rows)} rows ({years[0]}-{years[-1]}) to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
