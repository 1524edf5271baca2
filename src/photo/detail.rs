//! Fine detail: sharpness, glasses glare, and the over-beautification hint.
//! Sharpness is measured after resampling the face to a fixed width, texture
//! with filter sizes scaled to the face box, so 260 px and 4000 px photos
//! are comparable.

use image::{GrayImage, RgbImage};

use super::mask::BackgroundMask;
use super::pixels::{band_robust_sd, bounds, grey_patch, laplacian_variance};
use super::report::{Check, PhotoVerdict, Rect};
use super::thresholds::THRESHOLDS;
use super::zones::{self, FaceFrame};

/// `sharpness`: Laplacian variance of the face box at a fixed width.
pub fn sharpness_check(grey: &GrayImage, face: Rect) -> Check {
    let t = &THRESHOLDS;
    let v = grey_patch(grey, face, t.sharpness_width_px)
        .map(|p| laplacian_variance(&p))
        .unwrap_or(0.0);
    let (fail, warn) = t.sharpness;
    let (verdict, message) = if v < fail {
        (PhotoVerdict::Fail, "照片模糊，面部细节不清")
    } else if v < warn {
        (PhotoVerdict::Warn, "照片略模糊，请人工确认")
    } else {
        (PhotoVerdict::Pass, "清晰")
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

/// `glare`: bright colourless blobs where lenses sit (眼镜反光), warn only.
pub fn glare_check(rgb: &RgbImage, frame: &FaceFrame, mask: &BackgroundMask) -> Check {
    let t = &THRESHOLDS;
    let face = frame.face;
    let [left, right] = frame.lens_zones();
    let blob = largest_glare_blob(rgb, left, mask).max(largest_glare_blob(rgb, right, mask));
    let share = blob as f32 / (face.w * face.h).max(1.0);
    let ok = share < t.glare_min_blob_share;
    Check::judged(
        "glare",
        "眼镜反光",
        ok,
        PhotoVerdict::Warn,
        ["眼部无明显反光", "眼部有大块反光（眼镜反光），请人工确认"],
    )
    .measured(
        format!("最大反光斑 {blob} px（面部 {:.2}%）", share * 100.0),
        format!("< {:.2}%", t.glare_min_blob_share * 100.0),
    )
    .at(zones::union(left, right))
}

/// `skin_texture`: too little fine texture on the cheeks suggests a beauty
/// filter (过度美颜). The band between two Gaussians (1 and 3 px at a 300 px
/// face box) keeps pores, fine lines and sensor grain and drops the shading;
/// its robust SD ignores a stray nostril or lens-rim edge. Warn only: smooth
/// skin exists, and a dark face has less texture to show.
pub fn skin_texture_check(grey: &GrayImage, frame: &FaceFrame) -> Check {
    let t = &THRESHOLDS;
    let px = frame.face.w.max(1.0) / t.texture_ref_box_px;
    let (s1, s2) = (t.texture_sigmas.0 * px, t.texture_sigmas.1 * px);
    let [left, right] = frame.texture_cheeks();
    let sds: Vec<f32> = [left, right]
        .into_iter()
        .filter_map(|r| band_robust_sd(grey, r, s1, s2))
        .collect();
    let limit = format!("≥ {:.2}", t.min_skin_texture);
    let region = zones::union(left, right);
    if sds.is_empty() {
        // the cheeks lie off the picture: say so rather than call the skin smooth
        return Check::judged(
            "skin_texture",
            "过度美颜",
            false,
            PhotoVerdict::Warn,
            ["", "面颊不在照片内，无法判断是否美颜，请人工确认"],
        )
        .measured("无法测量".into(), limit)
        .at(region);
    }
    let texture = sds.iter().sum::<f32>() / sds.len() as f32;
    let ok = texture >= t.min_skin_texture;
    Check::judged(
        "skin_texture",
        "过度美颜",
        ok,
        PhotoVerdict::Warn,
        [
            "皮肤纹理自然",
            "面部皮肤过于平滑，疑似美颜或磨皮，请人工确认",
        ],
    )
    .measured(format!("面颊细节 {texture:.2}"), limit)
    .at(region)
}

/// Whole-image region helper for checks that look everywhere.
pub fn whole(width: u32, height: u32) -> Rect {
    Rect::new(0.0, 0.0, width as f32, height as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::report::Geometry;

    fn frame(face: Rect) -> FaceFrame {
        FaceFrame::new(face, &Geometry::default())
    }

    #[test]
    fn texture_off_the_picture_is_not_called_smooth() {
        let grey = GrayImage::from_pixel(60, 80, image::Luma([128]));
        let c = skin_texture_check(&grey, &frame(Rect::new(500.0, 500.0, 100.0, 100.0)));
        assert_eq!(c.verdict, PhotoVerdict::Warn);
        assert_eq!(c.value, "无法测量");
    }

    #[test]
    fn flat_cheeks_warn_and_grainy_cheeks_pass() {
        let face = Rect::new(20.0, 20.0, 120.0, 120.0);
        let flat = GrayImage::from_pixel(160, 200, image::Luma([150]));
        assert_eq!(
            skin_texture_check(&flat, &frame(face)).verdict,
            PhotoVerdict::Warn
        );
        // a pseudo-random ±12 grain, as untouched skin and sensor noise give
        let grainy = GrayImage::from_fn(160, 200, |x, y| {
            let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761);
            image::Luma([138 + (n >> 27) as u8 % 25])
        });
        assert_eq!(
            skin_texture_check(&grainy, &frame(face)).verdict,
            PhotoVerdict::Pass
        );
    }
}
