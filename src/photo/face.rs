//! Face detection with rustface (SeetaFace frontal model, BSD-2, bundled in
//! the binary) on a downscaled grey copy: ID-photo faces are large, so a small
//! copy and a large minimum face size keep this to a few milliseconds.

use std::cell::RefCell;
use std::sync::OnceLock;

use image::GrayImage;
use rustface::{Detector, ImageData, Model};

use super::pixels::resize_triangle;
use super::report::Rect;
use super::thresholds::THRESHOLDS;

/// SeetaFace frontal detector, see assets/models/LICENSE-seetaface.txt.
static MODEL_BYTES: &[u8] = include_bytes!("../../assets/models/seeta_fd_frontal_v1.0.bin");

fn model() -> Option<&'static Model> {
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| rustface::read_model(MODEL_BYTES).ok())
        .as_ref()
}

thread_local! {
    // a detector is cheap to reuse and not `Send`; one per worker thread
    static DETECTOR: RefCell<Option<Box<dyn Detector>>> = const { RefCell::new(None) };
}

/// A detected face in full-image pixels.
#[derive(Debug, Clone, Copy)]
pub struct Face {
    pub rect: Rect,
    /// rustface score (higher is more certain).
    pub score: f64,
}

/// Detects frontal faces; the largest first. `None` if the model failed to load.
pub fn detect(grey: &GrayImage) -> Option<Vec<Face>> {
    let t = &THRESHOLDS;
    let model = model()?;
    let (w, h) = grey.dimensions();
    let long = w.max(h);
    let scale = if long > t.detect_long_side_px {
        t.detect_long_side_px as f32 / long as f32
    } else {
        1.0
    };
    let sw = ((w as f32 * scale).round() as u32).max(1);
    let sh = ((h as f32 * scale).round() as u32).max(1);
    if sw.min(sh) < 24 {
        // smaller than the detector window: there can be no face to find
        return Some(Vec::new());
    }
    let small = if scale < 1.0 {
        resize_triangle(grey, (0, 0, w, h), sw, sh)
    } else {
        grey.clone()
    };
    let min_face = ((sw.min(sh) as f32 * t.min_face_share) as u32).max(20);
    let faces = DETECTOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let det = slot.get_or_insert_with(|| {
            let mut d = rustface::create_detector_with_model(model.clone());
            d.set_score_thresh(t.face_score_min);
            d.set_pyramid_scale_factor(0.7);
            d.set_slide_window_step(4, 4);
            d
        });
        det.set_min_face_size(min_face);
        det.detect(&ImageData::new(&small, sw, sh))
    });
    let mut out: Vec<Face> = faces
        .iter()
        .map(|f| {
            let b = f.bbox();
            Face {
                rect: Rect::new(
                    b.x() as f32 / scale,
                    b.y() as f32 / scale,
                    b.width() as f32 / scale,
                    b.height() as f32 / scale,
                ),
                score: f.score(),
            }
        })
        .collect();
    out.sort_by(|a, b| (b.rect.w * b.rect.h).total_cmp(&(a.rect.w * a.rect.h)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_loads_and_blank_image_has_no_face() {
        assert!(model().is_some());
        let g = GrayImage::from_pixel(100, 140, image::Luma([255]));
        assert_eq!(detect(&g).map(|f| f.len()), Some(0));
        let tiny = GrayImage::from_pixel(10, 10, image::Luma([255]));
        assert_eq!(detect(&tiny).map(|f| f.len()), Some(0));
    }
}
