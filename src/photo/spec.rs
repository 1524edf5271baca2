//! The photo spec table: every number from the standards lives here, so a
//! corrected figure is a one-line change. Sources: GA 482-2012 §5.2.3 as quoted
//! by the 12123 articles (see docs/photo.md).

use serde::Serialize;

/// Which spec a photo was measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecKind {
    /// Driving-licence archive photo, exactly 260×378 px (22×32 mm at 300 dpi).
    Archive,
    /// 12123 e-licence upload: width ≥ 520 px, 2:3 < W:H < 3:4.
    Upload,
    /// Neither; measured as if it were an upload so the clerk still sees numbers.
    Nonconforming,
}

impl SpecKind {
    /// Chinese name shown to the clerk.
    pub fn label(self) -> &'static str {
        match self {
            SpecKind::Archive => "驾驶证档案照片",
            SpecKind::Upload => "12123 电子驾驶证上传照片",
            SpecKind::Nonconforming => "不符合任何规格",
        }
    }
}

/// The one spec table.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Printed photo size in millimetres.
    pub photo_width_mm: f32,
    pub photo_height_mm: f32,
    /// Archive photo pixel size.
    pub archive_px: (u32, u32),
    /// Recommended 12123 upload size.
    pub upload_recommended_px: (u32, u32),
    /// 12123 minimum width.
    pub upload_min_width_px: u32,
    /// Open interval for W:H of an upload.
    pub upload_aspect_min: f32,
    pub upload_aspect_max: f32,
    /// Head length, crown to chin.
    pub head_length_mm: (f32, f32),
    /// Head width at ear level.
    pub head_width_mm: (f32, f32),
    /// Crown 10–20 px below the top edge of a 260 px wide photo.
    pub crown_margin_mm: (f32, f32),
    /// Target values used when generating a compliant photo.
    pub target_head_length_mm: f32,
    pub target_crown_margin_mm: f32,
    /// JPEG quality floor for generated photos.
    pub min_jpeg_quality: u8,
    /// A photo may be at most this many months old.
    pub max_age_months: u32,
}

/// 260 px = 22 mm, so 10–20 px = 0.846–1.692 mm.
pub const SPEC: Spec = Spec {
    photo_width_mm: 22.0,
    photo_height_mm: 32.0,
    archive_px: (260, 378),
    upload_recommended_px: (520, 756),
    upload_min_width_px: 520,
    upload_aspect_min: 2.0 / 3.0,
    upload_aspect_max: 3.0 / 4.0,
    head_length_mm: (19.0, 22.0),
    head_width_mm: (14.0, 16.0),
    crown_margin_mm: (10.0 * 22.0 / 260.0, 20.0 * 22.0 / 260.0),
    target_head_length_mm: 20.5,
    target_crown_margin_mm: 15.0 * 22.0 / 260.0,
    min_jpeg_quality: 70,
    max_age_months: 6,
};

/// Picks the spec from the pixel size.
pub fn spec_for(width: u32, height: u32) -> SpecKind {
    if (width, height) == SPEC.archive_px {
        return SpecKind::Archive;
    }
    if height == 0 {
        return SpecKind::Nonconforming;
    }
    let aspect = width as f32 / height as f32;
    if width >= SPEC.upload_min_width_px
        && aspect > SPEC.upload_aspect_min
        && aspect < SPEC.upload_aspect_max
    {
        SpecKind::Upload
    } else {
        SpecKind::Nonconforming
    }
}

/// Scale of a photo in pixels per millimetre (the photo is 22 mm wide).
pub fn px_per_mm(width: u32) -> f32 {
    width as f32 / SPEC.photo_width_mm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_selection() {
        assert_eq!(spec_for(260, 378), SpecKind::Archive);
        assert_eq!(spec_for(520, 756), SpecKind::Upload);
        assert_eq!(spec_for(600, 600), SpecKind::Nonconforming);
        assert_eq!(spec_for(200, 291), SpecKind::Nonconforming);
        // exactly 2:3 is outside the open interval
        assert_eq!(spec_for(520, 780), SpecKind::Nonconforming);
        assert_eq!(spec_for(261, 378), SpecKind::Nonconforming);
    }

    #[test]
    fn archive_scale_matches_300_dpi() {
        assert!((px_per_mm(260) - 11.818).abs() < 0.01);
        let crown = SPEC.crown_margin_mm;
        assert!((crown.0 * px_per_mm(260) - 10.0).abs() < 0.01);
        assert!((crown.1 * px_per_mm(260) - 20.0).abs() < 0.01);
    }
}
