//! The pipeline: decode → spec → faces and landmarks ‖ person mask (on a
//! helper thread, `side.rs`) → geometry → checks. Learned models when they
//! loaded, the classical method (rustface, flood fill, edge landmarks) for
//! any that did not.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use chrono::NaiveDate;

use image::{GrayImage, RgbImage};

use super::backdrop;
use super::decode::{self, Decoded};
use super::detail;
use super::error::PhotoError;
use super::faces;
use super::glare;
use super::head::{self, FaceLines};
use super::landmarks;
use super::mask::{self, BackgroundMask};
use super::metadata;
use super::models::{self, ModelError, Models};
use super::pixels::{shrink, to_grey};
use super::pose;
use super::report::{Check, Geometry, PhotoReport, Rect};
use super::segment::{self, PersonMask};
use super::side;
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

/// Runs every automated check on a decoded photo, with the models compiled
/// into the binary (waits while they are still loading).
pub fn analyse(decoded: Decoded, bytes: &[u8], today: NaiveDate) -> Analysis {
    analyse_with(decoded, bytes, today, models::shared())
}

/// [`check_bytes`] with the given models (tests pass [`Models::none`] or
/// broken ones to see the fallback).
pub fn check_bytes_with(
    bytes: &[u8],
    today: NaiveDate,
    models: &Models,
) -> Result<Analysis, PhotoError> {
    let decoded = decode::decode(bytes)?;
    Ok(analyse_with(decoded, bytes, today, models))
}

