//! The pipeline: decode → spec → face → background mask → geometry → checks.

use std::path::Path;

use chrono::NaiveDate;

use super::decode::{self, Decoded};
use super::detail;
use super::error::PhotoError;
use super::face;
use super::landmarks;
use super::mask::{self, BackgroundMask};
use super::metadata;
use super::pixels::{shrink, to_grey};
use super::report::{Check, Geometry, PhotoReport, Verdict};
use super::spec::{px_per_mm, spec_for};
use super::thresholds::THRESHOLDS;
use super::tone;
use super::zones::FaceFrame;

/// The report plus what the preview needs to draw it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub report: PhotoReport,
    pub decoded: Decoded,
    pub mask: BackgroundMask,
}

/// Reads and checks a file. `today` decides the 6-month rule.
pub fn check_file(path: &Path, today: NaiveDate) -> Result<Analysis, PhotoError> {
    let bytes = decode::read_file(path)?;
    check_bytes(&bytes, today)
}

/// Checks JPEG/PNG bytes.
pub fn check_bytes(bytes: &[u8], today: NaiveDate) -> Result<Analysis, PhotoError> {
    let decoded = decode::decode(bytes)?;
    Ok(analyse(decoded, bytes, today))
}

/// Runs every automated check on a decoded photo.
///
/// Camera-sized photos are analysed on a reduced copy (long side ≤
/// `analysis_long_side_px`): every measure is in mm or relative to the face,
/// so only speed changes. Geometry and regions are mapped back to full-size pixels.
pub fn analyse(decoded: Decoded, bytes: &[u8], today: NaiveDate) -> Analysis {
    let (full_w, full_h) = decoded.rgb.dimensions();
    let spec = spec_for(full_w, full_h);
    let mut checks: Vec<Check> = vec![
        metadata::format_check(&decoded, bytes),
        metadata::size_check(spec, full_w, full_h),
    ];
    let limit = THRESHOLDS.analysis_long_side_px;
    let reduced = if full_w.max(full_h) > limit {
        Some(shrink(&decoded.rgb, full_w.max(full_h).div_ceil(limit)))
    } else {
        None
    };
    let rgb = reduced.as_ref().unwrap_or(&decoded.rgb);
    let (w, h) = rgb.dimensions();
    // full-size pixels per analysed pixel
    let scale = full_w as f32 / w as f32;
    let grey = to_grey(rgb);
    let whole = detail::whole(w, h);

    // Face detection is most of the run time and the backdrop mask and the
    // colour count do not need it: they run beside it on the second core
    // (the detector stays on this thread, where its thread-local copy lives).
    let (faces, mask, colour) = std::thread::scope(|s| {
        let side = s.spawn(|| {
            (
                mask::background_mask(rgb, &grey),
                tone::colour_check(rgb, whole),
            )
        });
        let faces = face::detect(&grey);
        match side.join() {
            Ok((mask, colour)) => (faces, mask, colour),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let face_count = faces.as_ref().map_or(0, Vec::len);
    let best_score = faces.as_ref().and_then(|f| f.first()).map(|f| f.score);
    checks.push(face_count_check(
        faces.is_some(),
        face_count,
        best_score,
        w,
        h,
    ));

    // the backdrop beside the head: rows down to mid-face (or the top half)
    let bg_rows = match faces.as_deref() {
        Some([f]) => (f.rect.y + f.rect.h / 2.0).max(1.0) as u32,
        _ => h / 2,
    };

    let mut geometry = Geometry {
        px_per_mm: px_per_mm(w),
        ..Geometry::default()
    };
    match faces.as_deref() {
        Some([only]) => {
            let f = only.rect.clamp_to(w, h);
            // landmarks and geometry on this thread; the backdrop and the
            // face-box checks, which need neither, beside them
            let (marks, (background, face_checks)) = std::thread::scope(|s| {
                let side = s.spawn(|| {
                    let background = mask::background_checks(rgb, &grey, &mask, bg_rows);
                    let face_checks = [
                        tone::skin_colour_check(rgb, f),
                        tone::lighting_check(&grey, f, &mask),
                        detail::sharpness_check(&grey, f),
                    ];
                    (background, face_checks)
                });
                let marks = landmarks::crop(&grey, f).and_then(|c| landmarks::locate(&c, f));
                match side.join() {
                    Ok(side) => (marks, side),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            });
            checks.extend(background);
            geometry = super::geometry::measure(&mask, f, marks);
            checks.extend(super::geometry::geometry_checks(&geometry, w, scale));
            checks.push(colour);
            // the checks that must stay on skin, placed by the eye line and chin
            let frame = FaceFrame::new(f, &geometry);
            let [skin_colour, lighting, sharpness] = face_checks;
            checks.extend([
                skin_colour,
                tone::exposure_check(&grey, &frame),
                lighting,
                sharpness,
                detail::glare_check(rgb, &frame, &mask),
                detail::skin_texture_check(&grey, &frame),
            ]);
        }
        // without exactly one face only the face-free checks can run
        _ => {
            checks.extend(mask::background_checks(rgb, &grey, &mask, bg_rows));
            checks.push(colour);
        }
    }

    checks.push(metadata::software_check(decoded.exif.software.as_deref()));
    checks.push(metadata::date_check(
        decoded.exif.taken_date(),
        decoded.exif.taken_text(),
        today,
    ));
    if scale != 1.0 {
        geometry = geometry.scaled(scale);
        for c in &mut checks {
            c.region = c.region.map(|r| r.scaled(scale));
        }
    }
    geometry.px_per_mm = px_per_mm(full_w);
    let report = PhotoReport::new(spec, (full_w, full_h), face_count, checks, geometry);
    Analysis {
        report,
        decoded,
        mask,
    }
}

fn face_count_check(model_ok: bool, n: usize, score: Option<f64>, w: u32, h: u32) -> Check {
    let (verdict, message) = match (model_ok, n) {
        (false, _) => (Verdict::Fail, "人脸检测模型加载失败".to_owned()),
        (true, 1) => (Verdict::Pass, "检测到一张正面人脸".to_owned()),
        (true, 0) => (
            Verdict::Fail,
            "未检测到正面人脸（须免冠正面、面部无遮挡）".to_owned(),
        ),
        (true, n) => (
            Verdict::Fail,
            format!("检测到 {n} 张人脸，照片只能有申请人一人"),
        ),
    };
    Check {
        id: "face_count",
        name: "单人正面人脸",
        verdict,
        value: match score {
            Some(s) => format!("{n} 张（最高得分 {s:.1}）"),
            None => format!("{n} 张"),
        },
        limit: "恰好 1 张".into(),
        message,
        region: Some(detail::whole(w, h)),
    }
}
