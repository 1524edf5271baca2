//! What 个人面签 and 单位面签 share: the submit flow with its idempotency key,
//! per-field messages beside each field, the scans, and the result (the new
//! record with its receipt, or the record that already holds the number).

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use eframe::egui::{self, RichText};
use serde::{Deserialize, Serialize};

use crate::app::registration;
use crate::app::registration::Req;
use crate::app::registration::Resp;
use crate::app::runtime::error::AppError;
use crate::app::runtime::error::RecordRef;
use crate::app::runtime::worker::Request;
use crate::domain::registration::{FieldErrors, FieldId, IdDocType, RegistrationKind, ScanSlot};
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::registration::record::RecordPanel;
use crate::ui::registration::scan_slots::ScanSlots;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::ScreenEnv;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Editing,
    Submitting,
    /// Saved (or found saved under this form's key: `replayed`).
    Done {
        replayed: bool,
    },
    /// The number already has a registration: that record is shown instead.
    Existing(RecordRef),
}

/// What a form keeps as the clerk's draft: the fields, the form's key (so a
/// submit whose answer was lost is not made twice after a restart) and the
/// scans' file paths (read again on restore).
#[derive(Serialize, Deserialize)]
pub struct FormDraft<F> {
    pub form: F,
    pub key: String,
    #[serde(default)]
    pub scans: Vec<(ScanSlot, PathBuf)>,
}

pub struct FormCore {
    pub kind: RegistrationKind,
    /// One per opened form; a new one after each completed registration.
    pub key: String,
    pub stage: Stage,
    /// Messages from the last validation the worker did.
    pub server_errors: FieldErrors,
    /// Every message is shown after a submit was tried; before that only
    /// for fields the clerk has been in.
    pub attempted: bool,
    pub touched: BTreeSet<FieldId>,
    pub scans: ScanSlots,
    pub record: RecordPanel,
    pub message: Option<Message>,
    /// Focus this field on the next frame.
    pub focus: Option<FieldId>,
    /// Enter was pressed on a tick box or radio button: submit (never toggle).
    pub enter_submit: bool,
    /// The complete number last asked about, and the registration already
    /// holding it (`Some(None)`: none).
    pub holding_asked: Option<String>,
    pub holding: Option<Option<RecordRef>>,
    /// Warnings under fields this frame (the form's own `warnings`).
    pub warnings: Vec<(FieldId, String)>,
}

impl FormCore {
    pub fn new(kind: RegistrationKind, env: &ScreenEnv) -> Self {
        FormCore {
            kind,
            key: String::new(),
            stage: Stage::Editing,
            server_errors: FieldErrors::default(),
            attempted: false,
            enter_submit: false,
            touched: BTreeSet::new(),
            scans: ScanSlots::new(kind, (env.picker)()),
            record: RecordPanel::new((env.picker)()),
            message: None,
            focus: None,
            holding_asked: None,
            holding: None,
            warnings: Vec::new(),
        }
    }

    /// Asks, once per complete number, whether it is registered already.
    pub fn ask_holding(&mut self, number: Option<String>, out: &mut Outbox) {
        if !self.editing() || number == self.holding_asked {
            return;
        }
        self.holding = None;
        self.holding_asked = number.clone();
        if let Some(number) = number {
            out.send(Request::Registration(Req::Holding {
                kind: self.kind,
                number,
            }));
        }
    }

    /// A neutral line as soon as the number is known to be registered, with
    /// the way to that record.
    pub fn holding_ui(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        let Some(Some(r)) = self.holding.clone() else {
            return;
        };
        let who = match self.kind {
            RegistrationKind::Person => "该证件号码",
            RegistrationKind::Company => "该单位代码",
        };
        widgets::message(
            ui,
            &Message::info(format!("{who}已办理过面签（{}），无需重新登记。", r.number)),
        );
        if ui.link(format!("打开已有记录 {}", r.number)).clicked() {
            self.record.waiting = true;
            out.send(Request::Registration(Req::Open { id: r.id }));
            self.stage = Stage::Existing(r);
            self.message = None;
        }
        ui.add_space(4.0);
    }

