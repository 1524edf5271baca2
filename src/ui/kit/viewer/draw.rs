//! Drawing the viewer: the toolbar, the page (zoomed, panned, turned by
//! quarter turns), a page that cannot be drawn, and the record's facts.

use eframe::egui::{self, Color32, RichText, Vec2};

use crate::ui::kit::viewer::Bytes;

use crate::ui::kit::viewer::DocViewer;

use crate::ui::kit::viewer::Job;

use crate::ui::kit::viewer::MAX_ZOOM;

use crate::ui::kit::viewer::MIN_ZOOM;

use crate::ui::kit::viewer::PageState;

use crate::ui::kit::viewer::ZOOM_STEP;

use crate::app::registration::document_view::PageError;
use crate::ui::kit::theme;
use crate::ui::kit::viewer::Zoom;

impl DocViewer {
    pub(crate) fn toolbar(&mut self, ui: &mut egui::Ui) -> bool {
        let mut close = false;
        let (doc, index) = self.pages.get(self.at).copied().unwrap_or((0, 0));
        ui.horizontal_wrapped(|ui| {
            if let Some((d, _)) = self.docs.get(doc) {
                let pages = if d.pages > 1 {
                    format!("（第 {}/{} 页）", index + 1, d.pages)
                } else {
                    String::new()
                };
                ui.label(RichText::new(format!("{}：{}{pages}", d.label, d.file_name)).strong());
            }
            ui.label(
                RichText::new(format!(
                    "全部附件第 {} / {} 页",
                    self.at + 1,
                    self.pages.len()
                ))
                .color(theme::MUTED),
            );
            let pct = match self.zoom {
                Zoom::Fit => format!("适合窗口（{:.0} %）", self.fit_scale * 100.0),
                Zoom::Scale(s) => format!("{:.0} %", s * 100.0),
            };
            ui.label(RichText::new(pct).color(theme::MUTED));
        });
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(self.at > 0, egui::Button::new("上一页 (PageUp/←)"))
                .clicked()
            {
                self.go(-1);
            }
            if ui
                .add_enabled(
                    self.at + 1 < self.pages.len(),
                    egui::Button::new("下一页 (PageDown/→)"),
                )
                .clicked()
            {
                self.go(1);
            }
            ui.separator();
            if ui.button("适合窗口 (F)").clicked() {
                self.fit();
            }
            if ui.button("100 % (1)").clicked() {
                self.actual_size();
            }
            if ui.button("放大 (+)").clicked() {
                self.zoom_by(ZOOM_STEP);
            }
            if ui.button("缩小 (-)").clicked() {
                self.zoom_by(1.0 / ZOOM_STEP);
            }
            if ui.button("旋转 90° (R)").clicked() {
                self.rotate();
            }
            ui.separator();
            if ui.button("关闭 (Esc)").clicked() {
                close = true;
            }
        });
        ui.label(
            RichText::new("滚轮缩放，按住拖动平移。查看器打开时 F8、F9 不可用，Esc 只关闭查看器。")
                .small()
                .color(theme::MUTED),
        );
        close
    }

    pub(crate) fn canvas(&mut self, ui: &mut egui::Ui, size: Vec2) {
        let (rect, resp) = ui.allocate_exact_size(size, egui::Sense::drag());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, Color32::from_gray(90));
        let state = self
            .held
            .iter()
            .find(|(p, _)| *p == self.at)
            .map(|(_, s)| s);
        let (doc, _) = self.pages.get(self.at).copied().unwrap_or((0, 0));
        let waiting = |text: &str| {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(16.0),
                Color32::WHITE,
            );
        };
        let tex = match (state, self.docs.get(doc).map(|d| &d.1)) {
            (Some(PageState::Ready(t)), _) => t.clone(),
            (Some(PageState::Failed(e)), _) => {
                let e = e.clone();
                self.failed_page(ui, rect, &e);
                return;
            }
            (_, Some(Bytes::Failed(why))) => {
                waiting(&format!("扫描件无法读取：{why}"));
                return;
            }
            _ => {
                waiting("正在读取…");
                return;
            }
        };
        let img = tex.size_vec2();
        let turned = if self.rotation % 2 == 1 {
            egui::vec2(img.y, img.x)
        } else {
            img
        };
        // Points per page pixel: 100 % means one page pixel per screen pixel.
        let ppp = ui.ctx().pixels_per_point();
        let fit = (rect.width() / turned.x).min(rect.height() / turned.y) * ppp;
        let fit = fit.min(MAX_ZOOM);
        if (fit - self.fit_scale).abs() > 0.001 {
            // The toolbar above already showed last frame's figure.
            self.fit_scale = fit;
            ui.ctx().request_repaint();
        }
        let scale = match self.zoom {
            Zoom::Fit => self.fit_scale,
            Zoom::Scale(s) => s,
        };
        if resp.hovered() {
            let wheel = ui.input(|i| i.smooth_scroll_delta.y);
            if wheel != 0.0 {
                self.zoom = Zoom::Scale((scale * (wheel * 0.003).exp()).clamp(MIN_ZOOM, MAX_ZOOM));
            }
        }
        if resp.dragged() {
            self.pan += resp.drag_delta();
        }
        let shown = turned * scale / ppp;
        let centre = rect.center() + self.pan;
        let dest = egui::Rect::from_center_size(centre, shown);
        // Rotation by quarter turns: the texture's corners move round the
        // destination rectangle.
        let uv = [
            egui::pos2(0.0, 0.0),
            egui::pos2(1.0, 0.0),
            egui::pos2(1.0, 1.0),
            egui::pos2(0.0, 1.0),
        ];
        let corners = [
            dest.left_top(),
            dest.right_top(),
            dest.right_bottom(),
            dest.left_bottom(),
        ];
        let mut mesh = egui::Mesh::with_texture(tex.id());
        let r = usize::from(self.rotation % 4);
        for (k, corner) in corners.iter().enumerate() {
            mesh.vertices.push(egui::epaint::Vertex {
                pos: *corner,
                uv: uv[(k + 4 - r) % 4],
                color: Color32::WHITE,
            });
        }
        mesh.add_triangle(0, 1, 2);
        mesh.add_triangle(0, 2, 3);
        painter.add(egui::Shape::mesh(mesh));
    }

    fn failed_page(&mut self, ui: &mut egui::Ui, rect: egui::Rect, e: &PageError) {
        let mut child = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(rect.shrink(24.0))
                .layout(egui::Layout::top_down(egui::Align::Center)),
        );
        child.add_space(rect.height() / 3.0);
        child.label(
            RichText::new(format!("此页无法在工作台中显示：{}。", e.message))
                .color(Color32::WHITE)
                .strong(),
        );
        if !e.pdf {
            return;
        }
        let (doc, _) = self.pages.get(self.at).copied().unwrap_or((0, 0));
        if let Some((d, Bytes::Have(bytes))) = self.docs.get(doc) {
            child.label(RichText::new("可用本机的 PDF 程序查看原件。").color(Color32::WHITE));
            let asked = std::mem::take(&mut self.open_external);
            if child.button("用系统程序打开 (O)").clicked() || asked {
                let name: String = d
                    .file_name
                    .chars()
                    .map(|c| {
                        if matches!(c, '/' | '\\' | ':') {
                            '_'
                        } else {
                            c
                        }
                    })
                    .collect();
                let job = Job::Open {
                    name,
                    bytes: bytes.clone(),
                };
                if self.jobs.submit(job, Box::new(|| {})).is_err() {
                    self.note = Some((true, "后台任务较多，请稍候再试。".to_owned()));
                }
            }
        }
    }

    pub(crate) fn facts_panel(&self, ui: &mut egui::Ui) {
        ui.label(RichText::new(&self.facts_title).strong());
        egui::ScrollArea::vertical()
            .id_salt("viewer_facts")
            .show(ui, |ui| {
                egui::Grid::new("viewer_facts_grid")
                    .num_columns(2)
                    .spacing([8.0, 4.0])
                    .show(ui, |ui| {
                        for (k, v) in &self.facts {
                            ui.label(RichText::new(k).color(theme::MUTED));
                            ui.add(egui::Label::new(v).wrap());
                            ui.end_row();
                        }
                    });
                ui.add_space(8.0);
                ui.label(RichText::new("本记录的附件").strong());
                let (current, _) = self.pages.get(self.at).copied().unwrap_or((0, 0));
                for (i, (d, _)) in self.docs.iter().enumerate() {
                    let text = format!("{}. {}：{}", i + 1, d.label, d.file_name);
                    if i == current {
                        ui.label(RichText::new(format!("▶ {text}")).strong());
                    } else {
                        ui.label(text);
                    }
                }
            });
    }
}
