//! Pixels in, `PhotoReport` out. No UI code, no SQL.
//!
//! `check_file` / `check_bytes` run the whole pipeline; `generate_compliant`
//! makes spec-sized photos from a larger one. Spec numbers live in `spec`,
//! check thresholds in `thresholds`.

mod backdrop;
mod canonical_face;
mod check;
mod compose;
mod decode;
mod detail;
mod detector;
mod error;
mod exif;
mod face;
mod faces;
mod geometry;
mod glare;
mod head;
mod jpeg_entropy;
mod jpeg_scan;
mod jpeg_segments;
pub mod landmarks;
mod mask;
mod mesh;
mod metadata;
mod model_input;
pub mod models;
mod pixels;
mod pose;
mod report;
mod segment;
mod side;
pub mod spec;
pub mod thresholds;
mod tone;
mod zones;

pub use check::{Analysis, analyse, analyse_with, check_bytes, check_bytes_with, check_file};
pub use compose::{Generated, all_acceptable, generate_compliant, reports};
pub use decode::{Decoded, decode, dimensions, read_file};
pub use error::PhotoError;
pub use mask::BackgroundMask;
pub use models::{Models, preload as preload_models};
pub use report::{Check, Geometry, MANUAL_CHECKLIST, ManualItem, PhotoReport, PhotoVerdict, Rect};
pub use spec::{SPEC, SpecKind};
