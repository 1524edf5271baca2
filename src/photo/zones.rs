//! Face zones as shares of the rustface box (which spans roughly brows to
//! below the mouth). Checked by drawing them on the fixtures.

use super::mask::BackgroundMask;
use super::report::Rect;

pub fn left_cheek(face: Rect) -> Rect {
    face.part(0.14, 0.55, 0.24, 0.22)
}

pub fn right_cheek(face: Rect) -> Rect {
    face.part(0.62, 0.55, 0.24, 0.22)
}

/// Both cheeks as one rectangle, for highlighting.
pub fn cheeks(face: Rect) -> Rect {
    face.part(0.14, 0.55, 0.72, 0.22)
}

pub fn left_eye(face: Rect) -> Rect {
    face.part(0.08, 0.18, 0.40, 0.30)
}

pub fn right_eye(face: Rect) -> Rect {
    face.part(0.52, 0.18, 0.40, 0.30)
}

pub fn eyes(face: Rect) -> Rect {
    face.part(0.08, 0.18, 0.84, 0.30)
}

/// Hair band just below the crown, the texture reference for skin smoothing.
pub fn hair_band(face: Rect, crown_y: f32, head_length: f32) -> Rect {
    Rect::new(
        face.x + 0.2 * face.w,
        crown_y + 0.06 * head_length,
        0.6 * face.w,
        0.12 * head_length,
    )
}

/// `true` for backdrop pixels in the corners of the face box, outside its
/// inscribed ellipse: a large box reaches past the head onto the backdrop
/// there. Inside the ellipse nothing is skipped, so a blown-out face that the
/// backdrop fill has swallowed still counts as a face.
pub fn backdrop_corner(face: Rect, mask: &BackgroundMask, x: u32, y: u32) -> bool {
    let (rx, ry) = (face.w / 2.0, face.h / 2.0);
    if rx <= 0.0 || ry <= 0.0 || !mask.is_bg(x, y) {
        return false;
    }
    let dx = (x as f32 + 0.5 - (face.x + rx)) / rx;
    let dy = (y as f32 + 0.5 - (face.y + ry)) / ry;
    dx * dx + dy * dy > 1.0
}
