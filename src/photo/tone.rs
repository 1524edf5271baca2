//! Colour and light: greyscale, natural skin colour, exposure, even lighting.

use image::{GrayImage, RgbImage};

use super::mask::BackgroundMask;
use super::pixels::{bounds, chroma, lab};
use super::report::{Check, PhotoVerdict, Rect};
use super::thresholds::THRESHOLDS;
use super::zones::{self, FaceFrame};

/// `colour`: fails a greyscale photo (OFIQ's natural-colour score would pass it).
pub fn colour_check(rgb: &RgbImage, region: Rect) -> Check {
    let t = &THRESHOLDS;
    let (x0, y0, x1, y1) = bounds(region, rgb.width(), rgb.height());
    let stride = rgb.width() as usize * 3;
    let (c0, c1) = (x0 as usize * 3, x1 as usize * 3);
    let mut coloured = 0u64;
    for row in rgb
        .as_raw()
        .chunks_exact(stride)
        .take(y1 as usize)
        .skip(y0 as usize)
    {
        coloured += row[c0..c1]
            .chunks_exact(3)
            .filter(|p| chroma([p[0], p[1], p[2]]) > t.colour_min_chroma)
            .count() as u64;
    }
    let n = u64::from(x1 - x0) * u64::from(y1 - y0);
    let share = coloured as f32 / n.max(1) as f32;
    let ok = share >= t.colour_min_share;
    Check::judged(
        "colour",
        "彩色照片",
        ok,
        PhotoVerdict::Fail,
        ["彩色照片", "黑白（灰度）照片，须提交彩色照片"],
    )
    .measured(
        format!("彩色像素 {:.1}%", share * 100.0),
        format!("≥ {:.0}%", t.colour_min_share * 100.0),
    )
    .at(region)
}

fn mean_lab(rgb: &RgbImage, r: Rect) -> (f32, f32, f32) {
    let (x0, y0, x1, y1) = bounds(r, rgb.width(), rgb.height());
    let (mut l, mut a, mut b, mut n) = (0.0, 0.0, 0.0, 0.0);
    for y in y0..y1 {
        for x in x0..x1 {
            let (pl, pa, pb) = lab(rgb.get_pixel(x, y).0);
            l += pl;
            a += pa;
            b += pb;
            n += 1.0;
        }
    }
    if n == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    (l / n, a / n, b / n)
}

/// `skin_colour`: mean CIELAB a*, b* on both cheeks (OFIQ ranges), warn only.
pub fn skin_colour_check(rgb: &RgbImage, face: Rect) -> Check {
    let t = &THRESHOLDS;
    let (_, a1, b1) = mean_lab(rgb, zones::left_cheek(face));
    let (_, a2, b2) = mean_lab(rgb, zones::right_cheek(face));
    let (a, b) = ((a1 + a2) / 2.0, (b1 + b2) / 2.0);
    let ok = a >= t.skin_a.0 && a <= t.skin_a.1 && b >= t.skin_b.0 && b <= t.skin_b.1;
    Check::judged(
        "skin_colour",
        "肤色自然",
        ok,
        PhotoVerdict::Warn,
        ["肤色自然", "肤色偏色（色温或白平衡异常），请人工确认"],
    )
    .measured(
        format!("a* {a:.1}，b* {b:.1}"),
        format!(
            "a* {:.0}–{:.0}，b* {:.0}–{:.0}",
            t.skin_a.0, t.skin_a.1, t.skin_b.0, t.skin_b.1
        ),
    )
    .at(zones::cheeks(face))
}

/// `exposure`: mean luma and the share of clipped pixels on the face oval
/// (brow to chin, without the hair beside the face: dark hair in the box made
/// well-lit faces read dark). Backdrop is not skipped inside the oval, so a
/// blown-out face the backdrop fill has swallowed still counts.
pub fn exposure_check(grey: &GrayImage, frame: &FaceFrame) -> Check {
    let t = &THRESHOLDS;
    let oval = frame.oval();
    let (x0, y0, x1, y1) = bounds(oval.bounds(), grey.width(), grey.height());
    let (mut sum, mut dark, mut bright, mut n) = (0u64, 0u64, 0u64, 0u64);
    for y in y0..y1 {
        for x in (x0..x1).filter(|&x| oval.contains(x, y)) {
            let v = grey.get_pixel(x, y).0[0];
            sum += u64::from(v);
            n += 1;
            if v <= t.dark_luma {
                dark += 1;
            }
            if v >= t.bright_luma {
                bright += 1;
            }
        }
    }
    let n = n.max(1) as f32;
    let mean = sum as f32 / n;
    let (dark, bright) = (dark as f32 / n, bright as f32 / n);
    let (fl, fh) = t.face_luma_fail;
    let (wl, wh) = t.face_luma_warn;
    let (cw, cf) = t.clip_share;
    let (verdict, message) = if mean < fl || dark > cf {
        (PhotoVerdict::Fail, "面部严重曝光不足（过暗）")
    } else if mean > fh || bright > cf {
        (PhotoVerdict::Fail, "面部严重曝光过度（过亮）")
    } else if mean < wl || dark > cw {
        (PhotoVerdict::Warn, "面部偏暗，请人工确认")
    } else if mean > wh || bright > cw {
        (PhotoVerdict::Warn, "面部偏亮，请人工确认")
    } else {
        (PhotoVerdict::Pass, "曝光正常")
    };
    Check {
        id: "exposure",
        name: "曝光",
        verdict,
        value: format!(
            "面部平均亮度 {mean:.0}，过暗 {:.1}%，过亮 {:.1}%",
            dark * 100.0,
            bright * 100.0
        ),
        limit: format!("亮度 {wl:.0}–{wh:.0}，过暗/过亮 ≤ {:.0}%", cw * 100.0),
        message: message.into(),
        region: Some(oval.bounds()),
    }
}

fn histogram(grey: &GrayImage, r: Rect, face: Rect, mask: &BackgroundMask) -> [f32; 16] {
    let (x0, y0, x1, y1) = bounds(r, grey.width(), grey.height());
    let mut h = [0.0f32; 16];
    let mut n = 0.0;
    for y in y0..y1 {
        for x in (x0..x1).filter(|&x| !zones::backdrop_corner(face, mask, x, y)) {
            h[usize::from(grey.get_pixel(x, y).0[0] / 16)] += 1.0;
            n += 1.0;
        }
    }
    if n > 0.0 {
        h.iter_mut().for_each(|v| *v /= n);
    }
    h
}

/// `lighting`: left vs right cheek luma histograms (阴阳脸), warn only.
pub fn lighting_check(grey: &GrayImage, face: Rect, mask: &BackgroundMask) -> Check {
    let t = &THRESHOLDS;
    let l = histogram(grey, zones::left_cheek(face), face, mask);
    let r = histogram(grey, zones::right_cheek(face), face, mask);
    let overlap: f32 = l.iter().zip(&r).map(|(a, b)| a.min(*b)).sum();
    let ok = overlap >= t.min_lighting_overlap;
    Check::judged(
        "lighting",
        "光线均匀（无阴阳脸）",
        ok,
        PhotoVerdict::Warn,
        ["左右脸光线均匀", "左右脸明暗不均（阴阳脸），请人工确认"],
    )
    .measured(
        format!("左右脸直方图重合 {:.0}%", overlap * 100.0),
        format!("≥ {:.0}%", t.min_lighting_overlap * 100.0),
    )
    .at(zones::cheeks(face))
}
