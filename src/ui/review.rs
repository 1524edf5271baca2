//! The review of one application, shown by the 审核队列 screen: computed
//! pre-checks on top, the photo with its report and overlay (the replaced
//! photo beside it for a photo change), the applicant and licence, the
//! standard reasons with their keys, and the reject dialog with the
//! one-time notice it will send.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, ColorImage, RichText, TextureHandle, TextureOptions};

use super::photo_check::{Overlays, draw_overlays};
use super::theme;
use super::widgets::{self, Message};
use crate::app::clock::{fmt_hm, fmt_minute};
use crate::app::registration::RegistrationView;
use crate::app::review::{ReviewItem, Ticket};
use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::notice::{NoticeInput, clean_free_text, compose};
use crate::domain::review::queue::cst_date;
use crate::domain::review::reasons::normalise;
use crate::domain::review::{AppKind, Outcome, Reason, ReasonKind};
use crate::photo::{PhotoReport, Verdict};

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
}

/// What the clerk pressed or clicked in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    OpenReject,
    ConfirmReject,
    CloseReject,
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
            reasons: item.pre_checks.preselected.clone(),
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
        }
    }

    /// The clerk may decide (holds the claim, not read-only).
    pub fn can_decide(&self) -> bool {
        self.ticket.is_some() && self.item.read_only_reason.is_none()
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
        if self.rejecting {
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                action = Some(Action::CloseReject);
            } else if i.consume_key(Modifiers::COMMAND, Key::Enter)
                || (!self.free_text_focused && i.consume_key(Modifiers::NONE, Key::Enter))
            {
                action = Some(Action::ConfirmReject);
            }
        } else if i.consume_key(Modifiers::NONE, Key::F8) {
            action = Some(Action::Approve);
        } else if i.consume_key(Modifiers::NONE, Key::F9) {
            action = Some(Action::OpenReject);
        } else if i.consume_key(Modifiers::NONE, Key::F2) {
            action = Some(Action::Next);
        } else if i.consume_key(Modifiers::NONE, Key::Escape) {
            action = Some(Action::Back);
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
                    RichText::new("审核时限已过，保存时可能被拒绝").color(theme::ERROR)
                };
                ui.label(text);
            }
        });
        if let Some(r) = &item.read_only_reason {
            widgets::message(ui, &Message::info(format!("只读：{r}")));
        }
        if let Some(d) = &item.decision {
            ui.label(format!(
                "{} 于 {} {}{}",
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
                    company(ui, &self.item, reg);
                });
            } else {
                // A company item with no registration behind it (demo or
                // imported data) has no photo column either.
                if self.item.kind.has_licence() {
                    ui.vertical(|ui| {
                        ui.set_width(photo_width);
                        self.photos(ui);
                    });
                    ui.separator();
                }
                ui.vertical(|ui| {
                    ui.set_width(270.0);
                    applicant(ui, &self.item);
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
        action
    }

    fn photos(&mut self, ui: &mut egui::Ui) {
        let change = self.item.kind == AppKind::PhotoChange;
        if matches!(self.photo, PhotoSlot::None) {
            ui.label(RichText::new("无照片").color(theme::MUTED));
            return;
        }
        ui.horizontal_top(|ui| {
            if change {
                ui.vertical(|ui| {
                    ui.label(RichText::new("原照片").strong());
                    photo_box(ui, &self.previous, PHOTO_HEIGHT * 0.6, false);
                });
            }
            ui.vertical(|ui| {
                ui.label(RichText::new(if change { "新照片" } else { "申请照片" }).strong());
                photo_box(
                    ui,
                    &self.photo,
                    if change {
                        PHOTO_HEIGHT * 0.8
                    } else {
                        PHOTO_HEIGHT
                    },
                    true,
                );
            });
        });
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
            let approve = widgets::primary_button(ui, approve_label, enabled && block.is_none());
            if approve.clicked() {
                action = Some(Action::Approve);
            }
            if ui
                .add_enabled(enabled, egui::Button::new("退回… (F9)"))
                .clicked()
            {
                action = Some(Action::OpenReject);
            }
            if ui.button("跳过，领取下一件 (F2)").clicked() {
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
        if self.deciding {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("正在保存…");
            });
        }
        ui.label(
            RichText::new("键盘：F8 通过　F9 退回　F2 跳过　Esc 返回　字母键勾选原因")
                .small()
                .color(theme::MUTED),
        );
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
        if std::mem::take(&mut self.dialog_fresh) {
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
                "尚未选择原因：按字母键勾选（见审核页），至少一项。".to_owned()
            } else {
                format!("已选原因：{}", labels.join("、"))
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
            self.free_text_focused = r.has_focus();
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

fn applicant(ui: &mut egui::Ui, item: &ReviewItem) {
    egui::Grid::new("review_applicant")
        .num_columns(2)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(RichText::new(k).color(theme::MUTED));
                ui.label(v);
                ui.end_row();
            };
            row(
                if item.kind == AppKind::CompanyRegistration {
                    "单位名称"
                } else {
                    "姓名"
                },
                item.name.clone(),
            );
            row("证件号码", item.doc_no.clone());
            row("手机号码", item.mobile.clone());
            if let Some(l) = &item.licence {
                row("驾驶证号", l.number.clone());
                row(
                    "准驾车型",
                    format!("{}（{}）", l.classes, l.classes_described),
                );
                let names: Vec<String> = l
                    .status_names
                    .iter()
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect();
                row("驾驶证状态", names.join("、"));
                let d = |x: Option<chrono::NaiveDate>| {
                    x.map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| "—".to_owned())
                };
                row(
                    "有效期限",
                    format!(
                        "{} 至 {}",
                        d(l.valid_from),
                        l.valid_until
                            .map(crate::domain::licence::valid_until_text)
                            .unwrap_or_else(|| "—".to_owned())
                    ),
                );
                row("发证机关", l.authority.clone());
            }
            if let Some(d) = item.last_photo_change {
                row("上次换照片", d.format("%Y-%m-%d").to_string());
            }
        });
}