    /// Makes the form's key when the clerk is known.
    pub fn ensure_key(&mut self, clerk_id: i64) {
        if self.key.is_empty() {
            self.key = registration::new_form_key(clerk_id);
        }
    }

    /// Ready for the next applicant: empty form, new key.
    pub fn reset(&mut self, clerk_id: i64) {
        self.key = registration::new_form_key(clerk_id);
        self.stage = Stage::Editing;
        self.server_errors = FieldErrors::default();
        self.attempted = false;
        self.touched.clear();
        self.scans.clear();
        self.record.clear();
        self.message = None;
        self.holding_asked = None;
        self.holding = None;
    }

    pub fn editing(&self) -> bool {
        matches!(self.stage, Stage::Editing)
    }

    /// The message to show beside `field`, if it is time to show it.
    pub fn error_for<'a>(&'a self, field: FieldId, local: &'a FieldErrors) -> Option<&'a str> {
        if !(self.attempted || self.touched.contains(&field)) {
            return None;
        }
        local.get(field).or_else(|| self.server_errors.get(field))
    }

    /// Why 提交 is not available yet (shown beside the button).
    pub fn blockers(&self, local: &FieldErrors) -> Option<String> {
        if self.scans.is_busy() {
            return Some("正在读取扫描件，请稍候…".into());
        }
        if self.scans.has_failed() {
            return Some("有扫描件未能添加：请重新选择或清除该项。".into());
        }
        if local.is_empty() {
            return None;
        }
        let names: Vec<&str> = local.iter().map(|(f, _)| short_label(f)).collect();
        Some(format!("尚需填写或更正：{}", names.join("、")))
    }

    /// Tries to submit: with errors, shows them all and focuses the first.
    pub fn try_submit(&mut self, local: &FieldErrors, out: &mut Outbox, req: impl FnOnce() -> Req) {
        if !self.editing() {
            return;
        }
        self.attempted = true;
        if let Some(first) = local.first_invalid_field() {
            self.focus = Some(first);
            return;
        }
        if self.blockers(local).is_some() {
            return;
        }
        self.stage = Stage::Submitting;
        self.message = None;
        out.send(Request::Registration(req()));
    }

    /// A reply for this form.
    pub fn on_reply(&mut self, resp: Resp) {
        match resp {
            Resp::Submitted(s) => {
                let number = s.record.number.clone();
                self.stage = Stage::Done {
                    replayed: s.replayed,
                };
                self.record.set(s.record);
                self.message = Some(if s.replayed {
                    Message::info(format!(
                        "本表单已提交过：显示的是已登记的 {number}，没有重复登记。"
                    ))
                } else {
                    Message::success(format!("面签登记完成：{number}"))
                });
            }
            Resp::Holding { number, record } => {
                if self.holding_asked.as_deref() == Some(number.as_str()) {
                    self.holding = Some(record);
                }
            }
            Resp::Invalid(errors) if self.stage == Stage::Submitting => {
                self.stage = Stage::Editing;
                self.attempted = true;
                self.focus = errors.first_invalid_field();
                self.server_errors = errors;
            }
            other => {
                self.record.on_reply(&other);
            }
        }
    }

    pub fn on_failed(&mut self, err: AppError, out: &mut Outbox) {
        match err {
            AppError::Duplicate(r) if self.stage == Stage::Submitting => {
                self.record.waiting = true;
                out.send(Request::Registration(Req::Open { id: r.id }));
                self.stage = Stage::Existing(r);
                self.message = None;
            }
            e if self.stage == Stage::Submitting => {
                // The key stays: retrying cannot create a second record.
                self.stage = Stage::Editing;
                self.message = Some(Message::error(format!(
                    "{e}（表单内容已保留，可直接重试，不会重复登记。）"
                )));
            }
            e => self.record.on_failed(&e),
        }
    }

