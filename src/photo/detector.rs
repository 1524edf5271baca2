//! Every face in the photo, with its box and six key points (MediaPipe
//! BlazeFace short-range, 128×128). The whole photo is letterboxed into one
//! input; only when that pass suggests small faces (none found, several, or a
//! small one) does it run again on overlapping tiles, so a group photo's
//! faces are counted without slowing the usual single-face photo.

use image::RgbImage;

use super::model_input::{Warp, sample};
use super::models::{ModelError, Net};
use super::report::Rect;
use super::thresholds::THRESHOLDS;

/// Key points in the order the model gives them.
pub const RIGHT_EYE: usize = 0; // the subject's right eye, on the picture's left
pub const LEFT_EYE: usize = 1;

/// One detected face, in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub rect: Rect,
    /// Probability 0..1.
    pub score: f32,
    /// Right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion.
    pub keypoints: [(f32, f32); 6],
}

impl Detection {
    /// True when the face box runs past the photo's edge by more than
    /// `share` of its size (the face is cut by the frame).
    pub fn cut_by_frame(&self, width: u32, height: u32, share: f32) -> bool {
        let r = self.rect;
        let (mx, my) = (share * r.w, share * r.h);
        r.x < -mx || r.y < -my || r.x + r.w > width as f32 + mx || r.y + r.h > height as f32 + my
    }
}

/// Anchor centres of the short-range model: 16×16 cells × 2, then 8×8 × 6.
fn anchors() -> Vec<(f32, f32)> {
    let mut a = Vec::with_capacity(896);
    for (grid, per) in [(16usize, 2usize), (8, 6)] {
        for y in 0..grid {
            for x in 0..grid {
                for _ in 0..per {
                    a.push((
                        (x as f32 + 0.5) / grid as f32,
                        (y as f32 + 0.5) / grid as f32,
                    ));
                }
            }
        }
    }
    a
}

/// Runs the detector on the square `region` (x, y, side) of the photo.
fn detect_square(
    net: &Net,
    rgb: &RgbImage,
    (x0, y0, side): (f32, f32, f32),
    min_score: f32,
) -> Result<Vec<Detection>, ModelError> {
    const N: usize = 128;
    let s = side / N as f32;
    let input = sample(rgb, &Warp::scaled((x0, y0), s, s), N, N, -1.0, 1.0);
    let out = net.run(&input)?;
    let (Some(reg), Some(cls)) = (out.first(), out.get(1)) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (i, (ax, ay)) in anchors().into_iter().enumerate() {
        let Some(&logit) = cls.get(i) else { break };
        let score = 1.0 / (1.0 + (-logit.clamp(-100.0, 100.0)).exp());
        if score < min_score {
            continue;
        }
        let Some(r) = reg.get(i * 16..i * 16 + 16) else {
            break;
        };
        let to_img = |dx: f32, dy: f32| {
            (
                x0 + (ax + dx / N as f32) * side,
                y0 + (ay + dy / N as f32) * side,
            )
        };
        let (cx, cy) = to_img(r[0], r[1]);
        let (w, h) = (r[2] / N as f32 * side, r[3] / N as f32 * side);
        let mut keypoints = [(0.0, 0.0); 6];
        for (k, p) in keypoints.iter_mut().enumerate() {
            *p = to_img(r[4 + 2 * k], r[5 + 2 * k]);
        }
        if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() {
            found.push(Detection {
                rect: Rect::new(cx - w / 2.0, cy - h / 2.0, w, h),
                score,
                keypoints,
            });
        }
    }
    Ok(found)
}

