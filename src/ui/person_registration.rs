//! 个人面签: the applicant's document (type, number with the live 证件核验
//! breakdown beside it), name, mobile, why they register at the counter, the
//! tick that the original was sighted, optional scans; then the record and
//! its receipt.

use std::any::Any;

use chrono::NaiveDate;
use eframe::egui::{self, RichText};

use super::id_check::IdCheckPanel;
use super::outbox::Outbox;
use super::registration_form::{
    FormCore, ResultAction, Shortcut, Stage, after_field, doc_type_radios, error_under, submit_row,
    text_field,
};
use super::screen::{Screen, ScreenCx, ScreenEnv, ScreenId};
use crate::app::error::AppError;
use crate::app::registration::Req;
use crate::app::worker::Response;
use crate::domain::registration::{
    FieldErrors, FieldId, IdDocType, PersonDraft, ReasonKind, RegistrationKind,
};
use crate::domain::result::DocKind;

pub struct PersonRegistration {
    pub form: PersonDraft,
    pub number: IdCheckPanel,
    pub core: FormCore,
    clerk_id: i64,
    today: NaiveDate,
}

impl PersonRegistration {
    pub fn new(env: &ScreenEnv) -> Self {
        PersonRegistration {
            form: PersonDraft::default(),
            number: IdCheckPanel::new().with_id_salt("person_doc"),
            core: FormCore::new(RegistrationKind::Person, env),
            clerk_id: 0,
            today: env.today,
        }
    }

    fn sync(&mut self) {
        self.form.doc_number = self.number.text().to_owned();
        // A recognised number picks its document type if none is chosen yet.
        if self.form.doc_type.is_none()
            && let Some(r) = self.number.result()
            && !r.looks_incomplete()
            && r.kind != DocKind::Unknown
        {
            self.form.doc_type = IdDocType::of_number(r.kind, &r.normalized);
        }
    }

    fn errors(&self) -> FieldErrors {
        self.form.validate(self.today).err().unwrap_or_default()
    }

    fn submit(&mut self, out: &mut Outbox) {
        self.sync();
        let local = self.errors();
        let form = self.form.clone();
        let scans = self.core.scans.ready();
        let key = self.core.key.clone();
        self.core.try_submit(&local, out, || Req::SubmitPerson {
            form,
            scans,
            idempotency_key: key,
        });
    }

    fn next_applicant(&mut self) {
        self.form = PersonDraft::default();
        self.number.set_text("");
        self.core.reset(self.clerk_id);
        self.number.request_focus();
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        let local = self.errors();
        let enabled = self.core.editing();
        let mut submit = false;
        ui.add_enabled_ui(enabled, |ui| {
            egui::Grid::new("person_form")
                .num_columns(2)
                .spacing([12.0, 10.0])
                .show(ui, |ui| {
                    doc_type_radios(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::DocType,
                        &mut self.form.doc_type,
                    );

                    let number = self.number.form_input(
                        ui,
                        FieldId::DocNumber.label(),
                        "扫描或输入证件号码",
                        self.core.error_for(FieldId::DocNumber, &local),
                    );
                    after_field(&mut self.core, FieldId::DocNumber, &number);

                    let allow_latin = self.form.doc_type.is_some_and(IdDocType::allows_latin_name);
                    let name_hint = if allow_latin {
                        "与证件一致；可用拉丁字母"
                    } else {
                        "与证件一致；少数民族、外国人姓名用间隔号 ·"
                    };
                    let name = text_field(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::Name,
                        &mut self.form.name,
                        name_hint,
                    );
                    let mobile = text_field(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::Mobile,
                        &mut self.form.mobile,
                        "11 位手机号码",
                    );

                    ui.label(FieldId::Reason.label());
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            for (i, k) in ReasonKind::ALL.into_iter().enumerate() {
                                let r = ui.radio_value(&mut self.form.reason, Some(k), k.label());
                                if i == 0 {
                                    after_field(&mut self.core, FieldId::Reason, &r);
                                }
                            }
                        });
                        error_under(ui, &self.core, &local, FieldId::Reason);
                    });
                    ui.end_row();

                    let mut last = mobile.clone();
                    if self.form.reason == Some(ReasonKind::Other) {
                        last = text_field(
                            ui,
                            &mut self.core,
                            &local,
                            FieldId::ReasonText,
                            &mut self.form.reason_text,
                            "请说明原因",
                        );
                    }

                    ui.label("");
                    ui.vertical(|ui| {
                        let r = ui.checkbox(
                            &mut self.form.identity_confirmed,
                            FieldId::IdentityConfirmed.label(),
                        );
                        after_field(&mut self.core, FieldId::IdentityConfirmed, &r);
                        error_under(ui, &self.core, &local, FieldId::IdentityConfirmed);
                    });
                    ui.end_row();

                    super::widgets::enter_moves_on(ui, &[number, name, mobile.clone()]);
                    if super::widgets::submitted(ui, &last) {
                        submit = true;
                    }
                });
            ui.add_space(8.0);
            ui.label(RichText::new("证件扫描件").strong());
            self.core.scans.ui(ui, enabled);
            ui.add_space(10.0);
            submit |= submit_row(ui, &self.core, &local, "提交面签登记 (Ctrl+Enter)");
        });
        if submit {
            self.submit(out);
        }
    }
}

impl Screen for PersonRegistration {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.today = cx.today;
        self.clerk_id = cx.clerk.id;
        self.core.ensure_key(cx.clerk.id);
        self.core.scans.poll(ui.ctx());
        self.sync();
        ui.heading(ScreenId::PersonRegistration.title());
        ui.label(
            RichText::new(
                "核对申请人身份证明原件，人证一致后登记。Tab 切换项目，回车到下一项，最后一项回车或 Ctrl+Enter 提交。",
            )
            .weak(),
        );
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if !matches!(self.core.stage, Stage::Editing | Stage::Submitting) {
                    let mobile = self.form.mobile.clone();
                    match self.core.result_ui(ui, cx.today, out, &mobile) {
                        ResultAction::Next => self.next_applicant(),
                        ResultAction::Back => self.core.back(),
                        ResultAction::None => {}
                    }
                    return;
                }
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width((ui.available_width() - 320.0).clamp(420.0, 640.0));
                        self.form_ui(ui, out);
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        ui.label(RichText::new("证件号码核验").strong());
                        ui.add_space(4.0);
                        self.number.form_details(ui, cx.today);
                    });
                });
            });
    }

    fn shortcuts(&mut self, input: &mut egui::InputState, out: &mut Outbox) {
        match self.core.shortcuts(input, out) {
            Shortcut::Submit => self.submit(out),
            Shortcut::Next => self.next_applicant(),
            Shortcut::None => {}
        }
    }

    fn on_open(&mut self, cx: &ScreenCx<'_>, _out: &mut Outbox) {
        self.core.ensure_key(cx.clerk.id);
        if self.core.editing() {
            // The number comes first: it picks its own document type.
            self.number.request_focus();
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
        let mut form = self.form.clone();
        form.doc_number = self.number.text().to_owned();
        let empty = form == PersonDraft::default();
        self.core.draft(&form, empty)
    }

    fn restore(&mut self, draft: serde_json::Value) {
        if let Some(f) = self.core.restore::<PersonDraft>(draft) {
            self.number.set_text(f.doc_number.clone());
            self.form = f;
            self.core.stage = Stage::Editing;
        }
    }

    fn is_dirty(&self) -> bool {
        self.core.editing() && (self.form != PersonDraft::default() || !self.core.scans.is_empty())
    }

    fn is_busy(&self) -> bool {
        self.core.is_busy()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
