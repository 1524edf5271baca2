//! Head geometry from the learned models: eyes and chin from the face mesh,
//! crown and width from the person mask.
//!
//! - Chin: the lowest point of the mesh's jaw contour, refined by a bounded
//!   search for the chin's lower edge on the photo (the mesh point sits on the
//!   chin's front; the outline is where its lit skin meets the shadow below):
//!   the steepest bright-above/dark-below edge within ±`chin_search` of the
//!   eye–chin span, followed to its foot, never further than `chin_limit`.
//! - Crown: the first row above the eyes where the person mask covers the
//!   head's columns (hair of any colour is person, not backdrop).
//! - Width: the person's run through the face axis on the row a quarter of
//!   the way from the eye line to the chin (face, ears and hair at that height).

use image::GrayImage;

use super::geometry::{HeadLines, median_run};
use super::mesh::{FaceMesh, idx};
use super::pose::Pose;
use super::report::{Geometry, Rect};
use super::segment::PersonMask;
use super::spec::px_per_mm;
use super::thresholds::THRESHOLDS;
use super::zones::FaceFrame;

/// Points along the jaw around the chin; the lowest is the chin.
const JAW_BOTTOM: [usize; 5] = [148, 152, 377, 176, 400];

/// Chin row: the mesh's, moved to the chin's lower edge when the photo shows one.
pub fn chin(grey: &GrayImage, mesh: &FaceMesh, eye_y: f32) -> (f32, f32) {
    let t = &THRESHOLDS;
    let (cx, cy) = JAW_BOTTOM
        .iter()
        .map(|&i| mesh.xy(i))
        .fold(
            (0.0f32, f32::MIN),
            |best, p| if p.1 > best.1 { p } else { best },
        );
    let span = (cy - eye_y).max(1.0);
    let face_w = (mesh.xy(idx::CHEEK_RIGHT).0 - mesh.xy(idx::CHEEK_LEFT).0)
        .abs()
        .max(1.0);
    let (w, h) = (grey.width() as i64, grey.height() as i64);
    let half = (t.chin_refine_strip * face_w).max(1.0);
    let (x0, x1) = (
        ((cx - half) as i64).clamp(0, w - 1),
        ((cx + half) as i64).clamp(0, w - 1),
    );
    // mean luma per row over the strip, smoothed over 3 rows
    let row = |y: i64| -> f32 {
        let y = y.clamp(0, h - 1) as u32;
        let s: u32 = (x0..=x1)
            .map(|x| u32::from(grey.get_pixel(x as u32, y).0[0]))
            .sum();
        s as f32 / (x1 - x0 + 1) as f32
    };
    let smooth = |y: i64| (row(y - 1) + row(y) + row(y + 1)) / 3.0;
    let grad = |y: i64| (smooth(y - 1) - smooth(y + 1)) / 2.0;
    let lo = (cy - t.chin_search * span).round() as i64;
    let hi = (cy + t.chin_search * span).round() as i64;
    let limit = (cy + t.chin_limit * span).round() as i64;
    if lo < 1 || limit >= h - 2 {
        return (cx, cy);
    }
    let (peak, g) =
        (lo..=hi).map(|y| (y, grad(y))).fold(
            (lo, f32::MIN),
            |best, c| if c.1 > best.1 { c } else { best },
        );
    if g < t.chin_min_edge {
        return (cx, cy);
    }
    let mut foot = peak;
    while foot < limit && grad(foot) >= t.chin_foot_share * g {
        foot += 1;
    }
    (cx, foot as f32)
}

/// Landmark-derived face frame: eye centres, axis, roll.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EyeLine {
    pub axis_x: f32,
    pub eye_y: f32,
    pub tilt_deg: f32,
}

pub fn eye_line(mesh: &FaceMesh) -> EyeLine {
    let [(lx, ly), (rx, ry)] = mesh.eyes();
    EyeLine {
        axis_x: (lx + rx) / 2.0,
        eye_y: (ly + ry) / 2.0,
        tilt_deg: (ry - ly).atan2(rx - lx).to_degrees(),
    }
}

/// A face box with the proportions of the classical detector's (its top
/// 0.35 box heights above the eyes, the chin 1.16 box heights below its top),
/// so the box-share zones calibrated on it (cheeks, sharpness) keep their place.
pub fn face_box(eyes: EyeLine, chin_y: f32) -> Rect {
    let t = &THRESHOLDS;
    let h = ((chin_y - eyes.eye_y) / (t.chin_from_box - t.eye_from_box)).max(1.0);
    Rect::new(eyes.axis_x - h / 2.0, eyes.eye_y - t.eye_from_box * h, h, h)
}

/// What the mesh and the photo give without the person mask: the eye line,
/// the chin and the face box (the face-zone checks need no more, so they run
/// while the segmentation is still running).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceLines {
    pub eyes: EyeLine,
    pub chin_y: f32,
    pub face: Rect,
}

