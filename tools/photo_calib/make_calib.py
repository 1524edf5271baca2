#!/usr/bin/env python3
"""Calibration set for head geometry and the warning thresholds (issue 13).

Real portraits, permissively licensed, composited on a white 520x756 canvas at
known head lengths (19-22 mm) and widths (14-16 mm), crown and chin rows
labelled by hand on the source (see FACES below; source pixels, read off a
zoomed grid). Output: tests/fixtures/photos/calib/*.jpg and labels.json there.

Faces (see tests/fixtures/photos/SOURCES.md for licences):
  astronaut - skimage/data/astronaut.png (scikit-image wheel): NASA portrait of
              Eileen Collins, public domain (work of the US government).
  hopper    - matplotlib/mpl-data/sample_data/grace_hopper.jpg (matplotlib
              wheel): US Navy portrait of Grace Hopper, public domain (work of
              the US government). She wears a cap whose white top would merge
              with the white backdrop: the cut-out stops at the top of the cap's
              dark band, and that curve is the "crown" here (a cap is on the
              clerk's checklist, not an automated check).

    pip download --no-deps scikit-image matplotlib
    unzip -o scikit_image-*.whl skimage/data/astronaut.png
    unzip -o matplotlib-*.whl matplotlib/mpl-data/sample_data/grace_hopper.jpg
    python tools/photo_calib/make_calib.py astronaut.png grace_hopper.jpg tests/fixtures/photos/calib

  artemis_* - tests/fixtures/photos/faces/artemis_{wiseman,glover,koch,hansen}.jpg:
              NASA's official Artemis II crew portraits (Johnson Space Center,
              photographer Josh Valcarcel, 29 March 2023), public domain (works
              of NASA); committed as crops, provenance in faces/SOURCES.md. Dark
              studio backdrop, strong side light.

Collins and Hopper are also mirrored (a different silhouette and light
direction, not a different person: counted as such in docs/photo.md).

    python tools/photo_calib/make_calib.py --new-only tests/fixtures/photos/calib

rebuilds only the committed faces (no wheels needed) and merges their labels
into labels.json.

Doctored variants (for the warning thresholds): skin smoothing at two
strengths, a background gradient, a shadow behind the head, the subject under
a 3200 K lamp with the backdrop still white (lamp3200k, for skin colour), and
for the Artemis faces the portrait as NASA lit it (side_lit, real uneven light).
"""

import json
import os
import sys
from collections import deque

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from make_photos import cutout as astronaut_cutout, exif_bytes  # noqa: E402

W, H = 520, 756
K = W / 22.0  # px per mm
CROWN_MM = 1.25

# Hand labels in source pixels. eyes: pupil centres; mouth: lip line at the
# centre; chin: lowest point of the chin's edge; crown: top of the head (cap).
FACES = {
    "astronaut": {
        "crown": 15.5,
        "chin": 177.0,
        "eyes": [(204.5, 101.0), (247.5, 103.0)],
        "mouth": 145.0,
    },
    "hopper": {
        "crown": 89.0,
        "chin": 328.0,
        "eyes": [(221.5, 188.5), (305.0, 187.5)],
        "mouth": 275.0,
        # The print's skin is redder than skin: cheek a* 28-30 where OFIQ's
        # natural range ends at 25, farther out than the other faces under a
        # 3200 K lamp (docs/photo.md). Neutral whites (cap top 251/251/248), so
        # it is the print's saturation, not a white-balance error a
        # generator could undo. Her photos are compliant in geometry; the
        # skin-colour warning on them is a true one.
        "expected_warnings": {"skin_colour": "print colour: cheek a* 28-30"},
        # cap + head + ears + shoulders, clockwise from bottom left
        "poly": [(0, 600), (0, 430), (30, 385), (90, 355), (150, 338), (186, 326),
                 (182, 305), (170, 280), (162, 250), (157, 210), (157, 160),
                 (160, 120), (165, 100), (200, 92), (265, 89), (330, 92),
                 (366, 100), (372, 110), (373, 170), (370, 215),
                 (364, 255), (354, 292), (343, 318), (380, 335), (440, 355),
                 (490, 375), (512, 395), (512, 600)],
    },
}

