//! Dense face landmarks (MediaPipe Face Mesh: 468 points with depth) on a
//! crop around one detected face, turned so the eyes are level, as MediaPipe
//! itself crops: a square 1.5× the detector's box.

use image::RgbImage;

use super::detector::{Detection, LEFT_EYE, RIGHT_EYE};
use super::model_input::{Warp, sample};
use super::models::{MESH_INPUT, ModelError, Net};
use super::thresholds::THRESHOLDS;

/// Mesh point indices used by the checks (MediaPipe's canonical numbering).
pub mod idx {
    pub const FOREHEAD: usize = 10;
    /// Cheek contour at the eyes, on the picture's left and right.
    pub const CHEEK_LEFT: usize = 234;
    pub const CHEEK_RIGHT: usize = 454;
    /// Eye contours: corners and lid centres, the picture's left eye first.
    pub const EYE_LEFT: [usize; 4] = [33, 133, 159, 145];
    pub const EYE_RIGHT: [usize; 4] = [362, 263, 386, 374];
    /// Inner eye corners, the nose bridge between them.
    pub const INNER_CORNERS: [usize; 2] = [133, 362];
}

/// 468 points in image pixels; `z` in the same units, negative towards the camera.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceMesh {
    pub points: Vec<[f32; 3]>,
    /// Face-presence probability from the model, 0..1.
    pub presence: f32,
}

impl FaceMesh {
    pub fn xy(&self, i: usize) -> (f32, f32) {
        self.points.get(i).map_or((0.0, 0.0), |p| (p[0], p[1]))
    }

    /// Mean position of some points.
    pub fn mean(&self, ids: &[usize]) -> (f32, f32) {
        let n = ids.len().max(1) as f32;
        let (sx, sy) = ids.iter().fold((0.0, 0.0), |(sx, sy), &i| {
            let (x, y) = self.xy(i);
            (sx + x, sy + y)
        });
        (sx / n, sy / n)
    }

    /// Eye centres, the picture's left first.
    pub fn eyes(&self) -> [(f32, f32); 2] {
        [self.mean(&idx::EYE_LEFT), self.mean(&idx::EYE_RIGHT)]
    }
}

/// Landmarks for one detected face; `None` when the model says the crop
/// holds no face.
pub fn landmarks(
    net: &Net,
    rgb: &RgbImage,
    face: &Detection,
) -> Result<Option<FaceMesh>, ModelError> {
    let n = MESH_INPUT[1];
    let r = face.rect;
    let centre = (r.x + r.w / 2.0, r.y + r.h / 2.0);
    let side = THRESHOLDS.mesh_crop_scale * r.w.max(r.h);
    let (re, le) = (face.keypoints[RIGHT_EYE], face.keypoints[LEFT_EYE]);
    let angle = (le.1 - re.1).atan2(le.0 - re.0);
    let warp = Warp::rotated_square(centre, side, angle, n);
    let input = sample(rgb, &warp, n, n, 0.0, 1.0);
    let out = net.run(&input)?;
    let (Some(coords), Some(logit)) = (out.first(), out.get(1).and_then(|v| v.first())) else {
        return Ok(None);
    };
    let presence = 1.0 / (1.0 + (-logit.clamp(-100.0, 100.0)).exp());
    if presence < THRESHOLDS.mesh_min_presence || coords.len() < 468 * 3 {
        return Ok(None);
    }
    let s = side / n as f32;
    let points: Vec<[f32; 3]> = coords
        .chunks_exact(3)
        .take(468)
        .map(|c| {
            let (x, y) = warp.apply(c[0], c[1]);
            [x, y, c[2] * s]
        })
        .collect();
    if points.iter().flatten().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    Ok(Some(FaceMesh { points, presence }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_and_eyes_of_points() {
        let mut points = vec![[0.0f32; 3]; 468];
        for (k, &i) in idx::EYE_LEFT.iter().chain(&idx::EYE_RIGHT).enumerate() {
            points[i] = [100.0 + 10.0 * k as f32, 50.0, 0.0];
        }
        let m = FaceMesh {
            points,
            presence: 1.0,
        };
        let [l, r] = m.eyes();
        assert_eq!(l, (115.0, 50.0));
        assert_eq!(r, (155.0, 50.0));
        assert_eq!(m.xy(idx::FOREHEAD), (0.0, 0.0));
        assert_eq!(m.xy(9999), (0.0, 0.0));
    }
}
