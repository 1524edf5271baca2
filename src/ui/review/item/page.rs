//! The review page: the header line, pre-checks, the applicant's facts or
//! the company's documents, and the decision column with the reasons.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, RichText};

use crate::ui::review::item::keys::REASON_KEYS;

use crate::app::registration::RegistrationView;
use crate::app::review::ReviewItem;
use crate::app::runtime::clock::fmt_hm;
use crate::app::runtime::clock::fmt_minute;
use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::{AppKind, Reason, ReasonKind};
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::review::facts as review_facts;
use crate::ui::review::item::Action;
use crate::ui::review::item::NO_CLAIM_FOR_ROLE;
use crate::ui::review::item::ReviewView;
use crate::ui::review::item::keys::key_name;
use crate::ui::review::override_dialog::OverrideAction;

impl ReviewView {
    pub fn show(&mut self, ui: &mut egui::Ui, now: DateTime<Utc>) -> Option<Action> {
        let mut action = None;
        let item = &self.item;
        ui.horizontal_wrapped(|ui| {
            ui.heading(format!("审核 {}", item.app_no));
            ui.label(RichText::new(item.kind.label()).strong());
            ui.label(format!("提交 {}", fmt_minute(item.submitted_at)));
            let due = format!("到期 {}", fmt_minute(item.due_at));
            if item.overdue {
                ui.label(
                    RichText::new(format!("{due}（已超期）"))
                        .color(theme::ERROR)
                        .strong(),
                );
            } else {
                ui.label(due);
            }
            if let Some(t) = &self.ticket {
                let text = if t.until > now {
                    RichText::new(format!("由您审核，至 {}", fmt_hm(t.until))).color(theme::MUTED)
                } else {
                    RichText::new("审核时限已过，保存时可能被拒绝。").color(theme::ERROR)
                };
                ui.label(text);
            }
        });
        if let Some(c) = &self.changed_elsewhere {
            widgets::message(ui, &Message::error(c.clone()));
        }
        if let Some(r) = &item.read_only_reason {
            widgets::message(ui, &Message::info(format!("只读：{r}")));
        }
        if let Some(d) = &item.decision {
            decision_line(ui, d);
        }
        if let Some(e) = &self.error
            && !self.rejecting
        {
            widgets::message(ui, &Message::error(e.clone()));
        }
        pre_checks(ui, item);
        ui.add_space(4.0);
        ui.horizontal_top(|ui| {
            let photo_width = if self.item.kind == AppKind::PhotoChange {
                330.0
            } else {
                220.0
            };
            if let Some(reg) = &self.item.registration {
                // 单位注册复核: the company's documents instead of a photo and licence.
                ui.vertical(|ui| {
                    ui.set_width(photo_width + 270.0);
                    if let Some(i) = company(ui, &self.item, reg) {
                        action = Some(Action::View(i));
                    }
                });
            } else {
                // A company item with no registration behind it (demo or
                // imported data) has no photo column either.
                if self.item.kind.has_licence() {
                    ui.vertical(|ui| {
                        ui.set_width(photo_width);
                        if let Some(i) = self.photos(ui) {
                            action = Some(Action::View(i));
                        }
                    });
                    ui.separator();
                }
                ui.vertical(|ui| {
                    ui.set_width(270.0);
                    review_facts::grid(
                        ui,
                        "review_applicant",
                        &review_facts::applicant(&self.item),
                    );
                });
            }
            ui.separator();
            ui.vertical(|ui| {
                if let Some(a) = self.decision_column(ui) {
                    action = Some(a);
                }
            });
        });
        if self.rejecting
            && let Some(a) = self.reject_dialog(ui)
        {
            action = Some(a);
        }
        if let Some(d) = &mut self.overriding {
            match d.show(ui.ctx(), &self.item.app_no, self.deciding) {
                Some(OverrideAction::Confirm) => action = Some(Action::ConfirmOverride),
                Some(OverrideAction::Cancel) => action = Some(Action::CloseOverride),
                None => {}
            }
        }
        action
    }