/// Runs every automated check on a decoded photo.
///
/// Camera-sized photos are analysed on a reduced copy (long side ≤
/// `analysis_long_side_px`): every measure is in mm or relative to the face,
/// so only speed changes. Geometry and regions are mapped back to full-size pixels.
pub fn analyse_with(
    mut decoded: Decoded,
    bytes: &[u8],
    today: NaiveDate,
    models: &Models,
) -> Analysis {
    let (full_w, full_h) = decoded.rgb.dimensions();
    let spec = spec_for(full_w, full_h);
    let mut checks: Vec<Check> = vec![
        metadata::format_check(&decoded, bytes),
        metadata::size_check(spec, full_w, full_h),
    ];
    let limit = THRESHOLDS.analysis_long_side_px;
    let reduced = full_w.max(full_h) > limit;
    // the analysed photo, shared with the segmentation's helper thread (the
    // decoded one is put back at the end when it was not reduced)
    let shared = Arc::new(if reduced {
        shrink(&decoded.rgb, full_w.max(full_h).div_ceil(limit))
    } else {
        std::mem::take(&mut decoded.rgb)
    });
    let rgb: &RgbImage = &shared;
    let (w, h) = rgb.dimensions();
    // full-size pixels per analysed pixel
    let scale = full_w as f32 / w as f32;
    let whole = detail::whole(w, h);

    // The person mask (segmentation, the slowest model) is made on a helper
    // thread while this one finds the faces, the landmarks of one face and
    // the checks that need no mask.
    let pending = models.segmenter.as_ref().ok().cloned().and_then(|net| {
        let img = Arc::clone(&shared);
        side::run(move || segment::segment(&net, &img))
    });
    let grey = to_grey(rgb);
    let faces = faces::find(models, rgb, &grey);
    let early = faces
        .primary
        .as_ref()
        .and_then(|p| p.mesh.as_ref())
        .map(|mesh| {
            let lines = FaceLines::new(&grey, mesh);
            let zone = FaceZone::check(rgb, &grey, lines.face, &lines.frame());
            (lines, zone)
        });
    let colour = tone::colour_check(rgb, whole);
    let person = person_mask(models, rgb, &grey, pending);
    let (person, mask_note) = person;
    let mask = person.background();
    checks.push(faces::face_count_check(&faces, w, h));

    // the fallback mask also takes light clothes for backdrop: only the
    // rows down to mid-face (or the top half) there
    let bg_rows = match (&faces.primary, person.learned) {
        (_, true) => h,
        (Some(p), false) => (p.rect.y + p.rect.h / 2.0).max(1.0) as u32,
        (None, false) => h / 2,
    };
    let mut geometry = Geometry {
        px_per_mm: px_per_mm(w),
        ..Geometry::default()
    };
    match &faces.primary {
        Some(primary) => {
            let (lines, zone) = early.unzip();
            geometry = match (&primary.mesh, &lines) {
                (Some(mesh), Some(lines)) => {
                    head::measure(&grey, &person, mesh, primary.pose, lines)
                }
                _ => {
                    let f = primary.rect;
                    let marks = landmarks::crop(&grey, f).and_then(|c| landmarks::locate(&c, f));
                    super::geometry::measure(&mask, f, marks)
                }
            };
            let f = geometry.face_box.unwrap_or(primary.rect);
            checks.extend(backdrop::checks(
                rgb,
                &grey,
                &person,
                &mask,
                bg_rows,
                geometry.chin_y,
            ));
            checks.extend(super::geometry::geometry_checks(&geometry, w, scale));
            checks.push(pose::pose_check(
                primary.pose,
                f,
                faces
                    .note
                    .as_deref()
                    .or(primary.mesh.is_none().then_some(NO_MESH)),
            ));
            checks.push(colour);
            // the checks that must stay on skin, placed by the eye line and chin
            let frame = FaceFrame::new(f, &geometry);
            let zone = zone.unwrap_or_else(|| FaceZone::check(rgb, &grey, f, &frame));
            checks.extend([
                zone.skin_colour,
                zone.exposure,
                tone::lighting_check(&grey, f, &mask),
                zone.sharpness,
                glare::glare_check(rgb, &grey, &frame, &mask, primary.mesh.as_ref()),
                zone.skin_texture,
            ]);
        }
        // without exactly one face only the face-free checks can run
        None => {
            checks.extend(backdrop::checks(rgb, &grey, &person, &mask, bg_rows, None));
            checks.push(colour);
        }
    }
    if let Some(note) = mask_note {
        for c in checks
            .iter_mut()
            .filter(|c| c.id.starts_with("background_"))
        {
            c.message = format!("{}（{note}）", c.message);
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
    let report = PhotoReport::new(spec, (full_w, full_h), faces.count(), checks, geometry);
    if !reduced {
        // the helper dropped its handle before it answered
        decoded.rgb = Arc::try_unwrap(shared).unwrap_or_else(|still| (*still).clone());
    }
    Analysis {
        report,
        decoded,
        mask,
    }
}

/// Why the pose could not be measured when the face mesh found nothing.
const NO_MESH: &str = "未能定位面部特征点，无法测量头部姿态，请人工确认是否正面";

/// The face-zone checks that read no person mask: with landmarks they run
/// beside the segmentation.
struct FaceZone {
    skin_colour: Check,
    exposure: Check,
    sharpness: Check,
    skin_texture: Check,
}

impl FaceZone {
    fn check(rgb: &RgbImage, grey: &GrayImage, f: Rect, frame: &FaceFrame) -> FaceZone {
        FaceZone {
            skin_colour: tone::skin_colour_check(rgb, f),
            exposure: tone::exposure_check(grey, frame),
            sharpness: detail::sharpness_check(grey, f),
            skin_texture: detail::skin_texture_check(grey, frame),
        }
    }
}

/// The person mask: the segmentation's (from the helper when it ran there),
/// or the flood-fill backdrop as 0/1 when the model is missing, fails or
/// panicked (with the note the report shows). `pending` is `None` when the
/// helper could not be started: the segmentation runs here then.
fn person_mask(
    models: &Models,
    rgb: &RgbImage,
    grey: &GrayImage,
    pending: Option<Receiver<Result<PersonMask, ModelError>>>,
) -> (PersonMask, Option<String>) {
    let answer = pending.map(|r| match r.recv() {
        Ok(result) => result.map_err(|e| e.to_string()),
        // it panicked on the helper: run here, it would panic again
        Err(_) => Err("segmentation panicked".to_owned()),
    });
    let failed = match (&models.segmenter, answer) {
        (Err(e), _) => e.to_string(),
        (Ok(_), Some(Ok(m))) => return (m, None),
        (Ok(_), Some(Err(e))) => e,
        (Ok(net), None) => match segment::segment(net, rgb) {
            Ok(m) => return (m, None),
            Err(e) => e.to_string(),
        },
    };
    tracing::warn!(error = %failed, "segmentation unavailable, colour backdrop mask");
    let flood = mask::background_mask(rgb, grey);
    (
        PersonMask::from_background(&flood),
        Some("人像分割模型不可用，已按颜色估计背景".to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portrait() -> RgbImage {
        // a dark head and shoulders on a white backdrop
        RgbImage::from_fn(120, 160, |x, y| {
            let head = (x as i32 - 60).pow(2) * 2 + (y as i32 - 60).pow(2) < 1600;
            let body = y > 110 && (25..95).contains(&x);
            image::Rgb(if head || body {
                [90, 60, 50]
            } else {
                [250, 250, 250]
            })
        })
    }

    #[test]
    fn a_segmentation_that_panicked_on_its_helper_answers_with_the_fallback_mask() {
        let models = models::shared();
        assert!(models.segmenter.is_ok());
        let rgb = portrait();
        let grey = to_grey(&rgb);
        let pending = side::run(|| -> Result<PersonMask, ModelError> {
            panic!("injected segmentation panic")
        });
        let (person, note) = person_mask(models, &rgb, &grey, pending);
        assert!(!person.learned);
        assert!(note.is_some_and(|n| n.contains("人像分割模型不可用")));
        // the fallback still tells backdrop from subject
        let bg = person.background();
        assert!(bg.is_bg(2, 2) && !bg.is_bg(60, 60));
    }

    #[test]
    fn without_a_helper_the_segmentation_runs_on_the_caller() {
        let models = models::shared();
        let rgb = portrait();
        let (person, note) = person_mask(models, &rgb, &to_grey(&rgb), None);
        assert!(person.learned);
        assert!(note.is_none());
    }
}
