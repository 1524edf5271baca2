//! 照片检测不合格仍通过: the dialog F8 opens when the automated photo check
//! failed. It names the failed items, lists the warnings, and needs a reason
//! (a standard one or at least 4 characters). Focus starts on 取消, so Enter
//! alone never overrides; Ctrl+Enter confirms. The rule itself is enforced
//! in `app::review` (see `domain::review::photo_override`).

use eframe::egui::{self, RichText};

use crate::domain::review::photo_override;
use crate::domain::review::reasons::PHOTO_OVERRIDE_REASONS;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideAction {
    Confirm,
    Cancel,
}

pub struct OverrideDialog {
    /// "背景颜色：平均亮度 180（亮度 ≥ 200）", one per failed check.
    pub failed: Vec<String>,
    /// Warnings: listed, no reason needed.
    pub warnings: Vec<String>,
    pub reason: String,
    pub error: Option<String>,
    fresh: bool,
}

impl OverrideDialog {
    pub fn new(failed: Vec<String>, warnings: Vec<String>) -> Self {
        OverrideDialog {
            failed,
            warnings,
            reason: String::new(),
            error: None,
            fresh: true,
        }
    }

    /// The reason as it would be stored, or what is still missing.
    pub fn checked_reason(&self) -> Result<String, String> {
        photo_override::reason(&self.reason)
    }

    pub fn show(
        &mut self,
        ctx: &egui::Context,
        app_no: &str,
        deciding: bool,
    ) -> Option<OverrideAction> {
        let mut action = None;
        let fresh = std::mem::take(&mut self.fresh);
        if fresh {
            // Nothing behind the dialog keeps the keyboard.
            ctx.memory_mut(|m| m.stop_text_input());
        }
        egui::Modal::new(egui::Id::unique("photo_override")).show(ctx, |ui| {
            ui.set_width(560.0);
            ui.heading(format!("照片检测不合格：仍要通过 {app_no}？"));
            ui.label(RichText::new("不合格项").strong().color(theme::ERROR));
            for f in &self.failed {
                ui.label(RichText::new(format!("× {f}")).color(theme::ERROR));
            }
            if !self.warnings.is_empty() {
                ui.label(
                    RichText::new("需留意（无需说明理由）")
                        .strong()
                        .color(theme::WARN),
                );
                for w in &self.warnings {
                    ui.label(RichText::new(format!("⚠ {w}")).color(theme::WARN));
                }
            }
            ui.add_space(4.0);
            ui.label("通过须说明理由，理由与决定一并保存并记入审计日志。可选标准理由：");
            ui.horizontal_wrapped(|ui| {
                for r in PHOTO_OVERRIDE_REASONS {
                    if ui
                        .add(egui::Button::new(r).selected(self.reason == r))
                        .clicked()
                    {
                        self.reason = r.to_owned();
                    }
                }
            });
            let l = ui.label(format!(
                "理由（至少 {} 个字，或选择上面的标准理由）",
                photo_override::OVERRIDE_MIN_CHARS
            ));
            ui.add(
                egui::TextEdit::singleline(&mut self.reason)
                    .desired_width(f32::INFINITY)
                    .return_key(None)
                    .id_salt("override_reason"),
            )
            .labelled_by(l.id);
            let checked = self.checked_reason();
            if let (Err(e), false) = (&checked, self.reason.trim().is_empty()) {
                ui.label(RichText::new(format!("{e}。")).color(theme::ERROR).small());
            }
            if let Some(e) = &self.error {
                widgets::message(ui, &Message::error(e.clone()));
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let cancel = ui.button("取消 (Esc)");
                if fresh {
                    cancel.request_focus();
                }
                if cancel.clicked() {
                    action = Some(OverrideAction::Cancel);
                }
                let ok = checked.is_ok() && !deciding;
                if widgets::primary_button(ui, "仍然通过 (Ctrl+Enter)", ok)
                    .on_disabled_hover_text("请先选择或填写理由")
                    .clicked()
                {
                    action = Some(OverrideAction::Confirm);
                }
                if deciding {
                    ui.spinner();
                }
            });
            ui.label(
                RichText::new("Enter 不会通过；确认请按 Ctrl+Enter，Esc 取消。")
                    .small()
                    .color(theme::MUTED),
            );
        });
        action
    }
}
