//! Head geometry of the classical fallback (head.rs has the learned one):
//! crown from the background mask, chin and ear level from the landmarks
//! (landmarks.rs: eye line and the chin's edge), head width on the background
//! mask at ear level. Without landmarks the face box is scaled by fixed shares
//! (one face's proportions). The four geometry checks below serve both.

use super::landmarks::Landmarks;
use super::mask::BackgroundMask;
use super::report::{Check, Geometry, PhotoVerdict, Rect};
use super::spec::{SPEC, px_per_mm};
use super::thresholds::THRESHOLDS;

/// Measures the head around `face` (full-image pixels).
pub fn measure(mask: &BackgroundMask, face: Rect, marks: Option<Landmarks>) -> Geometry {
    let t = &THRESHOLDS;
    let (w, h) = (mask.width, mask.height);
    let k = px_per_mm(w);
    let x0 = face.x.max(0.0) as u32;
    let x1 = ((face.x + face.w) as u32).min(w);
    let top = (face.y.max(0.0) as u32).min(h);
    // first row above the face with enough non-background pixels over the face columns
    let crown = (0..top)
        .find(|&y| (x0..x1).filter(|&x| !mask.is_bg(x, y)).count() as u32 >= t.crown_min_run_px)
        .unwrap_or(top);
    let crown_y = crown as f32;
    let chin_y = match marks {
        Some(m) => m.chin_y,
        None => face.y + t.chin_from_box * face.h,
    }
    .min(h as f32);
    let length = (chin_y - crown_y).max(0.0);

    // head width: median over a few rows around ear level
    let ear = match marks {
        Some(m) => m.eye_y + t.ear_from_eyes * (m.chin_y - m.eye_y),
        None => crown_y + t.ear_row_share * length,
    };
    let cx = (face.x + face.w / 2.0).clamp(0.0, (w.max(1) - 1) as f32) as u32;
    let half_band = (length * t.ear_band_share).max(1.0) as i64;
    let runs: Vec<(f32, f32)> = (-half_band..=half_band)
        .filter_map(|d| {
            let y = ear as i64 + d;
            if y < 0 || y >= i64::from(h) {
                return None;
            }
            Some(head_run(mask, cx, y as u32))
        })
        .collect();
    HeadLines {
        face,
        crown_y,
        chin_y,
        ear_y: ear,
        sides: median_run(runs),
        eye_line: marks.map(|m| (m.axis_x, m.eye_y)),
        tilt_deg: marks.map(|m| m.tilt_deg),
    }
    .geometry(k)
}

/// Where a measurer found the head, in pixels. Both measurers (this one and
/// head.rs) turn theirs into millimetres with [`HeadLines::geometry`].
pub(super) struct HeadLines {
    pub face: Rect,
    pub crown_y: f32,
    pub chin_y: f32,
    /// The row the head width is taken on.
    pub ear_y: f32,
    /// Left and right edge of the head on that row.
    pub sides: (f32, f32),
    pub eye_line: Option<(f32, f32)>,
    pub tilt_deg: Option<f32>,
}

impl HeadLines {
    /// The report's geometry at `px_per_mm` (no pose: head.rs adds its own).
    pub(super) fn geometry(&self, px_per_mm: f32) -> Geometry {
        let k = px_per_mm;
        let (left, right) = self.sides;
        Geometry {
            px_per_mm: k,
            face_box: Some(self.face),
            crown_y: Some(self.crown_y),
            chin_y: Some(self.chin_y),
            head_width_line: Some((self.ear_y, left, right)),
            head_centre_x: Some((left + right) / 2.0),
            eye_line: self.eye_line,
            tilt_deg: self.tilt_deg,
            head_length_mm: Some((self.chin_y - self.crown_y).max(0.0) / k),
            head_width_mm: Some((right - left) / k),
            crown_margin_mm: Some(self.crown_y / k),
            yaw_deg: None,
            pitch_deg: None,
        }
    }
}