/// The company registration behind a 单位注册复核 item: what the counter
/// clerk recorded and sighted, for the supervisor to countersign or return.
fn company(ui: &mut egui::Ui, item: &ReviewItem, reg: &RegistrationView) {
    ui.label(RichText::new(format!("单位面签 {}", reg.number)).strong());
    egui::Grid::new("review_company")
        .num_columns(2)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(RichText::new(k).color(theme::MUTED));
                ui.label(v);
                ui.end_row();
            };
            row("单位名称", reg.name.clone());
            // Masked like everywhere in the queue (the organisation code inside
            // it is left out of the breakdown for the same reason); the check
            // digits are verified by the 证件号码 pre-check above.
            row(&reg.doc_label, item.doc_masked.clone());
            if let Some(c) = &reg.company {
                let b = &c.breakdown;
                let parts: Vec<String> = [
                    b.authority.as_deref().map(|x| format!("登记管理部门 {x}")),
                    b.entity_type.as_deref().map(|x| format!("机构类别 {x}")),
                    b.registrar_region.as_deref().map(|x| format!("登记地 {x}")),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !parts.is_empty() {
                    row("代码解析", parts.join("；"));
                }
                row("经办人", c.agent_name.clone());
                row(
                    &format!("经办人{}", c.agent_doc_label),
                    c.masked_agent_doc_number.clone(),
                );
            }
            row("经办人手机", reg.masked_mobile.clone());
            row(
                "已核验原件",
                if reg.originals.is_empty() {
                    "无".to_owned()
                } else {
                    reg.originals
                        .iter()
                        .map(|o| format!("✓ {o}"))
                        .collect::<Vec<_>>()
                        .join("　")
                },
            );
            row(
                "办理",
                format!(
                    "{} 于 {}（{}）",
                    reg.clerk_name, reg.created_at_text, reg.office
                ),
            );
            row("状态", reg.status.label().to_owned());
        });
    ui.add_space(4.0);
    ui.label(RichText::new(format!("扫描件（{} 份）", reg.attachments.len())).strong());
    if reg.attachments.is_empty() {
        ui.label(RichText::new("未上传扫描件").color(theme::MUTED));
    }
    for a in &reg.attachments {
        let extra = match (a.dimensions, a.pages) {
            (_, Some(p)) => format!("，{p} 页"),
            (Some((w, h)), None) => format!("，{w}×{h}"),
            _ => String::new(),
        };
        ui.label(format!(
            "· {}：{}（{}{extra}）",
            a.slot_label, a.file_name, a.size_text
        ));
    }
}

fn photo_box(ui: &mut egui::Ui, slot: &PhotoSlot, height: f32, overlay: bool) {
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
            let (rect, _) = ui.allocate_exact_size(egui::vec2(w, height), egui::Sense::hover());
            ui.painter().image(
                texture.id(),
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                Color32::WHITE,
            );
            if overlay && let Some(report) = report {
                draw_overlays(ui.painter(), rect, report, Overlays::default(), None);
            }
        }
    }
}

fn photo_report(ui: &mut egui::Ui, r: &PhotoReport) {
    let colour = match r.verdict {
        Verdict::Pass => theme::OK,
        Verdict::Warn => theme::WARN,
        Verdict::Fail => theme::ERROR,
    };
    ui.label(
        RichText::new(format!("照片检测：{}", r.verdict.label()))
            .strong()
            .color(colour),
    );
    let notable: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .collect();
    if notable.is_empty() {
        ui.label(RichText::new("自动检测全部合格；请人工核对表情、眼镜和美颜。").small());
    }
    for c in notable {
        let colour = if c.verdict == Verdict::Fail {
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
