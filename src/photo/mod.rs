//! Pixels in, `PhotoReport` out. No UI code, no SQL.
//!
//! `check_file` / `check_bytes` run the whole pipeline; `generate_compliant`
//! makes spec-sized photos from a larger one. Spec numbers live in `spec`,
//! check thresholds in `thresholds`.

mod check;
mod compose;
mod decode;
mod detail;
mod error;
mod exif;
mod face;
mod geometry;
mod jpeg_scan;
mod jpeg_segments;
pub mod landmarks;
mod mask;
mod metadata;
mod pixels;
mod report;
pub mod spec;
pub mod thresholds;
mod tone;
mod zones;

pub use check::{Analysis, analyse, check_bytes, check_file};
pub use compose::{Generated, all_acceptable, generate_compliant, reports};
pub use decode::{Decoded, decode, dimensions, read_file};
pub use error::PhotoError;
pub use mask::BackgroundMask;
pub use report::{Check, Geometry, MANUAL_CHECKLIST, ManualItem, PhotoReport, Rect, Verdict};
pub use spec::{SPEC, SpecKind};
