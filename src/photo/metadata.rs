//! Checks on the file rather than the pixels: format, pixel size, estimated
//! JPEG quality, EXIF Software and the date the photo was taken.

use chrono::{Months, NaiveDate};
use image::ImageFormat;

use super::decode::Decoded;
use super::report::{Check, PhotoVerdict};
use super::spec::{SPEC, SpecKind};
use super::thresholds::THRESHOLDS;

/// `format`: JPEG or PNG, and for JPEG the quality estimated from the quantisation table.
pub fn format_check(d: &Decoded, bytes: &[u8]) -> Check {
    let kb = d.file_bytes as f32 / 1024.0;
    let mut notes = d.notes.join("；");
    let (verdict, value, message) = match d.format {
        ImageFormat::Jpeg => match estimate_jpeg_quality(bytes) {
            // well below the floor: fail; just below: the estimate may be off, warn
            Some(q) if q + THRESHOLDS.jpeg_quality_slack < u32::from(SPEC.min_jpeg_quality) => (
                PhotoVerdict::Fail,
                format!("JPEG，{kb:.1} KB，质量约 {q}"),
                "JPEG 压缩过度，画质不足，请使用原图".to_owned(),
            ),
            Some(q) if q < u32::from(SPEC.min_jpeg_quality) => (
                PhotoVerdict::Warn,
                format!("JPEG，{kb:.1} KB，质量约 {q}"),
                "JPEG 压缩偏高，画质可能不足".to_owned(),
            ),
            Some(q) => (
                PhotoVerdict::Pass,
                format!("JPEG，{kb:.1} KB，质量约 {q}"),
                "格式符合要求".to_owned(),
            ),
            None => (
                PhotoVerdict::Pass,
                format!("JPEG，{kb:.1} KB"),
                "格式符合要求".to_owned(),
            ),
        },
        _ => (
            PhotoVerdict::Pass,
            format!("PNG，{kb:.1} KB"),
            "PNG 可检测；档案照片需另存为 JPEG".to_owned(),
        ),
    };
    if !notes.is_empty() {
        notes.insert(0, '（');
        notes.push('）');
    }
    Check {
        id: "format",
        name: "文件格式",
        verdict,
        value,
        limit: format!("JPEG/PNG，JPEG 质量 ≥ {}", SPEC.min_jpeg_quality),
        message: format!("{message}{notes}"),
        region: None,
    }
}

/// `size`: pixel size and aspect against the spec table.
pub fn size_check(spec: SpecKind, width: u32, height: u32) -> Check {
    let aspect = width as f32 / height.max(1) as f32;
    let value = format!("{width}×{height} px（宽高比 {aspect:.3}）");
    let limit = format!(
        "{}×{}，或宽 ≥ {} 且宽高比在 {:.3}–{:.3} 之间",
        SPEC.archive_px.0,
        SPEC.archive_px.1,
        SPEC.upload_min_width_px,
        SPEC.upload_aspect_min,
        SPEC.upload_aspect_max
    );
    let (verdict, message) = match spec {
        SpecKind::Archive => (PhotoVerdict::Pass, "驾驶证档案照片尺寸".to_owned()),
        SpecKind::Upload => (PhotoVerdict::Pass, "12123 上传照片尺寸".to_owned()),
        SpecKind::Nonconforming => {
            let aspect_ok = aspect > SPEC.upload_aspect_min && aspect < SPEC.upload_aspect_max;
            let why = if !aspect_ok {
                "宽高比不符合要求（应为 22:32 左右的竖版照片）"
            } else {
                "像素尺寸过小（宽度不足 520 像素）"
            };
            (PhotoVerdict::Fail, why.to_owned())
        }
    };
    Check {
        id: "size",
        name: "像素尺寸",
        verdict,
        value,
        limit,
        message,
        region: None,
    }
}

/// `exif_software`: EXIF Software naming a photo editor (retouching), warn only.
pub fn software_check(software: Option<&str>) -> Check {
    let lower = software.map(str::to_lowercase);
    let editor = lower
        .as_deref()
        .and_then(|s| THRESHOLDS.editors.iter().find(|e| s.contains(*e)));
    Check::judged(
        "exif_software",
        "修图软件痕迹",
        editor.is_none(),
        PhotoVerdict::Warn,
        [
            "未发现修图软件记录",
            "照片经修图软件处理过，请人工确认未修饰五官",
        ],
    )
    .measured(
        software.map_or_else(|| "无".to_owned(), str::to_owned),
        "不含修图软件".into(),
    )
}