impl FaceLines {
    pub fn new(grey: &GrayImage, mesh: &FaceMesh) -> FaceLines {
        let eyes = eye_line(mesh);
        let (_, chin_y) = chin(grey, mesh, eyes.eye_y);
        let chin_y = chin_y.min(grey.height() as f32);
        FaceLines {
            eyes,
            chin_y,
            face: face_box(eyes, chin_y),
        }
    }

    /// The face zones, placed as on the full geometry (`FaceFrame::new` reads
    /// only the face box, the eye line and the chin).
    pub fn frame(&self) -> FaceFrame {
        let g = Geometry {
            eye_line: Some((self.eyes.axis_x, self.eyes.eye_y)),
            chin_y: Some(self.chin_y),
            ..Geometry::default()
        };
        FaceFrame::new(self.face, &g)
    }
}

/// Hair the mask lost beside the head: white or blond strands on a white
/// backdrop can read as backdrop to the segmenter. From the mask's edge on
/// row `y`, go on outwards (`step` −1 or +1) while the photo is textured:
/// strands change from pixel to pixel, a backdrop (even a gradient, a
/// vignette or a soft shadow) does not. Textured means the local change,
/// averaged over a few pixels, is well above the backdrop's own at the
/// photo's edge on that row. Only a sustained run counts (JPEG ringing beside
/// a dark edge is 1–3 px), and never more than `hair_ext_max` face widths.
fn textured_edge(grey: &GrayImage, y: u32, edge: f32, step: i64, face_w: f32) -> f32 {
    let t = &THRESHOLDS;
    let (w, h) = (i64::from(grey.width()), i64::from(grey.height()));
    let y = i64::from(y);
    if y < 1 || y + 1 >= h || w < 8 {
        return edge;
    }
    let g = |x: i64, y: i64| i32::from(grey.get_pixel(x as u32, y as u32).0[0]);
    // local change at a pixel: across it horizontally, on three rows, and vertically
    let change = |x: i64| -> i32 {
        if x < 1 || x + 1 >= w {
            return 0;
        }
        let across = (-1..=1)
            .map(|dy| (g(x + 1, y + dy) - g(x - 1, y + dy)).abs())
            .max()
            .unwrap_or(0);
        across + (g(x, y + 1) - g(x, y - 1)).abs()
    };
    let half = t.hair_texture_window;
    let textured_at = |x: i64| -> f32 {
        let n = 2 * half + 1;
        (x - half..=x + half).map(change).sum::<i32>() as f32 / n as f32
    };
    // the backdrop's own change, at the edge of the photo on this side
    let far = if step < 0 { 2 + half } else { w - 3 - half };
    let floor = textured_at(far);
    let min = (t.hair_texture_ratio * floor).max(t.hair_texture_min);
    let max = (t.hair_ext_max * face_w).round() as i64;
    let start = if step < 0 {
        edge.floor() as i64 - 1
    } else {
        edge.ceil() as i64
    };
    // `last`: the outermost pixel of the textured run whose own change is
    // strong (the window's mean runs on for `half` px past the last strand)
    let (mut x, mut last, mut quiet) = (start, None, 0);
    while (x - start).abs() <= max && x > half + 1 && x + half + 2 < w {
        if textured_at(x) >= min {
            if change(x) as f32 >= min {
                last = Some(x);
            }
            quiet = 0;
        } else {
            quiet += 1;
            if quiet > half {
                break;
            }
        }
        x += step;
    }
    // one lone edge (the mask a pixel inside dark hair) makes a window-wide
    // run at most: strands must go on longer than that
    let min_run = (t.hair_ext_min * face_w).max((2 * half + 2) as f32);
    match last {
        Some(l) if ((l - start).abs() + 1) as f32 >= min_run => {
            // the outer side of the last textured pixel
            if step < 0 { l as f32 } else { l as f32 + 1.0 }
        }
        _ => edge,
    }
}

