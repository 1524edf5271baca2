//! "生成合规照片": crop and scale a photo with enough margin to the spec sizes,
//! then check the result again. Refuses with the reason when it cannot.

use std::io::Cursor;

use chrono::NaiveDate;
use image::{ImageEncoder, RgbImage, codecs::jpeg::JpegEncoder, imageops};

use super::check::{Analysis, check_bytes};
use super::error::PhotoError;
use super::exif;
use super::report::{PhotoReport, PhotoVerdict};
use super::spec::SPEC;
use super::thresholds::THRESHOLDS;

/// One generated photo and its fresh check.
#[derive(Debug, Clone)]
pub struct Generated {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
    pub analysis: Analysis,
}

/// Builds the 260×378 archive photo and the 520×756 upload from `source`.
pub fn generate_compliant(
    source: &Analysis,
    today: NaiveDate,
) -> Result<Vec<Generated>, PhotoError> {
    let report = &source.report;
    if report.face_count != 1 {
        return Err(PhotoError::CannotCompose(format!(
            "需要恰好一张人脸，检测到 {} 张",
            report.face_count
        )));
    }
    for id in ["colour", "background_white", "sharpness", "exposure"] {
        if report
            .check(id)
            .is_some_and(|c| c.verdict == PhotoVerdict::Fail)
        {
            let name = report.check(id).map_or("", |c| c.name);
            return Err(PhotoError::CannotCompose(format!(
                "原照片“{name}”不合格，裁剪无法修正"
            )));
        }
    }
    [SPEC.archive_px, SPEC.upload_recommended_px]
        .into_iter()
        .map(|size| generate_one(source, size, today))
        .collect()
}

fn generate_one(
    source: &Analysis,
    (out_w, out_h): (u32, u32),
    today: NaiveDate,
) -> Result<Generated, PhotoError> {
    let g = &source.report.geometry;
    let (Some(crown), Some(chin), Some(cx)) = (g.crown_y, g.chin_y, g.head_centre_x) else {
        return Err(PhotoError::CannotCompose("无法测量头部位置".into()));
    };
    let rgb = &source.decoded.rgb;
    let (w, h) = rgb.dimensions();
    if crown <= 0.5 {
        return Err(PhotoError::CannotCompose(
            "头顶贴住或超出照片上边缘，头顶上方没有留白".into(),
        ));
    }
    let out_k = out_w as f32 / SPEC.photo_width_mm;
    let head_src = chin - crown;
    // output pixels per source pixel
    let width_src = g.head_width_line.map(|(_, l, r)| r - l);
    let scale = best_scale(head_src.max(1.0), width_src, out_k);
    if scale > THRESHOLDS.max_upscale {
        return Err(PhotoError::CannotCompose(format!(
            "原照片分辨率不足：生成 {out_w}×{out_h} 需放大 {scale:.1} 倍"
        )));
    }
    let crop_w = out_w as f32 / scale;
    let crop_h = out_h as f32 / scale;
    let top = crown - SPEC.target_crown_margin_mm * out_k / scale;
    let left = cx - crop_w / 2.0;
    if top < 0.0 {
        return Err(PhotoError::CannotCompose(format!(
            "头顶上方留白不足（还差 {:.0} 像素）",
            -top
        )));
    }
    if left < 0.0 || left + crop_w > w as f32 {
        return Err(PhotoError::CannotCompose(
            "头部两侧留白不足，无法居中裁剪".into(),
        ));
    }
    if top + crop_h > h as f32 {
        return Err(PhotoError::CannotCompose(
            "下方留白不足（肩部以下被裁切）".into(),
        ));
    }
    let crop = imageops::crop_imm(
        rgb,
        left.round() as u32,
        top.round() as u32,
        (crop_w.round() as u32).min(w - left.round() as u32).max(1),
        (crop_h.round() as u32).min(h - top.round() as u32).max(1),
    )
    .to_image();
    let out: RgbImage = imageops::resize(&crop, out_w, out_h, imageops::FilterType::Lanczos3);
    let jpeg = encode_jpeg(&out, source.decoded.exif.taken)?;
    let analysis = check_bytes(&jpeg, today)?;
    Ok(Generated {
        width: out_w,
        height: out_h,
        jpeg,
        analysis,
    })
}

/// Output pixels per source pixel that keep head length and head width as far
/// inside their ranges as possible (a subject with full hair may not fit both at
/// the nominal 20.5 mm length).
fn best_scale(head_px: f32, width_px: Option<f32>, out_k: f32) -> f32 {
    let nominal = SPEC.target_head_length_mm * out_k / head_px;
    let Some(width_px) = width_px.filter(|w| *w > 1.0) else {
        return nominal;
    };
    let (l0, l1) = SPEC.head_length_mm;
    let (w0, w1) = SPEC.head_width_mm;
    let margin = |s: f32| {
        let len = head_px * s / out_k;
        let wid = width_px * s / out_k;
        // margins as shares of each half-range, so both count alike
        let ml = (len - l0).min(l1 - len) / ((l1 - l0) / 2.0);
        let mw = (wid - w0).min(w1 - wid) / ((w1 - w0) / 2.0);
        ml.min(mw)
    };
    let lo = l0 * out_k / head_px;
    let hi = l1 * out_k / head_px;
    (0..=200)
        .map(|i| lo + (hi - lo) * i as f32 / 200.0)
        .max_by(|a, b| margin(*a).total_cmp(&margin(*b)))
        .unwrap_or(nominal)
}

/// JPEG with the original DateTimeOriginal carried over (so the 6-month rule still applies).
fn encode_jpeg(
    img: &RgbImage,
    taken: Option<chrono::NaiveDateTime>,
) -> Result<Vec<u8>, PhotoError> {
    let mut buf = Cursor::new(Vec::new());
    let mut enc = JpegEncoder::new_with_quality(&mut buf, THRESHOLDS.output_jpeg_quality);
    if let Some(tiff) = taken.and_then(exif::encode_taken) {
        enc.set_exif_metadata(tiff)
            .map_err(|_| PhotoError::Encode("无法写入拍摄日期".into()))?;
    }
    enc.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    // the encoder's own text is English; the clerk gets it in Chinese
    .map_err(|_| PhotoError::Encode("编码器出错".into()))?;
    Ok(buf.into_inner())
}

/// Whether every generated photo passed (warnings allowed).
pub fn all_acceptable(generated: &[Generated]) -> bool {
    generated
        .iter()
        .all(|g| g.analysis.report.verdict != PhotoVerdict::Fail)
}

/// Convenience for callers that only want the reports.
pub fn reports(generated: &[Generated]) -> Vec<&PhotoReport> {
    generated.iter().map(|g| &g.analysis.report).collect()
}
