//! The review of one application, shown by the 审核队列 screen: computed
//! pre-checks on top, the photo with its report and overlay (the replaced
//! photo beside it for a photo change), the applicant and licence, the
//! standard reasons with their keys, and the reject dialog with the
//! one-time notice it will send.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, ColorImage, RichText, TextureHandle, TextureOptions};

mod approve;

use super::override_dialog::{OverrideAction, OverrideDialog};
use super::photo_check::{Overlays, draw_overlays};
use super::review_facts;
use super::theme;
use super::viewer::DocViewer;
use super::widgets::{self, Message};

/// Why a counter clerk's F2 does nothing (the queue and the review say it).
pub(crate) const NO_CLAIM_FOR_ROLE: &str =
    "领取和审核（F2）仅限审核岗；窗口岗可以查看申请，不作审核决定。";
use crate::app::clock::{fmt_hm, fmt_minute};
use crate::app::registration::RegistrationView;
use crate::app::review::{ReviewItem, Ticket};
use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::notice::{NoticeInput, clean_free_text, compose};
use crate::domain::review::queue::cst_date;
use crate::domain::review::reasons::normalise;
use crate::domain::review::{AppKind, Outcome, Reason, ReasonKind};
use crate::photo::{PhotoReport, PhotoVerdict};

/// Keys of the reason toggles, in [`Reason::ALL`] order (fixable first).
pub const REASON_KEYS: [egui::Key; 18] = {
    use egui::Key::*;
    [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R]
};

/// The photo column's height in points.
const PHOTO_HEIGHT: f32 = 300.0;

pub fn key_name(k: egui::Key) -> &'static str {
    k.name()
}

/// A photo on its way to the screen.
pub enum PhotoSlot {
    None,
    /// Bytes not yet handed to the job runner.
    Waiting(Vec<u8>),
    Decoding,
    Ready {
        texture: TextureHandle,
        report: Option<Box<PhotoReport>>,
    },
    Failed(String),
}

/// Pixels decoded on the job runner, ready to upload.
pub struct Decoded {
    pub image: ColorImage,
    pub report: Option<Box<PhotoReport>>,
}

/// One opened application and what the clerk has chosen so far.
pub struct ReviewView {
    pub item: Box<ReviewItem>,
    pub ticket: Option<Ticket>,
    pub reasons: Vec<Reason>,
    pub free_text: String,
    /// The reject dialog is up.
    pub rejecting: bool,
    /// A decision is on its way to the worker.
    pub deciding: bool,
    /// The last decision or lease error, in the clerk's words.
    pub error: Option<String>,
    pub photo: PhotoSlot,
    pub previous: PhotoSlot,
    /// Whether the free-text field had focus last frame (letters type there then).
    pub free_text_focused: bool,
    pub(crate) dialog_fresh: bool,
    /// Claimed or decided elsewhere since it was opened (the store changed).
    pub changed_elsewhere: Option<String>,
    /// The document viewer over the photos or scans, while open.
    pub viewer: Option<DocViewer>,
    /// 照片检测不合格仍通过: the dialog F8 opened.
    pub overriding: Option<OverrideDialog>,
    /// The signed-in role may claim (F2); a counter clerk only looks.
    pub may_claim: bool,
}

/// What the clerk pressed or clicked in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    OpenReject,
    ConfirmReject,
    CloseReject,
    /// Ctrl+Enter in the override dialog, with a valid reason.
    ConfirmOverride,
    CloseOverride,
    /// Opens the viewer at this photo or scan.
    View(usize),
    Next,
    Back,
}

impl ReviewView {
    pub fn new(item: Box<ReviewItem>) -> Self {
        let slot = |p: &Option<crate::app::review::PhotoView>| match p {
            Some(p) => PhotoSlot::Waiting(p.bytes.clone()),
            None => PhotoSlot::None,
        };
        ReviewView {
            ticket: item.ticket,
            // A decided application shows what was decided, not the suggestions.
            reasons: match &item.decision {
                Some(d) => d.reasons.clone(),
                None => item.pre_checks.preselected.clone(),
            },
            free_text: String::new(),
            rejecting: false,
            deciding: false,
            error: None,
            photo: slot(&item.photo),
            previous: if item.kind == AppKind::PhotoChange {
                slot(&item.previous_photo)
            } else {
                PhotoSlot::None
            },
            item,
            free_text_focused: false,
            dialog_fresh: false,
            changed_elsewhere: None,
            viewer: None,
            overriding: None,
            may_claim: true,
        }
    }

    /// The clerk may decide (holds the claim, not read-only).
    pub fn can_decide(&self) -> bool {
        self.ticket.is_some()
            && self.item.read_only_reason.is_none()
            && self.changed_elsewhere.is_none()
    }

    /// Why 通过 and 退回 are unavailable, in the clerk's words (`None`: they
    /// are available).
    pub fn why_no_decision(&self) -> Option<String> {
        if let Some(r) = &self.item.read_only_reason {
            return Some(format!("只读：{r}"));
        }
        if let Some(c) = &self.changed_elsewhere {
            return Some(c.clone());
        }
        if self.ticket.is_none() {
            return Some("未领取该申请：按 F2 领取后才能作决定。".to_owned());
        }
        self.deciding.then(|| "正在保存上一个决定…".to_owned())
    }

