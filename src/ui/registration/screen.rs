//! The screen around either registration form: the fields on the left, the
//! live number checks on the right, the result after a submit; shortcuts,
//! replies and drafts. What differs between 个人面签 and 单位面签 is a
//! [`FormBody`].

use std::any::Any;

use chrono::NaiveDate;
use eframe::egui::{self, RichText};
use serde::{Deserialize, Serialize};

use crate::app::registration::Req;
use crate::app::registration::attachments::PreparedScan;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Response;
use crate::domain::registration::{FieldErrors, FieldId, RegistrationKind, ScanSlot};
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::registration::form::FormCore;
use crate::ui::registration::form::ResultAction;
use crate::ui::registration::form::Shortcut;
use crate::ui::registration::form::Stage;
use crate::ui::registration::form::submit_row;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::ScreenId;

/// Below this width the breakdown goes under the form instead of beside it.
const SIDE_BY_SIDE_FROM: f32 = 1000.0;
/// The breakdown column: its longest line (a region with its validity) fits.
const DETAILS_WIDTH: f32 = 430.0;

/// One registration form's fields and rules.
pub trait FormBody: 'static {
    /// The form as typed (kept as the draft).
    type Draft: Serialize + for<'de> Deserialize<'de> + Default + PartialEq + Clone;
    const SCREEN: ScreenId;
    const KIND: RegistrationKind;
    const INTRO: &'static str;
    const SUBMIT: &'static str;
    const SCANS_TITLE: &'static str;
    /// A line under the submit button.
    const NOTE: Option<&'static str>;

    fn new() -> Self;
    /// The form with the number panels' current text.
    fn draft(&self) -> Self::Draft;
    fn restore(&mut self, draft: Self::Draft);
    /// Copies the panels into the form; a recognised number picks its document type.
    fn sync(&mut self);
    fn errors(&self, today: NaiveDate) -> FieldErrors;
    /// Warnings under the text fields (the number's are in its own panel).
    fn warnings(&self, today: NaiveDate) -> Vec<(FieldId, String)>;
    fn request(&self, scans: Vec<(ScanSlot, PreparedScan)>, key: String) -> Req;
    /// The number, normalised, once it is complete and valid (asked about
    /// at once: a registered number is said before submitting).
    fn complete_number(&self) -> Option<String>;
    /// The mobile typed (offered as the new number of an existing record).
    fn mobile(&self) -> &str;
    /// Where the cursor goes on a fresh form.
    fn focus_first(&mut self, core: &mut FormCore);
    /// Draws the fields into a two-column grid; true when Enter in the last field submits.
    fn fields(&mut self, ui: &mut egui::Ui, core: &mut FormCore, local: &FieldErrors) -> bool;
    /// The live checks beside the form.
    fn details(&mut self, ui: &mut egui::Ui, today: NaiveDate);
}

pub struct RegistrationScreen<B: FormBody> {
    pub body: B,
    pub core: FormCore,
    /// Esc on a filled form asks before anything is thrown away.
    pub confirm_discard: bool,
    clerk_id: i64,
    today: NaiveDate,
}

impl<B: FormBody> RegistrationScreen<B> {
    pub fn new(env: &ScreenEnv) -> Self {
        RegistrationScreen {
            body: B::new(),
            core: FormCore::new(B::KIND, env),
            confirm_discard: false,
            clerk_id: 0,
            today: env.today,
        }
    }

    fn submit(&mut self, out: &mut Outbox) {
        self.body.sync();
        let local = self.body.errors(self.today);
        let req = self
            .body
            .request(self.core.scans.ready(), self.core.key.clone());
        self.core.try_submit(&local, out, || req);
    }

    fn next_applicant(&mut self) {
        self.body.restore(B::Draft::default());
        self.core.reset(self.clerk_id);
        self.body.focus_first(&mut self.core);
    }

    fn discard_prompt(&mut self, ui: &mut egui::Ui) {
        widgets::card(ui, |ui| {
            ui.label(
                RichText::new("放弃本表单已填写的内容（含已添加的扫描件）吗？放弃后不能恢复。")
                    .color(theme::WARN)
                    .strong(),
            );
            ui.horizontal(|ui| {
                if widgets::primary_button(ui, "放弃并清空 (Enter)", true).clicked() {
                    self.confirm_discard = false;
                    self.next_applicant();
                }
                if ui.button("继续填写 (Esc)").clicked() {
                    self.confirm_discard = false;
                }
            });
        });
        ui.add_space(6.0);
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        let local = self.body.errors(self.today);
        self.core.warnings = self.body.warnings(self.today);
        let enabled = self.core.editing();
        let mut submit = false;
        self.core.ask_holding(self.body.complete_number(), out);
        ui.add_enabled_ui(enabled, |ui| {
            egui::Grid::new((B::SCREEN, "form"))
                .num_columns(2)
                .spacing([12.0, 10.0])
                .show(ui, |ui| {
                    submit = self.body.fields(ui, &mut self.core, &local)
                });
            ui.add_space(8.0);
            ui.label(RichText::new(B::SCANS_TITLE).strong());
            self.core.scans.ui(ui, enabled);
            ui.add_space(10.0);
            submit |= submit_row(ui, &self.core, &local, B::SUBMIT);
            if let Some(note) = B::NOTE {
                ui.label(RichText::new(note).weak());
            }
        });
        if submit {
            self.submit(out);
        }
    }
}

