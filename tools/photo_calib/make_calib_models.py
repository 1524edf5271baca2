#!/usr/bin/env python3
"""Calibration cases added for issue 23 (learned models), beside the set that
make_calib.py builds, from the same public-domain faces (see
tests/fixtures/photos/SOURCES.md): written into the same folder, labels merged
into its labels.json. Run make_calib.py first, then

    python tools/photo_calib/make_calib_models.py skimage/data/astronaut.png \
        matplotlib/mpl-data/sample_data/grace_hopper.jpg tests/fixtures/photos/calib

Kinds (labels.json "kind"):
  off_size   - every face at head lengths 17.0, 17.5, 23.5 and 24.0 mm (natural
               width): head_length must fail with the right value.
  compliant  - light hair: Collins with her hair recoloured light blond and
               white (luminance texture kept, colour replaced), at 20.5 mm;
               white hair on the white backdrop must stay head.
  light_hair_koch - Koch recoloured the same way: her light hair beside
               the face below the ears is lost by the mask and found again by
               its texture (head.rs textured_edge).
  yawed      - Koch and Hansen mirrored (the NASA portraits are turned about
               10 degrees; mirrored, the other way): pose must warn.
  glare      - Hopper (real spectacles) with two bright colourless reflections
               painted on her lenses: glare must warn.
  skin_shine - Collins (no glasses) with the same reflections painted on the
               cheekbones beside her eyes: no glare finding.
  group      - five (and three) different people side by side on white:
               face_count must fail naming the count ("faces").
  backdrop   - Collins on a grey, a light-blue, a white-with-grey-ring and a
               vignetted backdrop: background_white must fail.
"""

import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, os.path.dirname(__file__))
import make_calib as mc  # noqa: E402

OFF_SIZES = [17.0, 17.5, 23.5, 24.0]
BLOND = (232, 200, 140)
WHITE_HAIR = (238, 236, 230)


def hair_mask(person, lab):
    """Hair: person pixels darker than the face skin, above the mouth, outside
    an ellipse over eyes, brows, nose and mouth (so brows and eyes keep their
    colour). Soft-edged."""
    a = np.asarray(person).astype(np.float32)
    rgb, alpha = a[..., :3], a[..., 3]
    lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    (lx, ly), (rx, ry) = lab["eyes"]
    iod = rx - lx
    cx, ey = (lx + rx) / 2, (ly + ry) / 2
    face = Image.new("L", person.size, 0)
    ImageDraw.Draw(face).ellipse(
        (cx - 1.05 * iod, ey - 0.75 * iod, cx + 1.05 * iod, lab["chin"] + 0.1 * iod), fill=255)
    face = np.asarray(face) > 0
    skin = lum[int(ey + 0.3 * iod):int(lab["mouth"]), int(cx - 0.6 * iod):int(cx + 0.6 * iod)]
    # hair is darker than most of the lit skin; the cheek's shadowed side
    # (Koch's side light, evened only in part) is not above the eyes
    dark = lum < np.percentile(skin, 45) - 8
    m = dark & (alpha > 0) & ~face
    m[int(lab["mouth"]):, :] = False
    img = Image.fromarray((m * 255).astype(np.uint8)).filter(ImageFilter.MaxFilter(3))
    return np.asarray(img.filter(ImageFilter.GaussianBlur(1.2))).astype(np.float32) / 255.0


def recolour_hair(person, lab, colour):
    """Hair in `colour`, its light and shade kept: each hair pixel's luminance
    relative to the hair's 90th percentile scales the new colour."""
    a = np.asarray(person).astype(np.float32)
    rgb = a[..., :3]
    m = hair_mask(person, lab)
    lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    ref = np.percentile(lum[m > 0.5], 90) if (m > 0.5).any() else 128.0
    shade = np.clip(0.55 + 0.45 * lum / max(ref, 1.0), 0.0, 1.05)
    new = np.clip(np.array(colour, np.float32)[None, None, :] * shade[..., None], 0, 255)
    out = rgb * (1 - m[..., None]) + new * m[..., None]
    res = np.concatenate([out, a[..., 3:]], axis=2).astype(np.uint8)
    return Image.fromarray(res, "RGBA")


def paint_reflections(img, centres, r):
    """Bright, colourless, soft-edged ellipses (a flash on glass)."""
    out = img.copy()
    m = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(m)
    for x, y in centres:
        d.ellipse((x - r, y - 0.6 * r, x + r, y + 0.6 * r), fill=255)
    m = m.filter(ImageFilter.GaussianBlur(1.0))
    out.paste(Image.new("RGB", img.size, (252, 252, 250)), (0, 0), m)
    return out


def backdrop(kind):
    w, h = mc.W, mc.H
    if kind == "grey":
        return Image.new("RGB", (w, h), (200, 200, 200))
    if kind == "blue":
        return Image.new("RGB", (w, h), (200, 224, 246))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "vignette":
        d = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
        v = 255 - 70 * np.clip(d - 0.55, 0, None) / 0.9
        return Image.fromarray(np.repeat(v[..., None], 3, 2).astype(np.uint8))
    return Image.new("RGB", (w, h), (255, 255, 255))


def grey_ring(canvas_bg, person_alpha, width=22, level=200):
    """A grey halo hugging the head (a badly cut-out composite)."""
    a = person_alpha.filter(ImageFilter.MaxFilter(2 * width + 1)).filter(ImageFilter.GaussianBlur(4))
    grey = Image.new("RGB", canvas_bg.size, (level, level, level))
    return Image.composite(grey, canvas_bg, a)