/// `taken_date`: EXIF DateTimeOriginal within `max_age_months` of `today`.
pub fn date_check(taken: Option<NaiveDate>, taken_text: Option<String>, today: NaiveDate) -> Check {
    let months = SPEC.max_age_months;
    let earliest = today.checked_sub_months(Months::new(months));
    let limit = format!(
        "{} 之后（{} 个月内）",
        earliest.map_or_else(String::new, |d| d.to_string()),
        months
    );
    let (verdict, message) = match (taken, earliest) {
        (None, _) | (_, None) => (
            PhotoVerdict::Warn,
            "照片无拍摄日期（EXIF 可能被删除），请询问拍摄时间".to_owned(),
        ),
        (Some(t), _) if t > today + chrono::Days::new(1) => (
            PhotoVerdict::Warn,
            "拍摄日期晚于今天，相机时钟可能不准，请人工确认".to_owned(),
        ),
        (Some(t), Some(e)) if t < e => (
            PhotoVerdict::Fail,
            format!("照片拍摄于 {months} 个月以前，须使用近期照片"),
        ),
        _ => (PhotoVerdict::Pass, format!("近 {months} 个月内拍摄")),
    };
    Check {
        id: "taken_date",
        name: "拍摄时间",
        verdict,
        value: taken_text.unwrap_or_else(|| "无记录".into()),
        limit,
        message,
        region: None,
    }
}

/// IJG quality estimate from the first 8-bit quantisation table (luminance).
pub fn estimate_jpeg_quality(bytes: &[u8]) -> Option<u32> {
    const STD_LUMA: [u16; 64] = [
        16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35,
        37, 29, 40, 58, 51, 61, 60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80,
        109, 81, 87, 95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
    ];
    let (_, table) = super::jpeg_segments::segments(bytes).find(|(m, _)| *m == 0xDB)?;
    let (&pq, q) = table.split_first()?;
    if pq >> 4 != 0 || q.len() < 64 {
        return None;
    }
    // zig-zag order on both sides, so compare index by index
    let scale: f32 = q[..64]
        .iter()
        .zip(STD_LUMA.iter())
        .map(|(&v, &s)| f32::from(v) * 100.0 / f32::from(s))
        .sum::<f32>()
        / 64.0;
    let quality = if scale <= 100.0 {
        (200.0 - scale) / 2.0
    } else {
        5000.0 / scale
    };
    Some(quality.round().clamp(1.0, 100.0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn six_month_window() {
        let today = d("2026-11-20");
        assert_eq!(
            date_check(Some(d("2026-10-02")), None, today).verdict,
            PhotoVerdict::Pass
        );
        assert_eq!(
            date_check(Some(d("2026-05-20")), None, today).verdict,
            PhotoVerdict::Pass
        );
        assert_eq!(
            date_check(Some(d("2026-05-19")), None, today).verdict,
            PhotoVerdict::Fail
        );
        assert_eq!(date_check(None, None, today).verdict, PhotoVerdict::Warn);
        assert_eq!(
            date_check(Some(d("2027-01-01")), None, today).verdict,
            PhotoVerdict::Warn
        );
    }

    #[test]
    fn editors_are_flagged() {
        assert_eq!(
            software_check(Some("Adobe Photoshop 25.0")).verdict,
            PhotoVerdict::Warn
        );
        assert_eq!(software_check(Some("美图秀秀")).verdict, PhotoVerdict::Warn);
        assert_eq!(
            software_check(Some("Canon EOS")).verdict,
            PhotoVerdict::Pass
        );
        assert_eq!(software_check(None).verdict, PhotoVerdict::Pass);
    }

    #[test]
    fn quality_estimate_of_encoded_jpeg() {
        let img = image::RgbImage::from_pixel(16, 16, image::Rgb([200, 100, 50]));
        for q in [50u8, 75, 90] {
            let mut buf = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, q)
                .encode_image(&img)
                .unwrap();
            let est = estimate_jpeg_quality(&buf).unwrap();
            assert!(est.abs_diff(u32::from(q)) <= 3, "{q} → {est}");
        }
    }
}