    /// Buttons first (they must be on screen at 1024×600), then the reasons.
    fn decision_column(&mut self, ui: &mut egui::Ui) -> Option<Action> {
        let mut action = None;
        let enabled = self.can_decide() && !self.deciding;
        let block = self.blocking();
        ui.horizontal_wrapped(|ui| {
            let approve_label = if self.item.kind == AppKind::CompanyRegistration {
                "复核通过 (F8)"
            } else {
                "通过 (F8)"
            };
            let ready = self.photo_ready();
            let why = self.why_no_decision();
            let approve =
                widgets::primary_button(ui, approve_label, enabled && block.is_none() && ready)
                    .on_disabled_hover_text(match (&why, &block) {
                        (Some(w), _) => w.clone(),
                        (None, Some(b)) => format!("不能通过：{b}"),
                        (None, None) => "照片检测结果返回后才能通过".to_owned(),
                    });
            if approve.clicked() {
                action = Some(Action::Approve);
            }
            if ui
                .add_enabled(enabled, egui::Button::new("退回… (F9)"))
                .on_disabled_hover_text(why.clone().unwrap_or_default())
                .clicked()
            {
                action = Some(Action::OpenReject);
            }
            if ui
                .add_enabled(self.may_claim, egui::Button::new("跳过，领取下一件 (F2)"))
                .on_disabled_hover_text(NO_CLAIM_FOR_ROLE)
                .clicked()
            {
                action = Some(Action::Next);
            }
            if ui.button("返回队列 (Esc)").clicked() {
                action = Some(Action::Back);
            }
        });
        if let Some(b) = block
            && self.can_decide()
        {
            ui.label(
                RichText::new(format!("不能通过：{b}。请退回并说明原因。"))
                    .color(theme::ERROR)
                    .small(),
            );
        }
        if self.can_decide() && block_none(self) {
            if !self.photo_ready() {
                ui.label(
                    RichText::new("正在检测照片，检测结果返回后才能通过。")
                        .color(theme::MUTED)
                        .small(),
                );
            } else if self.needs_override() {
                ui.label(
                    RichText::new("照片检测有不合格项：按 F8 须说明理由才能通过。")
                        .color(theme::ERROR)
                        .small(),
                );
            }
            let warnings = self.warnings();
            if !warnings.is_empty() {
                ui.label(
                    RichText::new(format!(
                        "通过前请留意（无需说明理由）：{}。",
                        warnings.join("；")
                    ))
                    .color(theme::WARN)
                    .small(),
                );
            }
        }
        if self.deciding {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("正在保存…");
            });
        }
        // Only the keys that do something for this clerk here.
        let keys = if self.can_decide() {
            "键盘：F8 通过　F9 退回　F2 跳过　V 查看照片或扫描件　Esc 返回　字母键勾选原因"
        } else if self.may_claim {
            "键盘：F2 领取下一件　V 查看照片或扫描件　Esc 返回（本件不能作决定，原因见上方）"
        } else {
            "键盘：V 查看照片或扫描件　Esc 返回（只读）"
        };
        ui.label(RichText::new(keys).small().color(theme::MUTED));
        if let Some(w) = self.why_no_decision()
            && self.item.decision.is_none()
        {
            ui.label(RichText::new(w).small().color(theme::MUTED));
        }
        ui.add_space(4.0);
        ui.label(RichText::new("退回原因").strong());
        for kind in [ReasonKind::Fixable, ReasonKind::Refusal] {
            ui.label(
                RichText::new(kind.label()).color(if kind == ReasonKind::Refusal {
                    theme::ERROR
                } else {
                    theme::MUTED
                }),
            );
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.y = 2.0;
                for (r, k) in Reason::ALL.into_iter().zip(REASON_KEYS) {
                    if r.kind() != kind || !r.applies_to(self.item.kind) {
                        continue;
                    }
                    let mut on = self.reasons.contains(&r);
                    let resp = ui.add_enabled(
                        enabled,
                        egui::Checkbox::new(&mut on, format!("{} {}", key_name(k), r.label())),
                    );
                    if resp.changed() {
                        self.toggle(r);
                    }
                }
            });
        }
        action
    }
}

