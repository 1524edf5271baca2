//! Eye line, mouth and chin, located on a small grey crop of the face — a
//! classical method, no model. The chin used to be the face box scaled by one
//! face's proportions; now it is the skin-to-neck edge found along the face's
//! axis, searched only where eyes and mouth say a chin can be.
//!
//! 1. Eye line: eyes (and glasses rims, which follow them) are where vertical
//!    edges crowd into one line. The rows of the upper face are projected at
//!    angles −15°…15° and the |∂I/∂x| energy binned per projected row; the
//!    angle with the sharpest peak is the head's roll (tilt), its peak the eye line.
//! 2. Mouth: the darkest row of a narrow strip on the face's axis in the lower
//!    part of the face box (lip line, or the lip edges of a smile).
//! 3. Chin: on three narrow strips about the axis, the first strong
//!    bright-above / dark-below edge between the mouth and the neck (weighted
//!    towards mouth + k × (mouth − eye line)), followed to its foot; the
//!    lowest of the three is the chin.
//!
//! Everything runs on a crop resampled to `landmark_crop_width_px`: only the
//! crop is allocated, never another full-size image.

use image::GrayImage;

use super::pixels::resize_triangle;
use super::report::Rect;
use super::thresholds::THRESHOLDS;

/// The grey crop around a face and where it came from.
#[derive(Debug, Clone)]
pub struct FaceCrop {
    pub img: GrayImage,
    /// Top-left corner of the cropped region, in image pixels.
    pub x0: u32,
    pub y0: u32,
    /// Crop pixels per image pixel.
    pub scale: f32,
}

impl FaceCrop {
    /// A rectangle in image pixels, in crop pixels.
    fn rect(&self, r: Rect) -> Rect {
        Rect::new(
            (r.x - self.x0 as f32) * self.scale,
            (r.y - self.y0 as f32) * self.scale,
            r.w * self.scale,
            r.h * self.scale,
        )
    }

    fn to_image_y(&self, y: f32) -> f32 {
        y / self.scale + self.y0 as f32
    }

    fn to_image_x(&self, x: f32) -> f32 {
        x / self.scale + self.x0 as f32
    }
}

/// Located features, in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Landmarks {
    /// Eye line where it crosses the face's axis.
    pub eye_y: f32,
    /// Roll of the eye line in degrees, positive when the right side of the
    /// picture is lower.
    pub tilt_deg: f32,
    /// Face axis (box centre column).
    pub axis_x: f32,
    pub mouth_y: f32,
    pub chin_y: f32,
}

/// Crops the region around `face` (image pixels) and resamples it to the
/// landmark width. `None` when the face box is empty.
pub fn crop(grey: &GrayImage, face: Rect) -> Option<FaceCrop> {
    let t = &THRESHOLDS;
    let (w, h) = grey.dimensions();
    let (l, top, r, bottom) = t.landmark_crop;
    let x0 = (face.x - l * face.w).max(0.0) as u32;
    let y0 = (face.y - top * face.h).max(0.0) as u32;
    let x1 = ((face.x + (1.0 + r) * face.w) as u32).min(w);
    let y1 = ((face.y + (1.0 + bottom) * face.h) as u32).min(h);
    if x1 <= x0 + 8 || y1 <= y0 + 8 {
        return None;
    }
    let scale = t.landmark_crop_width_px as f32 / (x1 - x0) as f32;
    let ch = (((y1 - y0) as f32 * scale).round() as u32).max(8);
    // read in place: the resampled crop is the only image allocated
    let img = resize_triangle(
        grey,
        (x0, y0, x1 - x0, y1 - y0),
        t.landmark_crop_width_px,
        ch,
    );
    Some(FaceCrop { img, x0, y0, scale })
}