    /// The result after a submit: the record, and what to do next.
    pub fn result_ui(
        &mut self,
        ui: &mut egui::Ui,
        today: NaiveDate,
        out: &mut Outbox,
        typed_mobile: &str,
    ) -> ResultAction {
        let mut action = ResultAction::None;
        match &self.stage {
            Stage::Existing(r) => {
                let who = match self.kind {
                    RegistrationKind::Person => "该证件号码",
                    RegistrationKind::Company => "该单位代码",
                };
                widgets::card(ui, |ui| {
                    ui.label(
                        RichText::new(format!(
                            "{who}已办理过面签（{}），不会重复登记。以下是已有记录。",
                            r.number
                        ))
                        .color(theme::WARN)
                        .strong(),
                    );
                    ui.label("如申请人要更换手机号码，请点“修改手机号码…”：这是对已有记录的修改，会记入审计日志。");
                });
                if self.record.mobile_edit.is_none()
                    && self.record.view.is_some()
                    && !typed_mobile.trim().is_empty()
                    && ui.button("用表单中的手机号码修改…").clicked()
                {
                    self.record.edit_mobile(typed_mobile);
                }
            }
            Stage::Done { .. } => {
                if let Some(m) = &self.message {
                    widgets::message(ui, m);
                }
            }
            _ => return action,
        }
        ui.horizontal(|ui| {
            if widgets::primary_button(ui, "办理下一位 (Ctrl+N)", true).clicked() {
                action = ResultAction::Next;
            }
            if matches!(self.stage, Stage::Existing(_))
                && (ui.button("返回表单 (Esc)").clicked()
                    || (self.record.mobile_edit.is_none()
                        && ui.input(|i| i.key_pressed(egui::Key::Escape))))
            {
                action = ResultAction::Back;
            }
        });
        ui.add_space(6.0);
        self.record.ui(ui, today, out);
        action
    }

    /// Ctrl+N (next applicant) and Ctrl+P (print) after a submit; Ctrl+Enter submits.
    pub fn shortcuts(&mut self, input: &mut egui::InputState, out: &mut Outbox) -> Shortcut {
        if self.record.viewer_keys(input) {
            return Shortcut::None;
        }
        if input.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter) && self.editing() {
            return Shortcut::Submit;
        }
        if matches!(self.stage, Stage::Done { .. } | Stage::Existing(_)) {
            if input.consume_key(egui::Modifiers::COMMAND, egui::Key::N) {
                return Shortcut::Next;
            }
            if input.consume_key(egui::Modifiers::COMMAND, egui::Key::P) {
                self.record.print(out);
            }
            if self.record.mobile_edit.is_none()
                && input.consume_key(egui::Modifiers::NONE, egui::Key::V)
            {
                self.record.open_viewer(0);
            }
        }
        Shortcut::None
    }

    /// Back from an existing record to the form, with the same key.
    pub fn back(&mut self) {
        self.stage = Stage::Editing;
        self.record.clear();
    }

    pub fn is_busy(&self) -> bool {
        self.stage == Stage::Submitting || self.scans.is_busy() || self.record.is_busy()
    }

    /// The draft for `form`, while there is something unfinished.
    pub fn draft<F: Serialize>(&self, form: &F, empty: bool) -> Option<serde_json::Value> {
        if !matches!(self.stage, Stage::Editing | Stage::Submitting) {
            return None;
        }
        if empty && self.scans.is_empty() {
            return None;
        }
        serde_json::to_value(FormDraft {
            form,
            key: self.key.clone(),
            scans: self.scans.paths(),
        })
        .ok()
    }

    /// Restores the key and the scans of a draft; returns its form.
    pub fn restore<F: for<'de> Deserialize<'de>>(&mut self, draft: serde_json::Value) -> Option<F> {
        let d: FormDraft<F> = serde_json::from_value(draft).ok()?;
        if !d.key.is_empty() {
            self.key = d.key;
        }
        self.scans.clear();
        for (slot, path) in d.scans {
            if path.is_file() {
                self.scans.add(slot, path, None);
            }
        }
        Some(d.form)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultAction {
    None,
    Next,
    Back,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    None,
    Submit,
    Next,
}

/// The field's name in the "尚需…" line.
fn short_label(f: FieldId) -> &'static str {
    match f {
        FieldId::IdentityConfirmed => "核验原件勾选",
        FieldId::SightedLicence => "营业执照原件勾选",
        FieldId::SightedAuthorization => "委托书原件勾选",
        FieldId::SightedAgentId => "代理人证件原件勾选",
        FieldId::CreditCode => "单位代码",
        other => other.label(),
    }
}

