//! The sections of an opened registration: its facts (with 显示完整号码),
//! its scans with thumbnails, the mobile number being changed, and the
//! buttons for what may be done with it.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, RichText};

use crate::ui::registration::record::ReceiptUse;

use crate::app::registration::RegistrationView;
use crate::app::registration::Req;
use crate::app::runtime::worker::Request;
use crate::domain::registration::checks;
use crate::domain::registration::{RegistrationKind, RegistrationStatus};
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::registration::record::RecordPanel;
use crate::ui::review::facts as review_facts;
use crate::ui::shell::outbox::Outbox;

impl RecordPanel {
    pub(crate) fn facts(&mut self, ui: &mut egui::Ui, v: &RegistrationView, out: &mut Outbox) {
        let row = |ui: &mut egui::Ui, k: &str, val: &str| {
            ui.label(RichText::new(k).weak());
            ui.label(val);
            ui.end_row();
        };
        let is_company = v.kind == RegistrationKind::Company;
        row(ui, if is_company { "单位名称" } else { "姓名" }, &v.name);
        ui.label(RichText::new(&v.doc_label).weak());
        ui.horizontal(|ui| {
            let full = self
                .revealed
                .as_ref()
                .filter(|r| r.id == v.id)
                .map(|r| r.doc_number.clone());
            match (&full, is_company) {
                (Some(n), false) => {
                    ui.label(RichText::new(n).monospace());
                    ui.label(RichText::new("（查看已记入审计日志）").weak().small());
                }
                (None, false) => {
                    ui.label(RichText::new(&v.doc_number_shown).monospace());
                    if ui
                        .add_enabled(!self.waiting, egui::Button::new("显示完整号码"))
                        .on_hover_text("查看完整证件号码会记入审计日志（谁在何时查看了谁的号码）")
                        .clicked()
                    {
                        self.waiting = true;
                        out.send(Request::Registration(Req::Reveal { id: v.id }));
                    }
                }
                (_, true) => {
                    ui.label(RichText::new(&v.doc_number_shown).monospace());
                }
            }
        });
        ui.end_row();
        if let Some(c) = &v.company {
            for (k, val) in review_facts::code_breakdown(&c.breakdown, true) {
                row(ui, &k, &val);
            }
            row(ui, "代理人", &c.agent_name);
            let agent = self
                .revealed
                .as_ref()
                .filter(|r| r.id == v.id)
                .and_then(|r| r.agent_doc_number.clone())
                .unwrap_or_else(|| c.masked_agent_doc_number.clone());
            ui.label(RichText::new(format!("代理人{}", c.agent_doc_label)).weak());
            ui.horizontal(|ui| {
                ui.label(RichText::new(agent).monospace());
                if self.revealed.is_none()
                    && ui
                        .add_enabled(!self.waiting, egui::Button::new("显示完整号码"))
                        .on_hover_text("查看完整证件号码会记入审计日志")
                        .clicked()
                {
                    self.waiting = true;
                    out.send(Request::Registration(Req::Reveal { id: v.id }));
                }
            });
            ui.end_row();
        }
        row(
            ui,
            if is_company {
                "代理人手机号码"
            } else {
                "手机号码"
            },
            &v.masked_mobile,
        );
        if let Some(r) = &v.reason {
            row(ui, "办理原因", r);
        }
        row(ui, "办理网点", &v.office);
        row(ui, "受理人", &v.clerk_name);
        row(ui, "办理时间", &v.created_at_text);
        if let Some(by) = &v.countersigned_by {
            let at = v
                .countersigned_at
                .map(crate::app::runtime::clock::fmt_minute)
                .unwrap_or_default();
            row(ui, "复核人", &format!("{by}（{at}）"));
        }
    }