/// Finds eye line, tilt, mouth and chin on a crop made by [`crop`].
pub fn locate(c: &FaceCrop, face: Rect) -> Option<Landmarks> {
    let t = &THRESHOLDS;
    let a = &c.img;
    let (w, h) = a.dimensions();
    let b = c.rect(face);
    let px = |x: u32, y: u32| f32::from(a.get_pixel(x, y).0[0]);

    // 1. eye line and tilt
    let row = |share: f32| ((b.y + share * b.h).max(0.0) as u32).min(h);
    let col = |share: f32| ((b.x + share * b.w).max(0.0) as u32).min(w.saturating_sub(1));
    let (ey0, ey1) = (row(t.eye_band_rows.0), row(t.eye_band_rows.1));
    let (ex0, ex1) = (col(t.eye_band_cols.0).max(1), col(t.eye_band_cols.1));
    if ey1 <= ey0 + 2 || ex1 <= ex0 + 2 {
        return None;
    }
    let cx = b.x + b.w / 2.0;
    let cy = (ey0 + ey1) as f32 / 2.0;
    let grad: Vec<(f32, f32, f32)> = (ey0..ey1)
        .flat_map(|y| (ex0..ex1).map(move |x| (x, y)))
        .map(|(x, y)| {
            let g = (px(x + 1, y) - px(x - 1, y)).abs();
            (x as f32 - cx, y as f32 - cy, g)
        })
        .collect();
    let reach = ((ey1 - ey0) + (ex1 - ex0)) as f32;
    let nbins = (2.0 * reach) as usize + 1;
    let mut best = (f32::MIN, 0.0f32, cy);
    let (lo, hi, step) = t.tilt_search_deg;
    let steps = ((hi - lo) / step).round() as i32;
    let mut bins = vec![0.0f32; nbins];
    for i in 0..=steps {
        let deg = lo + i as f32 * step;
        let (s, co) = deg.to_radians().sin_cos();
        bins.iter_mut().for_each(|v| *v = 0.0);
        for &(dx, dy, g) in &grad {
            let r = dy * co - dx * s;
            // r + reach >= 0 (|r| <= reach), so +0.5 and truncation is
            // round(): the same bins without a libm call per pixel and angle
            let k = (r + reach + 0.5) as usize;
            if let Some(v) = bins.get_mut(k) {
                *v += g;
            }
        }
        // sharpest projection (largest sum of squares, as in skew detection);
        // its 5-bin peak (the eye line is a few pixels thick) is the eye line
        let energy: f32 = bins.iter().map(|v| v * v).sum();
        if energy > best.0 {
            let peak = (2..nbins.saturating_sub(2))
                .max_by(|&i, &j| {
                    let sum = |k: usize| bins[k - 2..=k + 2].iter().sum::<f32>();
                    sum(i).total_cmp(&sum(j))
                })
                .unwrap_or(0);
            best = (energy, deg, peak as f32 - reach + cy);
        }
    }
    let (_, tilt_deg, eye_y) = best;

    // 2. mouth: darkest row of the axis strip
    let prof = profile(a, cx, t.axis_strip_share * b.w);
    // below the nostrils, above the chin: anchored on the eye line
    let m0 = ((eye_y + t.mouth_rows.0 * b.h).max(0.0) as usize).min(prof.len());
    let m1 = ((eye_y + t.mouth_rows.1 * b.h).max(0.0) as usize).min(prof.len());
    let mouth = (m0..m1.min(prof.len())).min_by(|&i, &j| prof[i].total_cmp(&prof[j]))? as f32;
    let dem = mouth - eye_y;
    if dem <= 2.0 {
        return None;
    }

    // 3. chin: on a few narrow strips around the axis (a turned head's chin
    // is off the box centre), the foot of the bright→dark edge below the
    // mouth; the lowest of them is the chin's outline
    let prior = mouth + t.chin_prior.0 * dem;
    let sd = t.chin_prior.1 * dem;
    let c0 = (mouth + t.chin_window.0 * dem).max(2.0) as usize;
    let c1 = (mouth + t.chin_window.1 * dem) as usize;
    let chin = t
        .chin_strips
        .iter()
        .filter_map(|off| {
            let p = profile(a, cx + off * b.w, t.chin_strip_share * b.w);
            chin_foot(&p, c0, c1, prior, sd)
        })
        .reduce(f32::max)
        .map_or(prior, |c| c + t.chin_edge_bias * dem);

    // a chin far outside where the detector's box puts it means a feature
    // was mistaken (e.g. a blurred mouth): better no landmarks than wrong ones
    let share = (chin - b.y) / b.h;
    if share < t.chin_box_range.0 || share > t.chin_box_range.1 {
        return None;
    }
    Some(Landmarks {
        eye_y: c.to_image_y(eye_y),
        tilt_deg,
        axis_x: c.to_image_x(cx),
        mouth_y: c.to_image_y(mouth),
        chin_y: c.to_image_y(chin),
    })
}

/// Mean of each row over the columns `centre ± half` (at least one column),
/// smoothed over 3 rows.
fn profile(a: &GrayImage, centre: f32, half: f32) -> Vec<f32> {
    let (w, h) = a.dimensions();
    let half = half.max(1.0);
    let x0 = ((centre - half).max(0.0) as u32).min(w - 1);
    let x1 = ((centre + half) as u32).clamp(x0 + 1, w);
    let n = (x1 - x0) as f32;
    let raw: Vec<f32> = (0..h)
        .map(|y| {
            (x0..x1)
                .map(|x| f32::from(a.get_pixel(x, y).0[0]))
                .sum::<f32>()
                / n
        })
        .collect();
    (0..raw.len())
        .map(|i| {
            let lo = i.saturating_sub(1);
            let hi = (i + 2).min(raw.len());
            raw[lo..hi].iter().sum::<f32>() / (hi - lo) as f32
        })
        .collect()
}

