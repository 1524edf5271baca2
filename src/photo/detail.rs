//! Fine detail: sharpness, glasses glare, and the over-beautification hint.
//! Sharpness and texture are measured after resampling the face to a fixed
//! width so 260 px and 4000 px photos are comparable.

use image::{GrayImage, RgbImage};

use super::mask::BackgroundMask;
use super::pixels::{bounds, grey_patch, highpass_sd, laplacian_variance};
use super::report::{Check, Rect, Verdict};
use super::thresholds::THRESHOLDS;
use super::zones;

/// `sharpness`: Laplacian variance of the face box at a fixed width.
pub fn sharpness_check(grey: &GrayImage, face: Rect) -> Check {
    let t = &THRESHOLDS;
    let v = grey_patch(grey, face, t.sharpness_width_px)
        .map(|p| laplacian_variance(&p))
        .unwrap_or(0.0);
    let (fail, warn) = t.sharpness;
    let (verdict, message) = if v < fail {
        (Verdict::Fail, "照片模糊，面部细节不清")
    } else if v < warn {
        (Verdict::Warn, "照片略模糊，请人工确认")
    } else {
        (Verdict::Pass, "清晰")
    };
    Check {
        id: "sharpness",
        name: "清晰度",
        verdict,
        value: format!("拉普拉斯方差 {v:.0}"),
        limit: format!("≥ {warn:.0}（低于 {fail:.0} 不合格）"),
        message: message.into(),
        region: Some(face),
    }
}

/// Largest blob of bright colourless pixels in a zone, in pixels. Backdrop
/// never counts: a large face box reaches past the head onto the white
/// backdrop, bright and colourless too, and a reflection on spectacles is not
/// joined to the border by near-white pixels as the backdrop is.
fn largest_glare_blob(rgb: &RgbImage, zone: Rect, mask: &BackgroundMask) -> u32 {
    let t = &THRESHOLDS;
    let (x0, y0, x1, y1) = bounds(zone, rgb.width(), rgb.height());
    let (w, h) = (x1 - x0, y1 - y0);
    if w == 0 || h == 0 {
        return 0;
    }
    let glare: Vec<bool> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| {
            if mask.is_bg(x0 + x, y0 + y) {
                return false;
            }
            let p = rgb.get_pixel(x0 + x, y0 + y).0;
            let max = p[0].max(p[1]).max(p[2]);
            let min = p[0].min(p[1]).min(p[2]);
            let sat = if max == 0 {
                0.0
            } else {
                f32::from(max - min) / f32::from(max)
            };
            max >= t.glare_min_value && sat <= t.glare_max_sat
        })
        .collect();
    let mut seen = vec![false; glare.len()];
    let mut best = 0;
    let mut stack = Vec::new();
    for start in 0..glare.len() {
        if !glare[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = ((i as u32) % w, (i as u32) / w);
            let mut push = |j: usize| {
                if glare[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                push(i - 1);
            }
            if x + 1 < w {
                push(i + 1);
            }
            if y > 0 {
                push(i - w as usize);
            }
            if y + 1 < h {
                push(i + w as usize);
            }
        }
        best = best.max(size);
    }
    best
}

/// `glare`: bright colourless blobs in the eye zones (眼镜反光), warn only.
pub fn glare_check(rgb: &RgbImage, face: Rect, mask: &BackgroundMask) -> Check {
    let t = &THRESHOLDS;
    let blob = largest_glare_blob(rgb, zones::left_eye(face), mask).max(largest_glare_blob(
        rgb,
        zones::right_eye(face),
        mask,
    ));
    let share = blob as f32 / (face.w * face.h).max(1.0);
    let ok = share < t.glare_min_blob_share;
    Check {
        id: "glare",
        name: "眼镜反光",
        verdict: if ok { Verdict::Pass } else { Verdict::Warn },
        value: format!("最大反光斑 {blob} px（面部 {:.2}%）", share * 100.0),
        limit: format!("< {:.2}%", t.glare_min_blob_share * 100.0),
        message: if ok {
            "眼部无明显反光".into()
        } else {
            "眼部有大块反光（眼镜反光），请人工确认".into()
        },
        region: Some(zones::eyes(face)),
    }
}

/// `skin_texture`: too little fine texture on the cheeks, relative to the hair
/// band, suggests beauty filters (过度美颜). Warn only: smooth skin exists.
pub fn skin_texture_check(grey: &GrayImage, face: Rect, crown_y: f32, head_length: f32) -> Check {
    let t = &THRESHOLDS;
    // one common scale for cheeks and hair so the ratio is scale-free
    let scale = t.sharpness_width_px as f32 / face.w.max(1.0);
    let at_scale = |r: Rect| {
        let width = ((r.w * scale).round() as u32).max(8);
        grey_patch(grey, r, width).map(|p| highpass_sd(&p))
    };
    let cheek = match (
        at_scale(zones::left_cheek(face)),
        at_scale(zones::right_cheek(face)),
    ) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        _ => 0.0,
    };
    let hair = at_scale(zones::hair_band(face, crown_y, head_length)).unwrap_or(0.0);
    let ratio = if hair > 0.0 { cheek / hair } else { 1.0 };
    let ok = ratio >= t.min_skin_texture_ratio && cheek >= t.min_skin_texture;
    Check {
        id: "skin_texture",
        name: "过度美颜",
        verdict: if ok { Verdict::Pass } else { Verdict::Warn },
        value: format!("面颊细节 {cheek:.2}，与头发之比 {ratio:.2}"),
        limit: format!(
            "细节 ≥ {:.1}，比值 ≥ {:.2}",
            t.min_skin_texture, t.min_skin_texture_ratio
        ),
        message: if ok {
            "皮肤纹理自然".into()
        } else {
            "面部皮肤过于平滑，疑似美颜或磨皮，请人工确认".into()
        },
        region: Some(zones::cheeks(face)),
    }
}

/// Whole-image region helper for checks that look everywhere.
pub fn whole(width: u32, height: u32) -> Rect {
    Rect::new(0.0, 0.0, width as f32, height as f32)
}
