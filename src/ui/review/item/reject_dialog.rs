//! F9: the reject dialog, with the reasons chosen, 补充说明 and the
//! one-time notice exactly as the applicant will receive it.

use eframe::egui::{self, Color32, RichText};

use crate::ui::review::item::Action;

use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::review::item::ReviewView;

impl ReviewView {
    pub(crate) fn reject_dialog(&mut self, ui: &mut egui::Ui) -> Option<Action> {
        let mut action = None;
        let fresh = std::mem::take(&mut self.dialog_fresh);
        if fresh {
            // A field behind the dialog must not keep receiving keys.
            ui.ctx().memory_mut(|m| m.stop_text_input());
        }
        let notice = self.notice();
        egui::Modal::new(egui::Id::unique("review_reject")).show(ui.ctx(), |ui| {
            ui.set_width(620.0);
            ui.heading(format!("退回 {}", self.item.app_no));
            let labels: Vec<&str> = {
                let mut r = self.reasons.clone();
                r.sort();
                r.iter().map(|r| r.label()).collect::<Vec<_>>()
            };
            ui.label(if labels.is_empty() {
                "尚未选择原因：按 Alt+字母键勾选（字母见审核页），至少一项。".to_owned()
            } else {
                format!("已选原因：{}（Alt+字母键增减）", labels.join("、"))
            });
            let l = ui.label("补充说明（选填，最多 200 字）");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.free_text)
                        .desired_width(f32::INFINITY)
                        .return_key(None)
                        .id_salt("review_free_text"),
                )
                .labelled_by(l.id);
            if fresh {
                r.request_focus();
            }
            self.free_text_focused = r.has_focus() || fresh;
            ui.add_space(4.0);
            ui.label(RichText::new("一次性告知（将发给申请人）").strong());
            egui::Frame::new()
                .fill(Color32::WHITE)
                .stroke(egui::Stroke::new(1.0, Color32::from_gray(200)))
                .inner_margin(egui::Margin::same(10))
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    egui::ScrollArea::vertical()
                        .max_height(260.0)
                        .show(ui, |ui| match &notice {
                            Ok(n) => {
                                ui.label(n);
                            }
                            Err(e) => {
                                ui.label(RichText::new(e).color(theme::ERROR));
                            }
                        });
                });
            if let Some(e) = &self.error {
                widgets::message(ui, &Message::error(e.clone()));
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let ok = notice.is_ok() && !self.deciding;
                if widgets::primary_button(ui, "确认退回 (Ctrl+Enter)", ok).clicked() {
                    action = Some(Action::ConfirmReject);
                }
                if ui.button("取消 (Esc)").clicked() {
                    action = Some(Action::CloseReject);
                }
                if self.deciding {
                    ui.spinner();
                }
            });
        });
        action
    }
}
