//! Turning stored photo bytes into what a screen draws: decoded, checked and
//! downscaled pixels plus the report. Runs on the job runner, never on the
//! UI thread.

use chrono::NaiveDate;
use image::{RgbImage, imageops};

use crate::photo::{self, PhotoReport};

/// Longest side of the pixels handed to the screen.
pub const MAX_SIDE: u32 = 1024;

/// Display pixels (RGB, row-major) and the automated report.
#[derive(Debug, Clone)]
pub struct PhotoPixels {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
    /// `None` when only decoded (a photo being replaced needs no checks).
    pub report: Option<PhotoReport>,
}

/// Decodes `bytes`, and checks them when `check` is set; the error is the
/// clerk's sentence.
pub fn prepare(bytes: &[u8], today: NaiveDate, check: bool) -> Result<PhotoPixels, String> {
    let (decoded, report) = if check {
        let a = photo::check_bytes(bytes, today).map_err(|e| e.to_string())?;
        (a.decoded, Some(a.report))
    } else {
        (photo::decode(bytes).map_err(|e| e.to_string())?, None)
    };
    let small = downscale(&decoded.rgb, MAX_SIDE);
    let (sw, sh) = small.dimensions();
    Ok(PhotoPixels {
        width: sw as usize,
        height: sh as usize,
        rgb: small.into_raw(),
        report,
    })
}

/// A copy no longer than `max_side` on its long side (textures are capped).
pub fn downscale(rgb: &RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = rgb.dimensions();
    let long = w.max(h);
    if long <= max_side {
        return rgb.clone();
    }
    let s = max_side as f32 / long as f32;
    imageops::resize(
        rgb,
        ((w as f32 * s) as u32).max(1),
        ((h as f32 * s) as u32).max(1),
        imageops::FilterType::Triangle,
    )
}