/// Who decided what and when (a read-only review from 已通过 / 已退回),
/// with the reason for approving despite a failed photo check.
fn decision_line(ui: &mut egui::Ui, d: &crate::app::review::DecisionView) {
    ui.label(format!(
        "复核人 {} 于 {} {}{}",
        d.decided_by,
        fmt_minute(d.decided_at),
        d.outcome.label(),
        if d.reasons.is_empty() {
            String::new()
        } else {
            let l: Vec<&str> = d.reasons.iter().map(|r| r.label()).collect();
            format!("：{}", l.join("、"))
        }
    ));
    if let Some(why) = &d.photo_override {
        ui.label(
            RichText::new(format!("照片检测不合格，经人工核对仍予通过。理由：{why}"))
                .color(theme::WARN)
                .strong(),
        );
    }
}

fn block_none(r: &ReviewView) -> bool {
    r.blocking().is_none()
}

fn verdict_colour(v: PreVerdict) -> Color32 {
    match v {
        PreVerdict::Pass => theme::OK,
        PreVerdict::Warn => theme::WARN,
        PreVerdict::Block => theme::ERROR,
    }
}

/// Checks that pass fit on one line; the others get a line each with the
/// article's words, so the reason to refuse is read before the photo.
fn pre_checks(ui: &mut egui::Ui, item: &ReviewItem) {
    egui::Frame::new()
        .fill(Color32::WHITE)
        .stroke(egui::Stroke::new(1.0, Color32::from_gray(210)))
        .inner_margin(egui::Margin::symmetric(10, 6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            let worst = item.pre_checks.worst();
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("预检：{}", worst.label()))
                        .strong()
                        .color(verdict_colour(worst)),
                );
                for c in &item.pre_checks.items {
                    if c.verdict == PreVerdict::Pass {
                        ui.label(RichText::new(format!("✓ {}", c.title)).color(theme::OK))
                            .on_hover_text(&c.message);
                    }
                }
            });
            for c in &item.pre_checks.items {
                if c.verdict == PreVerdict::Pass {
                    continue;
                }
                let (mark, colour) = match c.verdict {
                    PreVerdict::Block => ("×", theme::ERROR),
                    _ => ("⚠", theme::WARN),
                };
                ui.label(
                    RichText::new(format!(
                        "{mark} {}（{}）：{}",
                        c.title,
                        c.verdict.label(),
                        c.message
                    ))
                    .color(colour)
                    .strong(),
                );
            }
        });
}

/// The company's facts and its scans, each opening the viewer.
fn company(ui: &mut egui::Ui, item: &ReviewItem, reg: &RegistrationView) -> Option<usize> {
    let mut open = None;
    review_facts::grid(
        ui,
        "review_company",
        &review_facts::registration(reg, Some(&item.doc_masked)),
    );
    ui.add_space(4.0);
    ui.label(RichText::new(format!("扫描件（{} 份）", reg.attachments.len())).strong());
    if reg.attachments.is_empty() {
        ui.label(RichText::new("未上传扫描件。").color(theme::MUTED));
    }
    for (i, a) in reg.attachments.iter().enumerate() {
        let extra = match (a.dimensions, a.pages) {
            (_, Some(p)) => format!("，{p} 页"),
            (Some((w, h)), None) => format!("，{w}×{h}"),
            _ => String::new(),
        };
        ui.horizontal(|ui| {
            if ui.button(format!("查看 {}", a.slot_label)).clicked() {
                open = Some(i);
            }
            ui.label(format!("{}（{}{extra}）", a.file_name, a.size_text));
        });
    }
    if !reg.attachments.is_empty() {
        ui.label(
            RichText::new("V 打开查看器：逐页查看全部扫描件，旁边显示登记信息。")
                .small()
                .color(theme::MUTED),
        );
    }
    open
}