def group(people, n, size, head_px):
    """`n` different people side by side, heads `head_px` long."""
    w, h = size
    canvas = Image.new("RGB", (w, h), (255, 255, 255))
    step = w / n
    for i, (p, lab) in enumerate(people[:n]):
        s = head_px / (lab["chin"] - lab["crown"])
        q = p.resize((round(p.width * s), round(p.height * s)), Image.LANCZOS)
        cx = (lab["eyes"][0][0] + lab["eyes"][1][0]) / 2 * s
        ox = round(step * (i + 0.5) - cx)
        oy = round(0.12 * h - lab["crown"] * s)
        canvas.paste(q.convert("RGB"), (ox, oy), q.getchannel("A"))
    return canvas


def main():
    astro_path, hopper_path, out = sys.argv[1:4]
    astro = mc.astronaut_cutout(Image.open(astro_path))
    hop = mc.hopper_cutout(Image.open(hopper_path), mc.FACES["hopper"]["poly"])
    people = {"astronaut": (astro, dict(mc.FACES["astronaut"])), "hopper": (hop, dict(mc.FACES["hopper"]))}
    for name, lab in mc.ARTEMIS.items():
        src = Image.open(os.path.join(mc.FACES_DIR, name + ".jpg"))
        people[name] = (mc.even_light(mc.dark_cutout(src, lab), lab), dict(lab, centre=True))
    labels_path = os.path.join(out, "labels.json")
    with open(labels_path) as f:
        labels = json.load(f)

    def save(img, fname, label, kind, **extra):
        img.save(os.path.join(out, fname), "JPEG", quality=92, exif=mc.exif_bytes())
        labels[fname] = dict(label, kind=kind, **extra)

    for name, (p, lab) in people.items():
        cs = lab.get("centre", False)
        for length in OFF_SIZES:
            img, label = mc.compose(p, lab, length, None, centre_on_silhouette=cs)
            save(img, f"{name}_size{length:.1f}.jpg", dict(label, face=name), "off_size")

    for name in ("astronaut", "artemis_koch"):
        p, lab = people[name]
        cs = lab.get("centre", False)
        for tag, colour in (("blond", BLOND), ("white", WHITE_HAIR)):
            img, label = mc.compose(recolour_hair(p, lab, colour), lab, 20.5, 15.0, centre_on_silhouette=cs)
            # Koch's recoloured hair hangs beside her face below the ears,
            # where the mask loses it: head_width fails, 1.7-1.9 mm narrow (a
            # found by texture, docs/photo.md); kept out of the compliant statistics
            # under its own kind so the miss stays visible
            kind = "light_hair_koch" if name == "artemis_koch" else "compliant"
            save(img, f"{name}_hair_{tag}.jpg", dict(label, face=f"{name}_{tag}"), kind)

    for name in ("artemis_koch", "artemis_hansen"):
        p, lab = mc.mirror(*people[name])
        img, label = mc.compose(p, dict(lab, centre=True), 20.5, 15.0, centre_on_silhouette=True)
        save(img, f"{name}_mirror_yawed.jpg", dict(label, face=name + "_mirror"), "yawed")

    p, lab = people["hopper"]
    img, label = mc.compose(p, lab, 20.5, 15.0)
    (lx, ly), (rx, ry) = label["eyes"]
    iod = rx - lx
    refl = [(lx + 0.12 * iod, ly - 0.10 * iod), (rx + 0.12 * iod, ry - 0.10 * iod)]
    save(paint_reflections(img, refl, 0.16 * iod), "hopper_glare.jpg", dict(label, face="hopper"), "glare")
    p, lab = people["astronaut"]
    img, label = mc.compose(p, lab, 20.5, 15.0)
    (lx, ly), (rx, ry) = label["eyes"]
    iod = rx - lx
    shine = [(lx - 0.15 * iod, ly + 0.45 * iod), (rx + 0.15 * iod, ry + 0.45 * iod)]
    save(paint_reflections(img, shine, 0.14 * iod), "astronaut_skin_shine.jpg", dict(label, face="astronaut"),
         "skin_shine")

    order = ["astronaut", "artemis_glover", "hopper", "artemis_koch", "artemis_wiseman", "artemis_hansen"]
    crowd = [people[n] for n in order]
    save(group(crowd, 5, (1300, 600), 230), "group_five.jpg", {"faces": 5}, "group")
    save(group(crowd, 3, (mc.W, mc.H), 150), "group_three.jpg", {"faces": 3}, "group")

    p, lab = people["astronaut"]
    for kind in ("grey", "blue", "vignette", "ring"):
        bg = backdrop(kind)
        if kind == "ring":
            _, label = mc.compose(p, lab, 20.5, 15.0)
            # place the person once on a transparent canvas to get its outline
            s = 20.5 * mc.K / (lab["chin"] - lab["crown"])
            alpha = Image.new("L", (mc.W, mc.H), 0)
            q = p.getchannel("A").resize((round(p.width * s), round(p.height * s)), Image.LANCZOS)
            cx = (lab["eyes"][0][0] + lab["eyes"][1][0]) / 2
            alpha.paste(q, (round(mc.W / 2 - cx * s), round(mc.CROWN_MM * mc.K - lab["crown"] * s)))
            bg = grey_ring(bg, alpha)
        img, label = mc.compose(p, lab, 20.5, None, bg=bg)
        save(img, f"astronaut_backdrop_{kind}.jpg", dict(label, face="astronaut"), "backdrop")

    with open(labels_path, "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