/// Geometry in analysed pixels: `lines` from [`FaceLines::new`], crown and
/// width from the person mask (widened where light hair beside the head is
/// textured on the photo but missing from the mask).
pub fn measure(
    grey: &GrayImage,
    person: &PersonMask,
    mesh: &FaceMesh,
    pose: Option<Pose>,
    lines: &FaceLines,
) -> Geometry {
    let t = &THRESHOLDS;
    let (w, h) = (person.width, person.height);
    let k = px_per_mm(w);
    let FaceLines { eyes, chin_y, face } = *lines;
    let face_w = (mesh.xy(idx::CHEEK_RIGHT).0 - mesh.xy(idx::CHEEK_LEFT).0).abs();
    let x0 = (eyes.axis_x - t.crown_cols_share * face_w).max(0.0) as u32;
    let x1 = ((eyes.axis_x + t.crown_cols_share * face_w).max(0.0) as u32).min(w);
    let limit = eyes.eye_y.max(0.0) as u32;
    let crown_y = person
        .crown(x0, x1, limit, t.crown_min_run_px)
        .unwrap_or_else(|| mesh.xy(idx::FOREHEAD).1.max(0.0));
    let length = (chin_y - crown_y).max(0.0);
    let ear = eyes.eye_y + t.ear_from_eyes * (chin_y - eyes.eye_y);
    let cx = eyes.axis_x.clamp(0.0, (w.max(1) - 1) as f32) as u32;
    let half_band = (length * t.ear_band_share).max(1.0) as i64;
    let runs: Vec<(f32, f32)> = (-half_band..=half_band)
        .filter_map(|d| {
            let y = ear.round() as i64 + d;
            (y >= 0 && y < i64::from(h)).then(|| {
                let (l, r) = person.run_through(cx, y as u32);
                (
                    textured_edge(grey, y as u32, l, -1, face_w),
                    textured_edge(grey, y as u32, r, 1, face_w),
                )
            })
        })
        .collect();
    let lines = HeadLines {
        face,
        crown_y,
        chin_y,
        ear_y: ear,
        sides: median_run(runs),
        eye_line: Some((eyes.axis_x, eyes.eye_y)),
        tilt_deg: Some(eyes.tilt_deg),
    };
    Geometry {
        yaw_deg: pose.map(|p| p.yaw),
        pitch_deg: pose.map(|p| p.pitch),
        ..lines.geometry(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_box_keeps_the_classical_proportions() {
        let e = EyeLine {
            axis_x: 200.0,
            eye_y: 300.0,
            tilt_deg: 0.0,
        };
        let b = face_box(e, 300.0 + 0.81 * 250.0);
        assert!((b.w - 250.0).abs() < 1e-3 && (b.h - 250.0).abs() < 1e-3);
        assert!((b.x - 75.0).abs() < 1e-3);
        assert!((b.y - (300.0 - 0.35 * 250.0)).abs() < 1e-3);
    }

    /// White backdrop from column 0 to 59, a mask edge at 60; beyond it
    /// (leftwards) `paint` draws what the mask missed.
    fn row_image(paint: impl Fn(u32, u32) -> u8) -> GrayImage {
        GrayImage::from_fn(200, 40, |x, y| image::Luma([paint(x, y)]))
    }

    #[test]
    fn textured_light_hair_beyond_the_mask_widens_the_row() {
        // strands: bright with grey lines every 3 px, from column 30 to the edge
        let hair = row_image(|x, y| match x {
            30..=59 if (x + y) % 3 == 0 => 200,
            30..=59 => 245,
            _ => 252,
        });
        let l = textured_edge(&hair, 20, 60.0, -1, 200.0);
        assert!((28.0..=32.0).contains(&l), "{l}");
    }

    #[test]
    fn a_smooth_backdrop_or_ringing_leaves_the_mask_edge() {
        // a gradient backdrop (vignette, soft shadow)
        let gradient = row_image(|x, _| (200 + x / 4) as u8);
        assert_eq!(textured_edge(&gradient, 20, 60.0, -1, 200.0), 60.0);
        // two pixels of JPEG ringing beside a dark edge
        let ringing = row_image(|x, y| match x {
            58 if y % 2 == 0 => 230,
            59 => 240,
            _ => 252,
        });
        assert_eq!(textured_edge(&ringing, 20, 60.0, -1, 200.0), 60.0);
        // a noisy backdrop: its own change sets the bar
        let noisy = row_image(|x, y| if (x * 7 + y * 3) % 5 == 0 { 240 } else { 252 });
        assert_eq!(textured_edge(&noisy, 20, 60.0, -1, 200.0), 60.0);
    }

    #[test]
    fn chin_moves_to_the_foot_of_the_edge_within_bounds() {
        // a bright face down to row 200, a ramp to dark until 212, dark below
        let grey = GrayImage::from_fn(100, 300, |_, y| {
            let v = if y < 200 {
                180.0
            } else if y < 212 {
                180.0 - (y - 200) as f32 * 14.0
            } else {
                12.0
            };
            image::Luma([v as u8])
        });
        let mut points = vec![[50.0f32, 100.0, 0.0]; 468];
        points[152] = [50.0, 203.0, 0.0];
        points[idx::CHEEK_LEFT] = [20.0, 120.0, 0.0];
        points[idx::CHEEK_RIGHT] = [80.0, 120.0, 0.0];
        let mesh = FaceMesh {
            points,
            presence: 1.0,
        };
        let (_, y) = chin(&grey, &mesh, 100.0);
        assert!((210.0..=214.0).contains(&y), "{y}");
        // a flat photo leaves the mesh's chin alone
        let flat = GrayImage::from_pixel(100, 300, image::Luma([128]));
        assert_eq!(chin(&flat, &mesh, 100.0).1, 203.0);
    }
}