    /// A pre-check that forbids approving, if any.
    pub fn blocking(&self) -> Option<String> {
        self.item
            .pre_checks
            .items
            .iter()
            .find(|i| i.verdict == PreVerdict::Block)
            .map(|i| format!("{}：{}", i.title, i.message.trim_end_matches('。')))
    }

    /// F9: the reject dialog, with the cursor in 补充说明.
    pub fn open_reject(&mut self) {
        self.rejecting = true;
        self.dialog_fresh = true;
        self.error = None;
    }

    pub fn toggle(&mut self, r: Reason) {
        if let Some(i) = self.reasons.iter().position(|x| *x == r) {
            self.reasons.remove(i);
        } else {
            self.reasons.push(r);
        }
    }

    /// The one-time notice the current reasons would send.
    pub fn notice(&self) -> Result<String, String> {
        let reasons = normalise(&self.reasons).map_err(str::to_owned)?;
        let free = clean_free_text(&self.free_text)?;
        Ok(compose(&NoticeInput {
            kind: self.item.kind,
            app_no: &self.item.app_no,
            receipt_no: self.item.registration.as_ref().map(|r| r.number.as_str()),
            submitted_on: cst_date(self.item.submitted_at),
            outcome: Outcome::Reject,
            reasons: &reasons,
            free_text: &free,
        })
        .notice)
    }

    /// Takes the review's keys out of the input (the reason letters only
    /// while the free-text field is not being typed in).
    pub fn shortcuts(&mut self, i: &mut egui::InputState) -> Option<Action> {
        use egui::{Key, Modifiers};
        let mut action = None;
        if let Some(v) = &mut self.viewer {
            // The viewer owns every key; Esc closes it and nothing else.
            if v.shortcuts(i) {
                self.viewer = None;
            }
            return None;
        }
        if self.overriding.is_some() {
            // Enter is left to the focused button (取消 at first): only
            // Ctrl+Enter confirms.
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                return Some(Action::CloseOverride);
            }
            if i.consume_key(Modifiers::COMMAND, Key::Enter) {
                return Some(Action::ConfirmOverride);
            }
            return None;
        }
        if self.rejecting {
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                action = Some(Action::CloseReject);
            } else if i.consume_key(Modifiers::COMMAND, Key::Enter)
                || (!self.free_text_focused && i.consume_key(Modifiers::NONE, Key::Enter))
            {
                action = Some(Action::ConfirmReject);
            }
            // The cursor is in 补充说明, so letters type there: Alt+letter
            // toggles a reason instead (and types nothing).
            // With Alt held nothing types (X11 sends the letter as text too),
            // whether or not the letter is a reason for this kind. Judged per
            // key event: a quick Alt+K may press and release Alt in one frame.
            let alt_pressed = i.events.iter().any(
                |e| matches!(e, egui::Event::Key { pressed: true, modifiers, .. } if modifiers.alt),
            );
            for (r, k) in Reason::ALL.into_iter().zip(REASON_KEYS) {
                if r.applies_to(self.item.kind) && i.consume_key(Modifiers::ALT, k) {
                    self.toggle(r);
                }
            }
            if alt_pressed {
                i.events
                    .retain(|e| !matches!(e, egui::Event::Text(_) | egui::Event::Ime(_)));
            }
            return action;
        } else if i.consume_key(Modifiers::NONE, Key::F8) {
            action = Some(Action::Approve);
        } else if i.consume_key(Modifiers::NONE, Key::F9) {
            action = Some(Action::OpenReject);
        } else if i.consume_key(Modifiers::NONE, Key::F2) {
            action = Some(Action::Next);
        } else if i.consume_key(Modifiers::NONE, Key::Escape) {
            action = Some(Action::Back);
        } else if i.consume_key(Modifiers::NONE, Key::V) {
            action = Some(Action::View(0));
        }
        if !self.free_text_focused && self.can_decide() && !self.deciding {
            for (r, k) in Reason::ALL.into_iter().zip(REASON_KEYS) {
                if r.applies_to(self.item.kind) && i.consume_key(Modifiers::NONE, k) {
                    self.toggle(r);
                }
            }
        }
        action
    }

    /// Uploads decoded photos (on the UI thread only the upload happens).
    pub fn deliver(&mut self, ctx: &egui::Context, previous: bool, done: Result<Decoded, String>) {
        let name = if previous {
            "review_previous"
        } else {
            "review_photo"
        };
        let slot = match done {
            Ok(d) => PhotoSlot::Ready {
                texture: ctx.load_texture(name, d.image, TextureOptions::LINEAR),
                report: d.report,
            },
            Err(e) => PhotoSlot::Failed(e),
        };
        if previous {
            self.previous = slot;
        } else {
            self.photo = slot;
        }
    }

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

    fn photos(&mut self, ui: &mut egui::Ui) -> Option<usize> {
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

    fn reject_dialog(&mut self, ui: &mut egui::Ui) -> Option<Action> {
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
