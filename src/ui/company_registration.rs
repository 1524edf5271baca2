//! 单位面签: the company (name, unified social credit code or legacy
//! organisation code with its breakdown), the agent who comes with the power
//! of attorney (name, document, mobile), one tick per original sighted, the
//! scans; then the record, 待复核 until a supervisor other than this clerk
//! countersigns it.

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
    CompanyDraft, FieldErrors, FieldId, IdDocType, RegistrationKind,
};
use crate::domain::result::DocKind;

pub struct CompanyRegistration {
    pub form: CompanyDraft,
    pub code: IdCheckPanel,
    pub agent_number: IdCheckPanel,
    pub core: FormCore,
    clerk_id: i64,
    today: NaiveDate,
}

impl CompanyRegistration {
    pub fn new(env: &ScreenEnv) -> Self {
        CompanyRegistration {
            form: CompanyDraft::default(),
            code: IdCheckPanel::new().with_id_salt("company_code"),
            agent_number: IdCheckPanel::new().with_id_salt("agent_doc"),
            core: FormCore::new(RegistrationKind::Company, env),
            clerk_id: 0,
            today: env.today,
        }
    }

    fn sync(&mut self) {
        self.form.code = self.code.text().to_owned();
        self.form.agent_doc_number = self.agent_number.text().to_owned();
        if self.form.agent_doc_type.is_none()
            && let Some(r) = self.agent_number.result()
            && !r.looks_incomplete()
            && r.kind != DocKind::Unknown
        {
            self.form.agent_doc_type = IdDocType::of_number(r.kind, &r.normalized);
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
        self.core.try_submit(&local, out, || Req::SubmitCompany {
            form,
            scans,
            idempotency_key: key,
        });
    }

    fn next_applicant(&mut self) {
        self.form = CompanyDraft::default();
        self.code.set_text("");
        self.agent_number.set_text("");
        self.core.reset(self.clerk_id);
        self.core.focus = Some(FieldId::CompanyName);
    }

    fn form_ui(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        let local = self.errors();
        let enabled = self.core.editing();
        let mut submit = false;
        ui.add_enabled_ui(enabled, |ui| {
            ui.label(RichText::new("单位").strong());
            egui::Grid::new("company_form")
                .num_columns(2)
                .spacing([12.0, 10.0])
                .show(ui, |ui| {
                    let name = text_field(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::CompanyName,
                        &mut self.form.company_name,
                        "与营业执照一致",
                    );
                    let code = self.code.form_input(
                        ui,
                        FieldId::CreditCode.label(),
                        "18 位信用代码，或 9 位组织机构代码",
                        self.core.error_for(FieldId::CreditCode, &local),
                    );
                    after_field(&mut self.core, FieldId::CreditCode, &code);

                    ui.label(RichText::new("代理人").strong());
                    ui.end_row();
                    let agent = text_field(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::AgentName,
                        &mut self.form.agent_name,
                        "与代理人证件一致",
                    );
                    doc_type_radios(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::AgentDocType,
                        &mut self.form.agent_doc_type,
                    );
                    let number = self.agent_number.form_input(
                        ui,
                        FieldId::AgentDocNumber.label(),
                        "扫描或输入代理人证件号码",
                        self.core.error_for(FieldId::AgentDocNumber, &local),
                    );
                    after_field(&mut self.core, FieldId::AgentDocNumber, &number);
                    let mobile = text_field(
                        ui,
                        &mut self.core,
                        &local,
                        FieldId::AgentMobile,
                        &mut self.form.agent_mobile,
                        "11 位手机号码",
                    );

                    ui.label("已核验原件");
                    ui.vertical(|ui| {
                        for (field, value) in [
                            (FieldId::SightedLicence, &mut self.form.sighted_licence),
                            (
                                FieldId::SightedAuthorization,
                                &mut self.form.sighted_authorization,
                            ),
                            (FieldId::SightedAgentId, &mut self.form.sighted_agent_id),
                        ] {
                            let r = ui.checkbox(value, field.label());
                            after_field(&mut self.core, field, &r);
                            error_under(ui, &self.core, &local, field);
                        }
                    });
                    ui.end_row();

                    super::widgets::enter_moves_on(
                        ui,
                        &[name, code, agent, number, mobile.clone()],
                    );
                    if super::widgets::submitted(ui, &mobile) {
                        submit = true;
                    }
                });
            ui.add_space(8.0);
            ui.label(RichText::new("扫描件").strong());
            self.core.scans.ui(ui, enabled);
            ui.add_space(10.0);
            submit |= submit_row(ui, &self.core, &local, "提交单位面签 (Ctrl+Enter)");
            ui.label(
                RichText::new("提交后为“待复核”：须由经办人以外的审核人员复核后生效。").weak(),
            );
        });
        if submit {
            self.submit(out);
        }
    }
}

impl Screen for CompanyRegistration {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.today = cx.today;
        self.clerk_id = cx.clerk.id;
        self.core.ensure_key(cx.clerk.id);
        self.core.scans.poll(ui.ctx());
        self.sync();
        ui.heading(ScreenId::CompanyRegistration.title());
        ui.label(
            RichText::new(
                "核对营业执照（或组织机构代码证书）、委托书和代理人身份证明原件后登记。最后一项回车或 Ctrl+Enter 提交。",
            )
            .weak(),
        );
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if !matches!(self.core.stage, Stage::Editing | Stage::Submitting) {
                    let mobile = self.form.agent_mobile.clone();
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
                        ui.label(RichText::new("单位代码核验").strong());
                        ui.add_space(4.0);
                        self.code.form_details(ui, cx.today);
                        ui.add_space(10.0);
                        ui.label(RichText::new("代理人证件核验").strong());
                        ui.add_space(4.0);
                        self.agent_number.form_details(ui, cx.today);
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
            self.core.focus = Some(FieldId::CompanyName);
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
        form.code = self.code.text().to_owned();
        form.agent_doc_number = self.agent_number.text().to_owned();
        let empty = form == CompanyDraft::default();
        self.core.draft(&form, empty)
    }

    fn restore(&mut self, draft: serde_json::Value) {
        if let Some(f) = self.core.restore::<CompanyDraft>(draft) {
            self.code.set_text(f.code.clone());
            self.agent_number.set_text(f.agent_doc_number.clone());
            self.form = f;
            self.core.stage = Stage::Editing;
        }
    }

    fn is_dirty(&self) -> bool {
        self.core.editing() && (self.form != CompanyDraft::default() || !self.core.scans.is_empty())
    }

    fn is_busy(&self) -> bool {
        self.core.is_busy()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
