//! The spec drawn over a photo: where crown, chin and the head's sides must
//! lie, the measured lines, the face box and the check the clerk selected.
//! Drawn by 照片检测 and by the review's photo.

use eframe::egui::{self, Color32, CornerRadius, Pos2, Rect, Stroke, StrokeKind, vec2};

use crate::photo::{PhotoReport, SPEC};

/// Which overlays are drawn on the preview.
#[derive(Debug, Clone, Copy)]
pub struct Overlays {
    pub head_length: bool,
    pub head_width: bool,
    pub crown: bool,
    pub face_box: bool,
    pub mask: bool,
}

impl Default for Overlays {
    fn default() -> Self {
        Overlays {
            head_length: true,
            head_width: true,
            crown: true,
            face_box: true,
            mask: false,
        }
    }
}

/// Spec bands and measurements in image pixels, mapped onto the preview rect.
pub fn draw_overlays(
    painter: &egui::Painter,
    rect: Rect,
    r: &PhotoReport,
    o: Overlays,
    selected: Option<&'static str>,
) {
    let s = rect.width() / r.width_px.max(1) as f32;
    let at = |x: f32, y: f32| Pos2::new(rect.min.x + x * s, rect.min.y + y * s);
    let g = &r.geometry;
    let k = g.px_per_mm;
    let green = Color32::from_rgba_unmultiplied(0, 170, 80, 60);
    let line = Stroke::new(1.5, Color32::from_rgb(0, 120, 255));
    if o.crown {
        let (a, b) = SPEC.crown_margin_mm;
        painter.rect_filled(
            Rect::from_min_max(at(0.0, a * k), at(r.width_px as f32, b * k)),
            CornerRadius::ZERO,
            green,
        );
        if let Some(c) = g.crown_y {
            painter.hline(rect.x_range(), at(0.0, c).y, line);
        }
    }
    if o.head_length
        && let Some(c) = g.crown_y
    {
        // where the chin must lie for a 19–22 mm head
        let (a, b) = SPEC.head_length_mm;
        painter.rect_filled(
            Rect::from_min_max(at(0.0, c + a * k), at(r.width_px as f32, c + b * k)),
            CornerRadius::ZERO,
            green,
        );
        if let Some(chin) = g.chin_y {
            painter.hline(rect.x_range(), at(0.0, chin).y, line);
        }
        // the measured eye line at its tilt, as wide as the face box
        if let (Some((ex, ey)), Some(deg), Some(f)) = (g.eye_line, g.tilt_deg, g.face_box) {
            let (dx, dy) = (f.w / 2.0, f.w / 2.0 * deg.to_radians().tan());
            let tilt = Stroke::new(1.5, Color32::from_rgb(255, 140, 0));
            painter.line_segment([at(ex - dx, ey - dy), at(ex + dx, ey + dy)], tilt);
            // where the face points (pose): from the eye line's middle, half
            // a face width at the sine of yaw and pitch
            if let (Some(yaw), Some(pitch)) = (g.yaw_deg, g.pitch_deg) {
                let to = (
                    ex + f.w / 2.0 * yaw.to_radians().sin(),
                    ey + f.w / 2.0 * pitch.to_radians().sin(),
                );
                let pose = Stroke::new(2.0, Color32::from_rgb(200, 0, 200));
                painter.line_segment([at(ex, ey), at(to.0, to.1)], pose);
                painter.circle_filled(at(to.0, to.1), 3.0, pose.color);
            }
        }
    }
    if o.head_width
        && let (Some((y, l, rr)), Some(cx)) = (g.head_width_line, g.head_centre_x)
    {
        // where the head's sides must lie for a 14–16 mm head
        let (a, b) = SPEC.head_width_mm;
        let band = 0.06 * r.height_px as f32;
        for side in [-1.0f32, 1.0] {
            let x0 = cx + side * a * k / 2.0;
            let x1 = cx + side * b * k / 2.0;
            painter.rect_filled(
                Rect::from_two_pos(at(x0, y - band), at(x1, y + band)),
                CornerRadius::ZERO,
                green,
            );
        }
        painter.line_segment([at(l, y), at(rr, y)], line);
    }
    if o.face_box
        && let Some(f) = g.face_box
    {
        painter.rect_stroke(
            Rect::from_min_size(at(f.x, f.y), vec2(f.w * s, f.h * s)),
            CornerRadius::ZERO,
            Stroke::new(1.5, Color32::from_rgb(255, 200, 0)),
            StrokeKind::Inside,
        );
    }
    if let Some(region) = selected.and_then(|id| r.check(id)).and_then(|c| c.region) {
        let rr = Rect::from_min_size(at(region.x, region.y), vec2(region.w * s, region.h * s));
        painter.rect_stroke(
            rr.intersect(rect),
            CornerRadius::ZERO,
            Stroke::new(3.0, Color32::from_rgb(255, 60, 200)),
            StrokeKind::Inside,
        );
    }
}
