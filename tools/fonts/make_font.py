#!/usr/bin/env python3
"""Regenerates assets/fonts/NotoSansSC-GBK.otf.

Source: Debian package `fonts-noto-cjk` (Noto Sans CJK, SIL Open Font License 1.1),
face "Noto Sans CJK SC" (index 2 of NotoSansCJK-Regular.ttc).
Subset: every character the GBK code page can encode (applicant names may fall
outside GB2312), plus ASCII, Latin-1, general punctuation, arrows, box and
geometric shapes, check marks and full-width forms the UI uses.

Usage:  apt-get install fonts-noto-cjk && pip install fonttools
        python3 tools/fonts/make_font.py
"""
import pathlib
import subprocess
import sys
import tempfile

SRC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
OUT = pathlib.Path(__file__).resolve().parents[2] / "assets" / "fonts" / "NotoSansSC-GBK.otf"


def gbk_codepoints():
    cps = set()
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return cps


def main():
    cps = gbk_codepoints()
    cps.update(range(0x20, 0x7F))          # ASCII
    cps.update(range(0xA0, 0x100))         # Latin-1
    cps.update(range(0x2000, 0x2070))      # general punctuation
    cps.update(range(0x2190, 0x2200))      # arrows
    cps.update(range(0x2460, 0x24FF))      # enclosed numbers
    cps.update(range(0x2500, 0x2600))      # box drawing, blocks, geometric shapes
    cps.update(range(0x2600, 0x2800))      # misc symbols, dingbats (check marks)
    cps.update(range(0x3000, 0x3040))      # CJK symbols and punctuation
    cps.update(range(0xFF00, 0xFFF0))      # full-width forms
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(f"U+{c:04X}" for c in sorted(cps)))
        listing = f.name
    subprocess.run(
        [sys.executable, "-m", "fontTools.subset", SRC, "--font-number=2",
         f"--unicodes-file={listing}", "--layout-features=*", "--no-hinting",
         f"--output-file={OUT}"],
        check=True,
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cps)} code points requested)")


if __name__ == "__main__":
    main()