# Artemis II portraits, in the pixels of the committed crops (faces/*.jpg).
# Crown: top of the hair/scalp above the face; chin: lower edge of the chin
# boss, read on a 4x zoom with the shadows lifted (gamma 0.5).
ARTEMIS = {
    "artemis_wiseman": {"crown": 57.0, "chin": 362.0, "eyes": [(186.0, 207.5), (272.0, 207.0)], "mouth": 297.0},
    "artemis_glover": {"crown": 61.0, "chin": 376.0, "eyes": [(180.0, 202.5), (267.5, 200.0)], "mouth": 304.0},
    "artemis_koch": {"crown": 60.0, "chin": 384.0, "eyes": [(185.0, 219.0), (272.5, 217.5)], "mouth": 315.0,
                     "expected_warnings": {"pose": "head turned about 10-12 degrees in NASA's portrait"}},
    "artemis_hansen": {"crown": 62.5, "chin": 359.0, "eyes": [(187.5, 206.0), (272.5, 204.0)], "mouth": 292.5,
                       "expected_warnings": {"pose": "head turned about 10 degrees in NASA's portrait"}},
}
FACES_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "photos", "faces")

LENGTHS = [19.3, 20.5, 21.7]
WIDTHS = [14.5, 15.5]


def hopper_cutout(src, poly):
    rgb = src.convert("RGB")
    m = Image.new("L", rgb.size, 0)
    ImageDraw.Draw(m).polygon(poly, fill=255)
    # within 12 px of the hand-drawn outline, drop what is clearly backdrop:
    # the blue wall, the flag's red and the gold fringe
    inner = m.filter(ImageFilter.MinFilter(25))
    a = np.asarray(rgb).astype(np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    backdrop = (b > r + 20) | ((r > 140) & (g < 90) & (b < 90)) | ((r > 170) & (g > 120) & (b < 80))
    band = (np.asarray(m) > 0) & (np.asarray(inner) == 0)
    keep = np.asarray(m).copy()
    keep[band & backdrop] = 0
    m = Image.fromarray(keep).filter(ImageFilter.MedianFilter(5))
    m = m.filter(ImageFilter.GaussianBlur(0.8))
    out = rgb.copy()
    out.putalpha(m)
    return out


def dark_cutout(src, lab, lum_max=48):
    """Cut-out from a dark, bluish studio backdrop: pixels darker than lum_max
    whose blue is not below their red (hair and skin shadows are warmer than
    the backdrop), connected to the top or side border, are backdrop. Below
    the chin the suit has dark folds and straps that would leak, so each row
    there is filled between its outermost person pixels."""
    rgb = np.asarray(src.convert("RGB")).astype(np.int16)
    h, w, _ = rgb.shape
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    lum = (299 * r + 587 * g + 114 * b) // 1000
    bg_like = (lum < lum_max) & (b - r >= -2)
    seen = np.zeros((h, w), bool)
    q = deque()
    for y in range(h):
        for x in range(w):
            if (y == 0 or x == 0 or x == w - 1) and bg_like[y, x]:
                seen[y, x] = True
                q.append((y, x))
    while q:
        y, x = q.popleft()
        for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            ny, nx = y + dy, x + dx
            if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx] and bg_like[ny, nx]:
                seen[ny, nx] = True
                q.append((ny, nx))
    person = ~seen
    person = np.asarray(Image.fromarray(person.astype(np.uint8) * 255).filter(ImageFilter.MedianFilter(5))) > 0
    # below the chin: fill between a smoothed outline (outermost person pixel
    # within 12 rows either side, then a running mean), so shoulders in
    # shadow keep a plausible, smooth edge instead of a ragged one
    y0 = int(lab["chin"]) + 8
    left = np.full(h, w, float)
    right = np.full(h, -1.0)
    for y in range(y0, h):
        xs = np.nonzero(person[y])[0]
        if len(xs):
            left[y], right[y] = xs.min(), xs.max()
    lo, hi = left.copy(), right.copy()
    for y in range(y0, h):
        a, z = max(y0, y - 12), min(h, y + 13)
        lo[y], hi[y] = left[a:z].min(), right[a:z].max()
    k = np.ones(9) / 9
    los = np.convolve(np.pad(lo[y0:], 4, mode="edge"), k, "valid")
    his = np.convolve(np.pad(hi[y0:], 4, mode="edge"), k, "valid")
    for i, y in enumerate(range(y0, h)):
        if his[i] >= los[i]:
            person[y, max(0, int(round(los[i]))):min(w, int(round(his[i])) + 1)] = True
    m = Image.fromarray(person.astype(np.uint8) * 255)
    m = m.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.GaussianBlur(0.8))
    out = src.convert("RGB").copy()
    out.putalpha(m)
    return out