/// A label + single-line field with its message under it, inside a two-column grid.
pub fn text_field(
    ui: &mut egui::Ui,
    core: &mut FormCore,
    local: &FieldErrors,
    field: FieldId,
    value: &mut String,
    hint: &str,
) -> egui::Response {
    let l = ui.label(field.label());
    let r = ui
        .vertical(|ui| {
            let r = ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(260.0)
                    .id_salt(field.id()),
            );
            if let Some(e) = core.error_for(field, local) {
                widgets::field_error(ui, e);
            } else {
                for (_, w) in core.warnings.iter().filter(|(f, _)| *f == field) {
                    widgets::field_warning(ui, w);
                }
            }
            r
        })
        .inner
        .labelled_by(l.id);
    ui.end_row();
    after_field(core, field, &r);
    r
}

/// Marks a field touched when the clerk leaves it, and takes a pending focus.
pub fn after_field(core: &mut FormCore, field: FieldId, r: &egui::Response) {
    if r.lost_focus() {
        core.touched.insert(field);
    }
    if core.focus == Some(field) {
        core.focus = None;
        r.request_focus();
    }
}

/// The message under a field drawn by its own widget (radio rows, ticks, id panels).
pub fn error_under(ui: &mut egui::Ui, core: &FormCore, local: &FieldErrors, field: FieldId) {
    if let Some(e) = core.error_for(field, local) {
        widgets::field_error(ui, e);
    }
}

/// The submit row: the reason 提交 is unavailable sits beside it.
pub fn submit_row(ui: &mut egui::Ui, core: &FormCore, local: &FieldErrors, label: &str) -> bool {
    let blockers = core.blockers(local);
    let ready = blockers.is_none() && core.editing();
    if let Some(m) = &core.message {
        widgets::message(ui, m);
    }
    ui.horizontal(|ui| {
        let clicked = widgets::primary_button(ui, label, ready).clicked();
        if core.stage == Stage::Submitting {
            ui.spinner();
            ui.label("正在保存…");
        } else if let Some(b) = blockers {
            // Wraps beside the button: a long list must not widen the form.
            ui.add(egui::Label::new(RichText::new(b).color(theme::MUTED)).wrap());
        }
        clicked
    })
    .inner
}

/// The document types as radio buttons, two per line (fits a 1024-px screen).
pub fn doc_type_radios(
    ui: &mut egui::Ui,
    core: &mut FormCore,
    local: &FieldErrors,
    field: FieldId,
    value: &mut Option<IdDocType>,
) {
    ui.label(field.label());
    ui.vertical(|ui| {
        for pair in IdDocType::ALL.chunks(2) {
            ui.horizontal(|ui| {
                for &t in pair {
                    let (r, enter) = widgets::radio_value(ui, value, Some(t), t.label());
                    core.enter_submit |= enter;
                    if t == IdDocType::ALL[0] {
                        after_field(core, field, &r);
                    }
                }
            });
        }
        error_under(ui, core, local, field);
    });
    ui.end_row();
}