    pub(crate) fn attachments(&mut self, ui: &mut egui::Ui, v: &RegistrationView) {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("扫描件（{} 份）", v.attachments.len())).strong());
            if !v.attachments.is_empty() && ui.button("查看扫描件 (V)").clicked() {
                self.open_viewer(0);
            }
        });
        if v.attachments.is_empty() {
            ui.weak("未附扫描件。");
            return;
        }
        let mut open = None;
        ui.horizontal_wrapped(|ui| {
            for (i, a) in v.attachments.iter().enumerate() {
                ui.vertical(|ui| {
                    ui.set_max_width(180.0);
                    match self.thumbs.get(i).and_then(Option::as_ref) {
                        Some(t) => {
                            let size = t.size_vec2();
                            let scale = (96.0 / size.y).min(1.0);
                            let img = egui::Image::new((t.id(), size * scale))
                                .sense(egui::Sense::click());
                            if ui.add(img).on_hover_text("放大查看").clicked() {
                                open = Some(i);
                            }
                        }
                        None => {
                            let kind = if a.mime == "application/pdf" {
                                "PDF"
                            } else {
                                "图像"
                            };
                            let tag = egui::Button::new(
                                RichText::new(format!("{kind} 查看")).color(Color32::WHITE),
                            )
                            .fill(theme::ACCENT);
                            if ui.add(tag).clicked() {
                                open = Some(i);
                            }
                        }
                    }
                    ui.label(RichText::new(a.slot_label).small());
                    let detail = match (a.dimensions, a.pages) {
                        (Some((w, h)), _) => format!("{w}×{h}"),
                        (None, Some(p)) => format!("{p} 页"),
                        _ => String::new(),
                    };
                    ui.label(
                        RichText::new(format!("{} · {} {}", a.file_name, a.size_text, detail))
                            .weak()
                            .small(),
                    );
                });
            }
        });
        if let Some(i) = open {
            self.open_viewer(i);
        }
    }

    pub(crate) fn mobile_editor(
        &mut self,
        ui: &mut egui::Ui,
        v: &RegistrationView,
        today: NaiveDate,
        out: &mut Outbox,
    ) {
        let Some(edit) = &mut self.mobile_edit else {
            return;
        };
        let mut save = false;
        let mut cancel = false;
        widgets::card(ui, |ui| {
            ui.label(RichText::new("修改手机号码").strong());
            ui.label(
                RichText::new("这是对已有面签记录的修改，不会新建注册；修改会记入审计日志。")
                    .weak(),
            );
            let check = checks::mobile(edit, today);
            ui.horizontal(|ui| {
                let l = ui.label("新手机号码");
                let r = ui
                    .add(egui::TextEdit::singleline(edit).desired_width(200.0))
                    .labelled_by(l.id);
                if std::mem::take(&mut self.focus_mobile) {
                    r.request_focus();
                }
                if widgets::submitted(ui, &r) {
                    save = true;
                }
            });
            if let (Err(e), false) = (&check, edit.trim().is_empty()) {
                widgets::field_error(ui, e);
            }
            if let Some(e) = &self.mobile_error {
                widgets::field_error(ui, e);
            }
            ui.horizontal(|ui| {
                save |= widgets::primary_button(
                    ui,
                    "保存新号码 (Enter)",
                    check.is_ok() && !self.waiting,
                )
                .clicked();
                cancel = ui.button("取消 (Esc)").clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Escape));
            });
            save &= check.is_ok();
        });
        if save && !self.waiting {
            self.waiting = true;
            out.send(Request::Registration(Req::UpdateMobile {
                id: v.id,
                mobile: edit.clone(),
            }));
        }
        if cancel {
            self.mobile_edit = None;
            self.mobile_error = None;
        }
    }

    pub(crate) fn actions(&mut self, ui: &mut egui::Ui, v: &RegistrationView, out: &mut Outbox) {
        ui.horizontal_wrapped(|ui| {
            let idle = !self.waiting && self.receipt_use.is_none();
            if ui
                .add_enabled(idle, egui::Button::new("打印回执 (Ctrl+P)"))
                .on_hover_text("在系统的 PDF 查看器中打开受理回执，从那里打印。")
                .clicked()
            {
                self.print(out);
            }
            if ui
                .add_enabled(idle, egui::Button::new("保存回执…"))
                .clicked()
            {
                self.receipt(ReceiptUse::Save, out);
            }
            if self.mobile_edit.is_none()
                && ui
                    .add_enabled(idle, egui::Button::new("修改手机号码…"))
                    .clicked()
            {
                self.edit_mobile("");
            }
            if v.can_countersign
                && widgets::primary_button(ui, "复核通过（单位注册生效）", idle).clicked()
            {
                self.waiting = true;
                out.send(Request::Registration(Req::Countersign { id: v.id }));
            }
            if self.waiting || self.receipt_use.is_some() {
                ui.spinner();
            }
        });
        if v.status == RegistrationStatus::PendingCountersign && !v.can_countersign {
            ui.label(
                RichText::new(
                    "待复核：须由受理人以外的审核人员复核后生效（可在“面签记录”的待复核列表或审核队列中办理）。",
                )
                .color(theme::WARN),
            );
        }
    }
}
