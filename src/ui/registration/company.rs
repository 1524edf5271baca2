//! 单位面签: the company (name, unified social credit code or legacy
//! organisation code with its breakdown), the agent who comes with the power
//! of attorney (name, document, mobile), one tick per original sighted, the
//! scans; then the record, 待复核 until a supervisor other than this clerk
//! countersigns it. The screen around it is [`RegistrationScreen`].

use chrono::NaiveDate;
use eframe::egui::{self, RichText};

use crate::app::registration::Req;
use crate::app::registration::attachments::PreparedScan;
use crate::domain::documents::result::DocKind;
use crate::domain::registration::{
    CompanyDraft, FieldErrors, FieldId, IdDocType, RegistrationKind, ScanSlot, checks,
};
use crate::ui::documents::id_check::IdCheckPanel;
use crate::ui::kit::widgets;
use crate::ui::registration::form::FormCore;
use crate::ui::registration::form::after_field;
use crate::ui::registration::form::doc_type_radios;
use crate::ui::registration::form::error_under;
use crate::ui::registration::form::text_field;
use crate::ui::registration::screen::FormBody;
use crate::ui::registration::screen::RegistrationScreen;
use crate::ui::shell::screen_id::ScreenId;

pub type CompanyRegistration = RegistrationScreen<CompanyForm>;

pub struct CompanyForm {
    pub form: CompanyDraft,
    pub code: IdCheckPanel,
    pub agent_number: IdCheckPanel,
}

impl FormBody for CompanyForm {
    type Draft = CompanyDraft;
    const SCREEN: ScreenId = ScreenId::CompanyRegistration;
    const KIND: RegistrationKind = RegistrationKind::Company;
    const INTRO: &'static str = "核对营业执照（或组织机构代码证书）、委托书和代理人身份证明原件后登记。最后一项回车或 Ctrl+Enter 提交，Esc 放弃。";
    const SUBMIT: &'static str = "提交单位面签 (Ctrl+Enter)";
    const SCANS_TITLE: &'static str = "扫描件";
    const NOTE: Option<&'static str> =
        Some("提交后为“待复核”：须由受理人以外的审核人员复核后生效。");

    fn new() -> Self {
        CompanyForm {
            form: CompanyDraft::default(),
            code: IdCheckPanel::new().with_id_salt("company_code"),
            agent_number: IdCheckPanel::new().with_id_salt("agent_doc"),
        }
    }

    fn draft(&self) -> CompanyDraft {
        let mut form = self.form.clone();
        form.code = self.code.text().to_owned();
        form.agent_doc_number = self.agent_number.text().to_owned();
        form
    }

    fn restore(&mut self, draft: CompanyDraft) {
        self.code.set_text(draft.code.clone());
        self.agent_number.set_text(draft.agent_doc_number.clone());
        self.form = draft;
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

    fn errors(&self, today: NaiveDate) -> FieldErrors {
        self.form.validate(today).err().unwrap_or_default()
    }

    fn warnings(&self, today: NaiveDate) -> Vec<(FieldId, String)> {
        checks::mobile_warnings(&self.form.agent_mobile, today)
            .into_iter()
            .map(|w| (FieldId::AgentMobile, w))
            .collect()
    }

    fn request(&self, scans: Vec<(ScanSlot, PreparedScan)>, key: String) -> Req {
        Req::SubmitCompany {
            form: self.form.clone(),
            scans,
            idempotency_key: key,
        }
    }

    fn complete_number(&self) -> Option<String> {
        self.code
            .result()
            .filter(|r| r.is_valid())
            .map(|r| r.normalized.clone())
    }

    fn mobile(&self) -> &str {
        &self.form.agent_mobile
    }

    fn focus_first(&mut self, core: &mut FormCore) {
        core.focus = Some(FieldId::CompanyName);
    }

    fn fields(&mut self, ui: &mut egui::Ui, core: &mut FormCore, local: &FieldErrors) -> bool {
        ui.label(RichText::new("单位").strong());
        ui.end_row();
        let name = text_field(
            ui,
            core,
            local,
            FieldId::CompanyName,
            &mut self.form.company_name,
            "与营业执照一致",
        );
        let code = self.code.form_input(
            ui,
            FieldId::CreditCode.label(),
            "18 位信用代码，或 9 位组织机构代码",
            core.error_for(FieldId::CreditCode, local),
        );
        after_field(core, FieldId::CreditCode, &code);

        ui.label(RichText::new("代理人").strong());
        ui.end_row();
        let agent = text_field(
            ui,
            core,
            local,
            FieldId::AgentName,
            &mut self.form.agent_name,
            "与代理人证件一致",
        );
        doc_type_radios(
            ui,
            core,
            local,
            FieldId::AgentDocType,
            &mut self.form.agent_doc_type,
        );
        let number = self.agent_number.form_input(
            ui,
            FieldId::AgentDocNumber.label(),
            "扫描或输入代理人证件号码",
            core.error_for(FieldId::AgentDocNumber, local),
        );
        after_field(core, FieldId::AgentDocNumber, &number);
        let mobile = text_field(
            ui,
            core,
            local,
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
                let (r, enter) = widgets::checkbox(ui, value, field.label());
                core.enter_submit |= enter;
                after_field(core, field, &r);
                error_under(ui, core, local, field);
            }
        });
        ui.end_row();

        widgets::enter_moves_on(ui, &[name, code, agent, number, mobile.clone()]);
        widgets::submitted(ui, &mobile) || std::mem::take(&mut core.enter_submit)
    }

    fn details(&mut self, ui: &mut egui::Ui, today: NaiveDate) {
        ui.label(RichText::new("单位代码核验").strong());
        ui.add_space(4.0);
        self.code.form_details(ui, today);
        ui.add_space(10.0);
        ui.label(RichText::new("代理人证件核验").strong());
        ui.add_space(4.0);
        self.agent_number.form_details(ui, today);
    }
}