/// The run of median width among the rows of the ear band: one stray row
/// (a collar, a strand of hair) neither widens nor narrows the head.
pub(super) fn median_run(mut runs: Vec<(f32, f32)>) -> (f32, f32) {
    runs.sort_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)));
    runs.get(runs.len() / 2).copied().unwrap_or((0.0, 0.0))
}

/// Left and right ends of the non-background run through `cx` on row `y`;
/// stops at two background pixels in a row so a stray pixel does not end it.
fn head_run(mask: &BackgroundMask, cx: u32, y: u32) -> (f32, f32) {
    let w = mask.width;
    let mut left = cx;
    while left >= 2 && !(mask.is_bg(left - 1, y) && mask.is_bg(left - 2, y)) {
        left -= 1;
    }
    if left == 1 {
        left = 0;
    }
    let mut right = cx;
    while right + 2 < w && !(mask.is_bg(right + 1, y) && mask.is_bg(right + 2, y)) {
        right += 1;
    }
    if right + 2 >= w {
        right = w - 1;
    }
    (left as f32, right as f32 + 1.0)
}

fn range_verdict(v: f32, (lo, hi): (f32, f32)) -> PhotoVerdict {
    if v >= lo && v <= hi {
        PhotoVerdict::Pass
    } else {
        PhotoVerdict::Fail
    }
}

/// Like [`range_verdict`], but a value outside the range by no more than the
/// measurement's own uncertainty warns instead of failing: the check cannot
/// tell such a photo from a compliant one.
fn range_verdict_within(v: f32, (lo, hi): (f32, f32), tolerance: f32) -> PhotoVerdict {
    match range_verdict(v, (lo, hi)) {
        PhotoVerdict::Pass => PhotoVerdict::Pass,
        _ if v >= lo - tolerance && v <= hi + tolerance => PhotoVerdict::Warn,
        _ => PhotoVerdict::Fail,
    }
}

