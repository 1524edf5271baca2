//! `glare` (眼镜反光) only where there are spectacle lenses. With the face
//! mesh, glasses are recognised first by their frame: a bar across the nose
//! bridge between the inner eye corners, where bare skin is smooth, or the
//! lower rims below the eyes. Without glasses the check passes and says so;
//! with them, bright colourless blobs are looked for where the lenses sit.
//! Without the mesh (classical fallback) the lens zones are searched as before.

use image::{GrayImage, RgbImage};

use super::detail;
use super::mask::BackgroundMask;
use super::mesh::{FaceMesh, idx};
use super::report::{Check, PhotoVerdict};
use super::thresholds::THRESHOLDS;
use super::zones::{self, FaceFrame};

/// Frame evidence: the strongest horizontal edge across the nose bridge or
/// below the eyes, over the typical edge there (1 = nothing stands out).
pub fn frame_score(grey: &GrayImage, mesh: &FaceMesh) -> f32 {
    let (l, r) = (
        mesh.xy(idx::INNER_CORNERS[0]),
        mesh.xy(idx::INNER_CORNERS[1]),
    );
    let ew = {
        let d = |a: usize, b: usize| {
            let (p, q) = (mesh.xy(a), mesh.xy(b));
            (p.0 - q.0).hypot(p.1 - q.1)
        };
        (d(idx::EYE_LEFT[0], idx::EYE_LEFT[1]) + d(idx::EYE_RIGHT[0], idx::EYE_RIGHT[1])) / 2.0
    };
    if ew < 2.0 {
        return 1.0;
    }
    let eye_y = (l.1 + r.1) / 2.0;
    let gap = r.0 - l.0;
    let (bx0, bx1) = (l.0 + 0.3 * gap, r.0 - 0.3 * gap);
    let bridge = edge_ratio(grey, (bx0, bx1), (eye_y - 0.8 * ew, eye_y + 0.3 * ew));
    // lower rims: below each eye, from the lower lid to the cheek
    let [(lx, ly), (rx, ry)] = mesh.eyes();
    let rims = [(lx, ly), (rx, ry)]
        .iter()
        .map(|&(x, y)| {
            edge_ratio(
                grey,
                (x - 0.5 * ew, x + 0.5 * ew),
                (y + 0.35 * ew, y + 1.0 * ew),
            )
        })
        .fold(1.0f32, f32::min);
    bridge.max(rims)
}

/// Strongest row-to-row change of the mean luma over `cols`, between `rows`,
/// over the median change (+1 so flat skin does not divide by zero).
fn edge_ratio(grey: &GrayImage, cols: (f32, f32), rows: (f32, f32)) -> f32 {
    let (w, h) = (grey.width() as i64, grey.height() as i64);
    let x0 = (cols.0.round() as i64).clamp(0, w - 1);
    let x1 = (cols.1.round() as i64).clamp(0, w - 1);
    let y0 = (rows.0.round() as i64).clamp(1, h - 2);
    let y1 = (rows.1.round() as i64).clamp(1, h - 2);
    if x1 <= x0 || y1 <= y0 + 2 {
        return 1.0;
    }
    let mean = |y: i64| -> f32 {
        let s: u32 = (x0..=x1)
            .map(|x| u32::from(grey.get_pixel(x as u32, y as u32).0[0]))
            .sum();
        s as f32 / (x1 - x0 + 1) as f32
    };
    let profile: Vec<f32> = (y0 - 1..=y1 + 1).map(mean).collect();
    let mut g: Vec<f32> = profile
        .windows(3)
        .map(|v| (v[2] - v[0]).abs() / 2.0)
        .collect();
    let max = g.iter().copied().fold(0.0f32, f32::max);
    g.sort_by(f32::total_cmp);
    let median = g.get(g.len() / 2).copied().unwrap_or(0.0);
    max / (median + 1.0)
}

/// `glare`, warn only.
pub fn glare_check(
    rgb: &RgbImage,
    grey: &GrayImage,
    frame: &FaceFrame,
    mask: &BackgroundMask,
    mesh: Option<&FaceMesh>,
) -> Check {
    let Some(mesh) = mesh else {
        return detail::glare_check(rgb, frame, mask);
    };
    let score = frame_score(grey, mesh);
    if score < THRESHOLDS.glasses_min_frame_score {
        let [left, right] = frame.lens_zones();
        return Check {
            id: "glare",
            name: "眼镜反光",
            verdict: PhotoVerdict::Pass,
            value: format!("未检测到眼镜（镜框特征 {score:.1}）"),
            limit: format!(
                "镜框特征 ≥ {:.1} 时检查镜片反光",
                THRESHOLDS.glasses_min_frame_score
            ),
            message: "未戴眼镜，无镜片反光".into(),
            region: Some(zones::union(left, right)),
        };
    }
    let mut c = detail::glare_check(rgb, frame, mask);
    c.value = format!("戴眼镜（镜框特征 {score:.1}），{}", c.value);
    c
}