fn iou(a: Rect, b: Rect) -> f32 {
    let x0 = a.x.max(b.x);
    let y0 = a.y.max(b.y);
    let x1 = (a.x + a.w).min(b.x + b.w);
    let y1 = (a.y + a.h).min(b.y + b.h);
    let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    let union = a.w * a.h + b.w * b.h - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// Non-maximum suppression: the best-scoring box of each overlapping group.
/// A box mostly inside a kept one (the same face seen from a tile) also goes.
fn suppress(mut all: Vec<Detection>) -> Vec<Detection> {
    all.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detection> = Vec::new();
    for d in all {
        let dup = kept.iter().any(|k| {
            let inter = iou(k.rect, d.rect);
            let smaller = k.rect.w.min(d.rect.w) / k.rect.w.max(d.rect.w);
            inter > THRESHOLDS.face_nms_iou || (inter * (1.0 + smaller) > 0.6 && smaller < 0.7)
        });
        if !dup {
            kept.push(d);
        }
    }
    kept
}

/// Overlapping squares of side `side` covering the photo.
fn tiles(w: f32, h: f32, side: f32) -> Vec<(f32, f32, f32)> {
    let steps = |len: f32| -> Vec<f32> {
        if len <= side {
            return vec![(len - side) / 2.0];
        }
        let n = ((len - side) / (side * 0.6)).ceil() as usize;
        (0..=n)
            .map(|i| i as f32 * (len - side) / n as f32)
            .collect()
    };
    let mut out = Vec::new();
    for y in steps(h) {
        for x in steps(w) {
            out.push((x, y, side));
        }
    }
    out
}

/// All faces, the largest first.
pub fn detect(net: &Net, rgb: &RgbImage) -> Result<Vec<Detection>, ModelError> {
    let t = &THRESHOLDS;
    let (w, h) = (rgb.width() as f32, rgb.height() as f32);
    let long = w.max(h);
    let short = w.min(h);
    // the whole photo, letterboxed (centred in a square)
    let whole = ((w - long) / 2.0, (h - long) / 2.0, long);
    let mut all = detect_square(net, rgb, whole, t.face_min_score)?;
    let first = suppress(all.clone());
    let small = first.iter().any(|d| d.rect.w < t.face_small_share * short);
    if first.len() != 1 || small {
        // small faces: look again at two finer scales
        for side in [short, short / 2.0] {
            if side < 48.0 {
                continue;
            }
            for tile in tiles(w, h, side) {
                all.extend(detect_square(net, rgb, tile, t.face_tile_min_score)?);
            }
        }
    }
    let min_side = t.face_min_share * short;
    let mut faces: Vec<Detection> = suppress(all)
        .into_iter()
        .filter(|d| d.rect.w >= min_side)
        .collect();
    faces.sort_by(|a, b| (b.rect.w * b.rect.h).total_cmp(&(a.rect.w * a.rect.h)));
    Ok(faces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_cover_the_grid() {
        let a = anchors();
        assert_eq!(a.len(), 896);
        assert_eq!(a[0], (1.0 / 32.0, 1.0 / 32.0));
        assert_eq!(a[895], (15.0 / 16.0, 15.0 / 16.0));
    }

    #[test]
    fn tiles_cover_the_photo() {
        let t = tiles(1000.0, 500.0, 500.0);
        assert_eq!(t.first(), Some(&(0.0, 0.0, 500.0)));
        assert_eq!(t.last(), Some(&(500.0, 0.0, 500.0)));
        assert!(t.len() >= 3);
    }

    #[test]
    fn duplicates_are_suppressed() {
        let d = |x: f32, s: f32| Detection {
            rect: Rect::new(x, 0.0, 100.0, 100.0),
            score: s,
            keypoints: [(0.0, 0.0); 6],
        };
        let kept = suppress(vec![d(0.0, 0.6), d(5.0, 0.9), d(300.0, 0.7)]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].score, 0.9);
        assert!(d(-20.0, 1.0).cut_by_frame(500, 500, 0.1));
        assert!(!d(20.0, 1.0).cut_by_frame(500, 500, 0.1));
    }

    #[test]
    fn blank_photo_has_no_face() {
        let m = crate::photo::models::shared();
        let net = m.detector.as_ref().unwrap();
        let img = RgbImage::from_pixel(260, 378, image::Rgb([255, 255, 255]));
        assert!(detect(net, &img).unwrap().is_empty());
    }
}
