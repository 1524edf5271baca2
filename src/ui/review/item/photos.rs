//! The photo column: the applicant's photo with its overlay (the replaced
//! one beside it for a photo change) and the photo check's findings.

use eframe::egui::{self, Color32, RichText};

use crate::ui::review::item::PhotoSlot;

use crate::domain::review::AppKind;
use crate::photo::{PhotoReport, PhotoVerdict};
use crate::ui::kit::theme;
use crate::ui::photo::overlays::Overlays;
use crate::ui::photo::overlays::draw_overlays;
use crate::ui::review::item::ReviewView;

/// The photo column's height in points.
const PHOTO_HEIGHT: f32 = 300.0;

impl ReviewView {
    pub(crate) fn photos(&mut self, ui: &mut egui::Ui) -> Option<usize> {
        let change = self.item.kind == AppKind::PhotoChange;
        let mut open = None;
        if matches!(self.photo, PhotoSlot::None) {
            ui.label(RichText::new("无照片").color(theme::MUTED));
            return None;
        }
        ui.horizontal_top(|ui| {
            if change {
                ui.vertical(|ui| {
                    ui.label(RichText::new("原照片").strong());
                    if photo_box(ui, &self.previous, PHOTO_HEIGHT * 0.6, false) {
                        open = Some(1);
                    }
                });
            }
            ui.vertical(|ui| {
                ui.label(RichText::new(if change { "新照片" } else { "申请照片" }).strong());
                if photo_box(
                    ui,
                    &self.photo,
                    if change {
                        PHOTO_HEIGHT * 0.8
                    } else {
                        PHOTO_HEIGHT
                    },
                    true,
                ) {
                    open = Some(0);
                }
            });
        });
        ui.label(
            RichText::new("点击照片或按 V 放大查看")
                .small()
                .color(theme::MUTED),
        );
        if let Some(s) = self.item.photo_source {
            ui.label(format!("照片来源：{}", s.label()));
        }
        if let PhotoSlot::Ready {
            report: Some(report),
            ..
        } = &self.photo
        {
            photo_report(ui, report);
        } else if !self.item.photo_summary.is_empty() {
            ui.label(RichText::new(&self.item.photo_summary).small());
        }
        open
    }
}

/// Draws one photo; true when it was clicked (to open the viewer).
fn photo_box(ui: &mut egui::Ui, slot: &PhotoSlot, height: f32, overlay: bool) -> bool {
    match slot {
        PhotoSlot::None => {
            ui.label(RichText::new("无").color(theme::MUTED));
        }
        PhotoSlot::Waiting(_) | PhotoSlot::Decoding => {
            let (rect, _) =
                ui.allocate_exact_size(egui::vec2(height * 0.69, height), egui::Sense::hover());
            ui.painter().rect_filled(rect, 4.0, Color32::from_gray(225));
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "正在读取照片…",
                egui::FontId::proportional(13.0),
                theme::MUTED,
            );
        }
        PhotoSlot::Failed(e) => {
            ui.label(RichText::new(format!("照片无法显示：{e}")).color(theme::ERROR));
        }
        PhotoSlot::Ready { texture, report } => {
            let size = texture.size_vec2();
            let w = height * size.x / size.y.max(1.0);
            let (rect, resp) = ui.allocate_exact_size(egui::vec2(w, height), egui::Sense::click());
            ui.painter().image(
                texture.id(),
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                Color32::WHITE,
            );
            if overlay && let Some(report) = report {
                draw_overlays(ui.painter(), rect, report, Overlays::default(), None);
            }
            return resp
                .on_hover_cursor(egui::CursorIcon::ZoomIn)
                .on_hover_text("放大查看 (V)")
                .clicked();
        }
    }
    false
}

fn photo_report(ui: &mut egui::Ui, r: &PhotoReport) {
    let colour = match r.verdict {
        PhotoVerdict::Pass => theme::OK,
        PhotoVerdict::Warn => theme::WARN,
        PhotoVerdict::Fail => theme::ERROR,
    };
    ui.label(
        RichText::new(format!("照片检测：{}", r.verdict.label()))
            .strong()
            .color(colour),
    );
    let notable: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.verdict != PhotoVerdict::Pass)
        .collect();
    if notable.is_empty() {
        ui.label(RichText::new("自动检测全部合格；请人工核对表情、眼镜和美颜。").small());
    }
    for c in notable {
        let colour = if c.verdict == PhotoVerdict::Fail {
            theme::ERROR
        } else {
            theme::WARN
        };
        ui.label(
            RichText::new(format!(
                "{} {}：{}（{}）",
                c.verdict.label(),
                c.name,
                c.value,
                c.limit
            ))
            .small()
            .color(colour),
        );
    }
}