/// `head_length`, `head_width`, `crown_margin`, `centred`. `g` is in analysed
/// pixels; `scale` converts the pixel counts shown to the clerk to full size.
pub fn geometry_checks(g: &Geometry, width: u32, scale: f32) -> Vec<Check> {
    let t = &THRESHOLDS;
    let k = g.px_per_mm;
    let full_k = k * scale;
    let (Some(face), Some(crown), Some(chin), Some((ear, left, right))) =
        (g.face_box, g.crown_y, g.chin_y, g.head_width_line)
    else {
        return Vec::new();
    };
    let length = g.head_length_mm.unwrap_or(0.0);
    let head_w = g.head_width_mm.unwrap_or(0.0);
    let margin = g.crown_margin_mm.unwrap_or(0.0);
    let mm = |(a, b): (f32, f32)| format!("{a:.1}–{b:.1} mm");
    let head_region = Rect::new(left, crown, right - left, chin - crown);

    let lv = range_verdict_within(length, SPEC.head_length_mm, t.head_length_tolerance_mm);
    let length_msg = match lv {
        PhotoVerdict::Pass => "头部长度符合要求".to_owned(),
        PhotoVerdict::Warn => format!(
            "头部长度在界限附近（测量误差约 ±{:.1} mm），请人工确认",
            t.head_length_tolerance_mm
        ),
        _ if length < SPEC.head_length_mm.0 => "头部过小：人像离镜头太远或照片留白过多".to_owned(),
        _ => "头部过大：人像离镜头太近".to_owned(),
    };
    let wv = range_verdict(head_w, SPEC.head_width_mm);
    let width_msg = match wv {
        PhotoVerdict::Pass => "头部宽度符合要求".to_owned(),
        _ if head_w < SPEC.head_width_mm.0 => "头部过窄".to_owned(),
        _ => "头部过宽（可能头发蓬松或人像过大）".to_owned(),
    };
    let mv = range_verdict(margin, SPEC.crown_margin_mm);
    let margin_msg = match mv {
        PhotoVerdict::Pass => "头顶留白符合要求".to_owned(),
        _ if margin < SPEC.crown_margin_mm.0 => "头顶距上边缘太近（或头顶被裁切）".to_owned(),
        _ => "头顶距上边缘太远".to_owned(),
    };
    let offset = ((left + right) / 2.0 - width as f32 / 2.0) / k;
    let tilt = g.tilt_deg.map(|d| {
        let ok = d.abs() <= t.max_tilt_deg;
        Check::judged(
            "tilt",
            "头部端正",
            ok,
            PhotoVerdict::Warn,
            ["头部端正", "头部歪斜（双眼不在同一水平线），请人工确认"],
        )
        .measured(
            format!("双眼连线倾斜 {d:+.0}°"),
            format!("±{:.0}°", t.max_tilt_deg),
        )
        .at(Rect::new(
            face.x,
            g.eye_line.map_or(face.y, |e| e.1) - face.h * 0.1,
            face.w,
            face.h * 0.2,
        ))
    });
    let centred = offset.abs() <= t.max_centre_offset_mm;
    let length_px = chin - crown;
    let mut checks = vec![
        Check {
            id: "head_length",
            name: "头部长度（头顶至下颌）",
            verdict: lv,
            value: format!("{length:.1} mm（{:.0} px）", length_px * scale),
            limit: mm(SPEC.head_length_mm),
            message: length_msg,
            region: Some(Rect::new(face.x, crown, face.w, chin - crown)),
        },
        Check {
            id: "head_width",
            name: "头部宽度（耳部）",
            verdict: wv,
            value: format!("{head_w:.1} mm（{:.0} px）", (right - left) * scale),
            limit: mm(SPEC.head_width_mm),
            message: width_msg,
            region: Some(Rect::new(left, ear - 2.0, right - left, 4.0)),
        },
        Check {
            id: "crown_margin",
            name: "头顶留白",
            verdict: mv,
            value: format!("{margin:.2} mm（{:.0} px）", crown * scale),
            limit: format!(
                "{:.2}–{:.2} mm（{:.0}–{:.0} px）",
                SPEC.crown_margin_mm.0,
                SPEC.crown_margin_mm.1,
                SPEC.crown_margin_mm.0 * full_k,
                SPEC.crown_margin_mm.1 * full_k
            ),
            message: margin_msg,
            region: Some(Rect::new(0.0, 0.0, width as f32, crown.max(1.0))),
        },
        Check {
            id: "centred",
            name: "人像居中",
            verdict: PhotoVerdict::pass_if(centred, PhotoVerdict::Warn),
            value: format!("偏离中线 {offset:+.1} mm"),
            limit: format!("±{:.1} mm", t.max_centre_offset_mm),
            message: if centred {
                "人像居中".into()
            } else if offset < 0.0 {
                "人像偏左".into()
            } else {
                "人像偏右".into()
            },
            region: Some(head_region),
        },
    ];
    checks.extend(tilt);
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::mask::background_mask;
    use image::{Rgb, RgbImage};

    #[test]
    fn crown_and_width_on_a_synthetic_head() {
        // 260×378 white photo, a 180 px wide brown "head" from row 15 down to the bottom
        let mut img = RgbImage::from_pixel(260, 378, Rgb([255, 255, 255]));
        for y in 15..378 {
            for x in 40..220 {
                img.put_pixel(x, y, Rgb([120, 80, 60]));
            }
        }
        let mask = background_mask(&img, &super::super::pixels::to_grey(&img));
        let face = Rect::new(70.0, 100.0, 120.0, 120.0);
        let g = measure(&mask, face, None);
        assert_eq!(g.crown_y, Some(15.0));
        let (_, l, r) = g.head_width_line.unwrap();
        assert_eq!((l, r), (40.0, 220.0));
        assert!((g.head_width_mm.unwrap() - 180.0 / (260.0 / 22.0)).abs() < 0.01);
        let checks = geometry_checks(&g, 260, 1.0);
        let margin = checks.iter().find(|c| c.id == "crown_margin").unwrap();
        assert_eq!(margin.verdict, PhotoVerdict::Pass);
        let centred = checks.iter().find(|c| c.id == "centred").unwrap();
        assert_eq!(centred.verdict, PhotoVerdict::Pass);
    }
}
