//! Face zones as shares of the rustface box (which spans roughly brows to
//! below the mouth), and zones hung off the located eye line and chin
//! ([`FaceFrame`]) where a zone must stay on skin. Checked by drawing them
//! on the fixtures.

use super::mask::BackgroundMask;
use super::report::{Geometry, Rect};
use super::thresholds::THRESHOLDS;

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

/// The face as the landmarks place it: axis column, eye line, chin. Box
/// shares alone drift onto hair, brows and forehead from face to face (the
/// box's top lies anywhere from 0.25 to 0.48 box heights above the eyes on the
/// calibration set); zones measured from the eye line and chin do not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceFrame {
    pub face: Rect,
    pub axis_x: f32,
    pub eye_y: f32,
    pub chin_y: f32,
}

/// An axis-aligned ellipse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Oval {
    pub cx: f32,
    pub cy: f32,
    pub rx: f32,
    pub ry: f32,
}

impl Oval {
    pub fn contains(&self, x: u32, y: u32) -> bool {
        let dx = (x as f32 + 0.5 - self.cx) / self.rx.max(1.0);
        let dy = (y as f32 + 0.5 - self.cy) / self.ry.max(1.0);
        dx * dx + dy * dy <= 1.0
    }

    pub fn bounds(&self) -> Rect {
        Rect::new(
            self.cx - self.rx,
            self.cy - self.ry,
            2.0 * self.rx,
            2.0 * self.ry,
        )
    }
}

impl FaceFrame {
    /// From the measured geometry; without landmarks, from box shares.
    pub fn new(face: Rect, g: &Geometry) -> FaceFrame {
        let t = &THRESHOLDS;
        let (axis_x, eye_y) = g
            .eye_line
            .unwrap_or((face.x + face.w / 2.0, face.y + t.eye_from_box * face.h));
        let chin_y = g
            .chin_y
            .unwrap_or(face.y + t.chin_from_box * face.h)
            .max(eye_y + 1.0);
        FaceFrame {
            face,
            axis_x,
            eye_y,
            chin_y,
        }
    }

    /// Eye line to chin, in pixels.
    fn span(&self) -> f32 {
        self.chin_y - self.eye_y
    }

    /// The rectangles on both sides of the axis between `cols` box widths
    /// from it and `rows` spans below the eye line.
    fn pair(&self, cols: (f32, f32), rows: (f32, f32)) -> [Rect; 2] {
        let (w, d) = (self.face.w, self.span());
        let y = self.eye_y + rows.0 * d;
        let h = (rows.1 - rows.0) * d;
        let cw = (cols.1 - cols.0) * w;
        [
            Rect::new(self.axis_x - cols.1 * w, y, cw, h),
            Rect::new(self.axis_x + cols.0 * w, y, cw, h),
        ]
    }

    /// Brow to chin, the face's skin with eyes, nose and mouth but without
    /// the hair beside it: where exposure is judged.
    pub fn oval(&self) -> Oval {
        let t = &THRESHOLDS;
        let top = self.eye_y + t.face_oval_top * self.span();
        Oval {
            cx: self.axis_x,
            cy: (top + self.chin_y) / 2.0,
            rx: t.face_oval_half_width * self.face.w,
            ry: (self.chin_y - top) / 2.0,
        }
    }

    /// Left and right cheek below the eyes, beside the nose: the skin whose
    /// fine texture a beauty filter removes.
    pub fn texture_cheeks(&self) -> [Rect; 2] {
        let t = &THRESHOLDS;
        self.pair(t.texture_cheek_cols, t.texture_cheek_rows)
    }

    /// Around each eye, where spectacle lenses sit (not the forehead or the
    /// cheekbones, whose skin highlights are not reflections).
    pub fn lens_zones(&self) -> [Rect; 2] {
        let t = &THRESHOLDS;
        self.pair(t.lens_cols, (-t.lens_half_height, t.lens_half_height))
    }
}

/// Smallest rectangle holding both.
pub fn union(a: Rect, b: Rect) -> Rect {
    let x0 = a.x.min(b.x);
    let y0 = a.y.min(b.y);
    let x1 = (a.x + a.w).max(b.x + b.w);
    let y1 = (a.y + a.h).max(b.y + b.h);
    Rect::new(x0, y0, x1 - x0, y1 - y0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(eye: Option<(f32, f32)>, chin: Option<f32>) -> Geometry {
        Geometry {
            eye_line: eye,
            chin_y: chin,
            ..Geometry::default()
        }
    }

    #[test]
    fn frame_follows_the_landmarks() {
        let face = Rect::new(100.0, 200.0, 300.0, 300.0);
        let f = FaceFrame::new(face, &geometry(Some((240.0, 310.0)), Some(550.0)));
        assert_eq!((f.axis_x, f.eye_y, f.chin_y), (240.0, 310.0, 550.0));
        // the oval runs from above the eyes to the chin, about the axis
        let o = f.oval();
        assert!((o.cy + o.ry - 550.0).abs() < 1e-3);
        assert!(o.cy - o.ry < 310.0);
        assert_eq!(o.cx, 240.0);
        assert!(o.contains(240, 400) && !o.contains(240 + o.rx as u32 + 2, 400));
        // cheeks below the eyes, one each side of the axis, mirror images
        let [l, r] = f.texture_cheeks();
        assert!(l.y > 310.0 && l.y + l.h < 550.0 && l.y == r.y);
        assert!(l.x + l.w < 240.0 && r.x > 240.0);
        assert!((240.0 - (l.x + l.w) - (r.x - 240.0)).abs() < 1e-3);
        // lens zones straddle the eye line
        let [a, b] = f.lens_zones();
        assert!(a.y < 310.0 && a.y + a.h > 310.0 && a.y == b.y);
        assert!(a.x + a.w < 240.0 && b.x > 240.0);
    }

    #[test]
    fn frame_without_landmarks_uses_box_shares() {
        let face = Rect::new(100.0, 200.0, 300.0, 300.0);
        let f = FaceFrame::new(face, &geometry(None, None));
        assert_eq!(f.axis_x, 250.0);
        assert!((f.eye_y - (200.0 + THRESHOLDS.eye_from_box * 300.0)).abs() < 1e-3);
        assert!((f.chin_y - (200.0 + THRESHOLDS.chin_from_box * 300.0)).abs() < 1e-3);
        // a chin above the eyes (nonsense) still gives a frame with height
        let g = geometry(Some((250.0, 400.0)), Some(300.0));
        assert!(FaceFrame::new(face, &g).chin_y > 400.0);
    }

    #[test]
    fn union_holds_both() {
        let u = union(
            Rect::new(0.0, 10.0, 5.0, 5.0),
            Rect::new(20.0, 0.0, 5.0, 5.0),
        );
        assert_eq!(u, Rect::new(0.0, 0.0, 25.0, 15.0));
    }
}