impl<B: FormBody> Screen for RegistrationScreen<B> {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.today = cx.today;
        self.clerk_id = cx.clerk.id;
        self.core.ensure_key(cx.clerk.id);
        self.core.scans.poll(ui.ctx());
        self.body.sync();
        ui.heading(B::SCREEN.title());
        ui.label(RichText::new(B::INTRO).weak());
        ui.add_space(6.0);
        // The number's breakdown sits beside the form where there is room
        // (1280 px and wider), under it on a 1024-px screen: never off the edge.
        let full = ui.available_width();
        let beside = full >= SIDE_BY_SIDE_FROM;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                // Leave room for this area's own scroll bar.
                ui.set_max_width(full - 16.0);
                if !matches!(self.core.stage, Stage::Editing | Stage::Submitting) {
                    let mobile = self.body.mobile().to_owned();
                    match self.core.result_ui(ui, cx.today, out, &mobile) {
                        ResultAction::Next => self.next_applicant(),
                        ResultAction::Back => self.core.back(),
                        ResultAction::None => {}
                    }
                    return;
                }
                if self.confirm_discard {
                    self.discard_prompt(ui);
                }
                if beside {
                    // Room for the separator and the spacing.
                    let form = (full - DETAILS_WIDTH - 56.0).min(680.0);
                    ui.horizontal_top(|ui| {
                        ui.vertical(|ui| {
                            ui.set_width(form);
                            self.form_ui(ui, out);
                        });
                        ui.separator();
                        ui.vertical(|ui| {
                            ui.set_width(DETAILS_WIDTH);
                            // Beside the number's check, after the form: the
                            // line appearing moves no field (nor the focus).
                            self.core.holding_ui(ui, out);
                            self.body.details(ui, cx.today);
                        });
                    });
                } else {
                    self.form_ui(ui, out);
                    ui.separator();
                    self.core.holding_ui(ui, out);
                    self.body.details(ui, cx.today);
                }
                widgets::follow_focus(ui);
            });
    }

    fn shortcuts(&mut self, input: &mut egui::InputState, out: &mut Outbox) {
        if self.confirm_discard {
            if input.consume_key(egui::Modifiers::NONE, egui::Key::Escape) {
                self.confirm_discard = false;
            } else if input.consume_key(egui::Modifiers::NONE, egui::Key::Enter) {
                self.confirm_discard = false;
                self.next_applicant();
            }
            return;
        }
        if self.core.editing()
            && self.is_dirty()
            && input.consume_key(egui::Modifiers::NONE, egui::Key::Escape)
        {
            self.confirm_discard = true;
            return;
        }
        match self.core.shortcuts(input, out) {
            Shortcut::Submit => self.submit(out),
            Shortcut::Next => self.next_applicant(),
            Shortcut::None => {}
        }
    }

    fn on_open(&mut self, cx: &ScreenCx<'_>, _out: &mut Outbox) {
        self.core.ensure_key(cx.clerk.id);
        if self.core.editing() {
            self.body.focus_first(&mut self.core);
        }
    }

    fn on_reply(&mut self, reply: Response, _out: &mut Outbox) {
        if let Response::Registration(r) = reply {
            self.core.on_reply(r);
        }
    }

    fn on_failed(&mut self, err: AppError, out: &mut Outbox) {
        self.core.on_failed(err, out);
    }

    fn draft(&self) -> Option<serde_json::Value> {
        let form = self.body.draft();
        let empty = form == B::Draft::default();
        self.core.draft(&form, empty)
    }

    fn restore(&mut self, draft: serde_json::Value) {
        if let Some(f) = self.core.restore::<B::Draft>(draft) {
            self.body.restore(f);
            self.core.stage = Stage::Editing;
        }
    }

    fn is_dirty(&self) -> bool {
        self.core.editing()
            && (self.body.draft() != B::Draft::default() || !self.core.scans.is_empty())
    }

    fn is_busy(&self) -> bool {
        self.core.is_busy()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