/// The chin's edge on one strip profile: the first bright-above/dark-below
/// edge peak in rows `c0..c1` of at least `chin_first_peak` of the strongest
/// (weighted by the Gaussian prior), then followed down to where the edge
/// falls below `chin_foot_share` of that peak. The foot, not the steepest
/// point: under top or side light the chin's underside darkens gradually and
/// the outline is where that ramp ends, at the neck's shadow.
fn chin_foot(prof: &[f32], c0: usize, c1: usize, prior: f32, sd: f32) -> Option<f32> {
    let t = &THRESHOLDS;
    let n = prof.len();
    if n < 5 {
        return None;
    }
    let c0 = c0.max(2);
    let c1 = c1.min(n - 2);
    let edge = |i: usize| prof[i - 2] + prof[i - 1] - prof[i + 1] - prof[i + 2];
    let scores: Vec<(usize, f32)> = (c0..c1)
        .map(|i| {
            let z = (i as f32 - prior) / sd;
            (i, edge(i) * (-0.5 * z * z).exp())
        })
        .collect();
    let top = scores.iter().map(|s| s.1).fold(0.0f32, f32::max);
    if top <= 0.0 {
        return None;
    }
    // the chin's outline comes before the collar or a dark neckline below
    // it, which can be the stronger edge: the first peak, not the largest
    let peak = scores
        .windows(3)
        .find(|w| w[1].1 >= t.chin_first_peak * top && w[1].1 >= w[0].1 && w[1].1 >= w[2].1)?
        .get(1)?
        .0;
    let e = edge(peak);
    let mut i = peak;
    while i + 3 < n && edge(i + 1) >= t.chin_foot_share * e {
        i += 1;
    }
    Some(i as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A drawn face: skin oval, two dark eyes, a dark mouth line, dark neck shadow.
    fn drawn_face(tilt_deg: f32) -> (GrayImage, Rect) {
        let (w, h) = (260u32, 378u32);
        let (s, co) = tilt_deg.to_radians().sin_cos();
        let (cx, cy) = (130.0f32, 190.0f32);
        let img = GrayImage::from_fn(w, h, |x, y| {
            // rotate the sample point back by the tilt around the face centre
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let (u, v) = (dx * co + dy * s + cx, -dx * s + dy * co + cy);
            let skin = ((u - 130.0) / 75.0).powi(2) + ((v - 190.0) / 105.0).powi(2) <= 1.0;
            let eye = |ex: f32| ((u - ex) / 10.0).powi(2) + ((v - 160.0) / 5.0).powi(2) <= 1.0;
            let v_ = if eye(100.0) || eye(160.0) {
                30
            } else if (228.0..232.0).contains(&v) && (110.0..150.0).contains(&u) {
                60
            } else if skin {
                200
            } else if v > 280.0 {
                70
            } else {
                255
            };
            Luma([v_])
        });
        (img, Rect::new(45.0, 105.0, 170.0, 170.0))
    }

    #[test]
    fn finds_eye_line_mouth_and_chin_on_a_drawn_face() {
        let (img, face) = drawn_face(0.0);
        let c = crop(&img, face).unwrap();
        assert_eq!(c.img.width(), THRESHOLDS.landmark_crop_width_px);
        let l = locate(&c, face).unwrap();
        assert!((l.eye_y - 160.0).abs() < 4.0, "{l:?}");
        assert!(l.tilt_deg.abs() <= 1.0, "{l:?}");
        assert!((l.mouth_y - 230.0).abs() < 4.0, "{l:?}");
        assert!((l.chin_y - 295.0).abs() < 6.0, "{l:?}");
    }

    #[test]
    fn measures_tilt() {
        for deg in [-10.0f32, 8.0] {
            let (img, face) = drawn_face(deg);
            let c = crop(&img, face).unwrap();
            let l = locate(&c, face).unwrap();
            assert!((l.tilt_deg - deg).abs() <= 2.0, "{deg}: {l:?}");
        }
    }

    #[test]
    fn runs_on_the_crop_alone() {
        // the crop is small and owns its pixels: the full image can be dropped
        let (img, face) = drawn_face(0.0);
        let c = crop(&img, face).unwrap();
        drop(img);
        assert!(c.img.width() <= 200 && c.img.height() <= 400);
        assert!(locate(&c, face).is_some());
    }
}