def even_light(person, lab, cap=2.5):
    """Fill light for the side-lit Artemis portraits, so the compliant set is
    evenly lit as the spec asks (光线均匀): each column of the person is
    multiplied by lit-side level / that column's mean face luma, at most 2.5
    (face luma measured between eye line and mouth, smoothed over 0.6 eye
    distances). Only left-right shading changes; the shading under the chin
    and along the jaw stays. The untouched portrait is kept as the `side_lit`
    doctored case."""
    a = np.asarray(person).astype(np.float32)
    rgb, alpha = a[..., :3], a[..., 3]
    (lx, ly), (rx, ry) = lab["eyes"]
    iod = rx - lx
    x0, x1 = int(lx - 0.55 * iod), int(rx + 0.55 * iod)
    y0, y1 = int((ly + ry) / 2), int(lab["mouth"])
    lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    col = lum[y0:y1, x0:x1].mean(axis=0)
    sd = 0.6 * iod
    k = np.exp(-0.5 * (np.arange(-int(3 * sd), int(3 * sd) + 1) / sd) ** 2)
    k /= k.sum()
    sm = np.convolve(np.pad(col, len(k) // 2, mode="edge"), k, "valid")
    gain_face = np.clip(sm.max() / np.maximum(sm, 1.0), 1.0, cap)
    gain = np.empty(rgb.shape[1], np.float32)
    gain[:x0] = gain_face[0]
    gain[x0:x1] = gain_face
    gain[x1:] = gain_face[-1]
    out = np.clip(rgb * gain[None, :, None], 0, 255).astype(np.uint8)
    img = Image.fromarray(out)
    img.putalpha(Image.fromarray(alpha.astype(np.uint8)))
    return img


def ear_row(lab):
    """Head-width row: a quarter of the way from the eye line to the chin
    (issue 23's definition, about the tragus; src/photo/thresholds.rs
    `ear_from_eyes` uses the same share; 0.24 before issue 23)."""
    eye_y = (lab["eyes"][0][1] + lab["eyes"][1][1]) / 2
    return eye_y + 0.25 * (lab["chin"] - eye_y)


def silhouette_width(alpha, row, cx):
    """Outer extent of alpha >= 128 on `row` (an ear separated from the head
    by a sliver of removed backdrop still counts, as it would on a real photo)."""
    a = np.asarray(alpha)[int(round(row))]
    xs = np.nonzero(a >= 128)[0]
    return int(xs.max() + 1 - xs.min()) if len(xs) else 0


def mirror(person, lab):
    w = person.width
    out = ImageOps.mirror(person)
    m = dict(lab)
    m["eyes"] = sorted([(w - 1 - x, y) for x, y in lab["eyes"]])
    m.pop("poly", None)
    return out, m


def compose(person, lab, length_mm, width_mm=None, bg=None, shadow=False, centre_on_silhouette=False):
    """Person scaled so crown-to-chin is length_mm (and the ear-level width
    width_mm, by a horizontal stretch), crown CROWN_MM below the top edge."""
    src_len = lab["chin"] - lab["crown"]
    sy = length_mm * K / src_len
    cx_src = (lab["eyes"][0][0] + lab["eyes"][1][0]) / 2
    natural = silhouette_width(person.getchannel("A"), ear_row(lab), cx_src) * sy / K
    sx = sy * (width_mm / natural if width_mm else 1.0)
    pw, ph = round(person.width * sx), round(person.height * sy)
    scaled = person.resize((pw, ph), Image.LANCZOS)
    if centre_on_silhouette:
        # a turned head (the Artemis portraits): centre the head's outline at
        # ear level, as a photographer would, not the midpoint of the eyes
        row = np.asarray(person.getchannel("A"))[int(round(ear_row(lab)))]
        xs = np.nonzero(row >= 128)[0]
        cx_src = (xs.min() + xs.max() + 1) / 2
    ox = round(W / 2 - cx_src * sx)
    oy = round(CROWN_MM * K - lab["crown"] * sy)
    canvas = bg.copy() if bg is not None else Image.new("RGB", (W, H), (255, 255, 255))
    if shadow:
        # soft grey shadow behind the head, offset right and down (flash off-axis)
        sh = Image.new("L", (W, H), 0)
        a = scaled.getchannel("A")
        sh.paste(a, (ox + 28, oy + 18))
        sh = sh.filter(ImageFilter.GaussianBlur(14)).point(lambda v: v * 0.3)
        dark = Image.new("RGB", (W, H), (120, 120, 120))
        canvas = Image.composite(dark, canvas, sh)
    canvas.paste(scaled.convert("RGB"), (ox, oy), scaled.getchannel("A"))
    t = lambda x, y: (ox + x * sx, oy + y * sy)  # noqa: E731
    crown = oy + lab["crown"] * sy
    chin = oy + lab["chin"] * sy
    eyes = [t(x, y) for x, y in lab["eyes"]]
    er = oy + ear_row(lab) * sy
    # truth width on the output canvas, from the pasted alpha
    alpha = Image.new("L", (W, H), 0)
    alpha.paste(scaled.getchannel("A"), (ox, oy))
    width_px = silhouette_width(alpha, er, ox + cx_src * sx)
    label = {
        "crown_y": round(crown, 2),
        "chin_y": round(chin, 2),
        "head_length_mm": round((chin - crown) / K, 3),
        "ear_y": round(er, 2),
        "head_width_mm": round(width_px / K, 3),
        "eyes": [[round(x, 1), round(y, 1)] for x, y in eyes],
        "mouth_y": round(oy + lab["mouth"] * sy, 1),
    }
    return canvas, label


def smooth_skin(img, label, strength):
    """dst = src + strength*blur(smooth(src) - src) on the face (as the fixtures)."""
    s = np.asarray(img).astype(np.float32)
    med = np.asarray(img.filter(ImageFilter.MedianFilter(9)).filter(ImageFilter.GaussianBlur(3))).astype(np.float32)
    diff = Image.fromarray(np.clip((med - s) + 128, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(2))
    sm = np.clip(s + strength * (np.asarray(diff).astype(np.float32) - 128), 0, 255)
    (lx, ly), (rx, ry) = label["eyes"]
    d = rx - lx
    box = (lx - 0.55 * d, ly - 0.6 * d, rx + 0.55 * d, label["chin_y"] - 0.05 * d)
    m = Image.new("L", img.size, 0)
    ImageDraw.Draw(m).ellipse(box, fill=255)
    m = m.filter(ImageFilter.GaussianBlur(6))
    out = img.copy()
    out.paste(Image.fromarray(sm.astype(np.uint8)), (0, 0), m)
    return out


# Linear-light RGB of a 3200 K tungsten lamp relative to D65 (blackbody),
# scaled to keep luminance: the subject under a warm lamp while the camera
# white-balanced on the flash-lit backdrop (which stays white).
LAMP_3200K = (1.0, 0.74, 0.47)


def lamp_cast(person, gains=LAMP_3200K):
    """The cut-out person (RGBA) as lit by a coloured lamp, in linear light."""
    a = np.asarray(person).astype(np.float64)
    rgb = a[..., :3] / 255.0
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    g = np.array(gains) / (np.array(gains) @ [0.2126, 0.7152, 0.0722])
    lin = np.clip(lin * g, 0.0, 1.0)
    srgb = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)
    out = a.copy()
    out[..., :3] = np.round(srgb * 255.0)
    return Image.fromarray(out.astype(np.uint8), "RGBA")


def gradient_bg(lo):
    ramp = np.linspace(255, lo, W)[None, :, None].repeat(H, 0).repeat(3, 2)
    return Image.fromarray(ramp.astype(np.uint8))


def main():
    args = sys.argv[1:]
    new_only = args[:1] == ["--new-only"]
    people = {}
    if new_only:
        out = args[1]
    else:
        astro_path, hopper_path, out = args[:3]
        astro = astronaut_cutout(Image.open(astro_path))
        hop = hopper_cutout(Image.open(hopper_path), FACES["hopper"]["poly"])
        people = {"astronaut": (astro, FACES["astronaut"]), "hopper": (hop, FACES["hopper"])}
        for name in list(people):
            p, lab = people[name]
            people[name + "_mirror"] = mirror(p, lab)
    side_lit = {}
    for name, lab in ARTEMIS.items():
        src = Image.open(os.path.join(FACES_DIR, name + ".jpg"))
        raw = dark_cutout(src, lab)
        people[name] = (even_light(raw, lab), dict(lab, centre=True))
        side_lit[name] = (raw, dict(lab, centre=True))
    os.makedirs(out, exist_ok=True)

    labels_path = os.path.join(out, "labels.json")
    labels = {}
    if new_only and os.path.exists(labels_path):
        with open(labels_path) as f:
            labels = json.load(f)

    def save(img, fname, label, kind):
        img.save(os.path.join(out, fname), "JPEG", quality=92, exif=exif_bytes())
        labels[fname] = dict(label, kind=kind)

    for name, (p, lab) in people.items():
        cs = lab.get("centre", False)
        for L in LENGTHS:
            for Wmm in WIDTHS:
                img, label = compose(p, lab, L, Wmm, centre_on_silhouette=cs)
                if "expected_warnings" in lab:
                    label = dict(label, expected_warnings=lab["expected_warnings"])
                save(img, f"{name}_L{L:.1f}_W{Wmm:.1f}.jpg", dict(label, face=name), "compliant")
        # doctored, at the middle size (the Artemis heads at 15 mm wide: Koch's
        # hair would make her natural width 20 mm)
        dw = 15.0 if cs else None
        img, label = compose(p, lab, 20.5, dw, centre_on_silhouette=cs)
        label = dict(label, face=name)
        for k in (1.5, 3.0):
            save(smooth_skin(img, label, k), f"{name}_smooth{k:.1f}.jpg", label, "smoothed")
        g, gl = compose(p, lab, 20.5, dw, bg=gradient_bg(215), centre_on_silhouette=cs)
        save(g, f"{name}_gradient.jpg", dict(gl, face=name), "gradient")
        s, sl = compose(p, lab, 20.5, dw, shadow=True, centre_on_silhouette=cs)
        save(s, f"{name}_shadow.jpg", dict(sl, face=name), "shadow")
        c, cl = compose(lamp_cast(p), lab, 20.5, dw, centre_on_silhouette=cs)
        save(c, f"{name}_lamp3200k.jpg", dict(cl, face=name), "lamp_cast")
    for name, (p, lab) in side_lit.items():
        # the portrait as NASA lit it: strong side light (阴阳脸)
        img, label = compose(p, lab, 20.5, 15.0, centre_on_silhouette=True)
        save(img, f"{name}_side_lit.jpg", dict(label, face=name), "side_lit")
    with open(labels_path, "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
