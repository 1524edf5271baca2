//! 个人面签: the applicant's document (type, number with the live 证件核验
//! breakdown beside it), name, mobile, why they register at the counter, the
//! tick that the original was sighted, optional scans; then the record and
//! its receipt. The screen around it is [`RegistrationScreen`].

use chrono::NaiveDate;
use eframe::egui::{self, RichText};

use crate::app::registration::Req;
use crate::app::registration::attachments::PreparedScan;
use crate::domain::documents::result::DocKind;
use crate::domain::registration::{
    FieldErrors, FieldId, IdDocType, PersonDraft, ReasonKind, RegistrationKind, ScanSlot, checks,
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

pub type PersonRegistration = RegistrationScreen<PersonForm>;

pub struct PersonForm {
    pub form: PersonDraft,
    pub number: IdCheckPanel,
}

impl FormBody for PersonForm {
    type Draft = PersonDraft;
    const SCREEN: ScreenId = ScreenId::PersonRegistration;
    const KIND: RegistrationKind = RegistrationKind::Person;
    const INTRO: &'static str = "核对申请人身份证明原件，人证一致后登记。Tab 切换项目，空格勾选，回车到下一项，最后一项回车或 Ctrl+Enter 提交，Esc 放弃。";
    const SUBMIT: &'static str = "提交面签登记 (Ctrl+Enter)";
    const SCANS_TITLE: &'static str = "证件扫描件";
    const NOTE: Option<&'static str> = None;

    fn new() -> Self {
        PersonForm {
            form: PersonDraft::default(),
            number: IdCheckPanel::new().with_id_salt("person_doc"),
        }
    }

    fn draft(&self) -> PersonDraft {
        let mut form = self.form.clone();
        form.doc_number = self.number.text().to_owned();
        form
    }

    fn restore(&mut self, draft: PersonDraft) {
        self.number.set_text(draft.doc_number.clone());
        self.form = draft;
    }

    fn sync(&mut self) {
        self.form.doc_number = self.number.text().to_owned();
        if self.form.doc_type.is_none()
            && let Some(r) = self.number.result()
            && !r.looks_incomplete()
            && r.kind != DocKind::Unknown
        {
            self.form.doc_type = IdDocType::of_number(r.kind, &r.normalized);
        }
    }

    fn errors(&self, today: NaiveDate) -> FieldErrors {
        self.form.validate(today).err().unwrap_or_default()
    }

    fn warnings(&self, today: NaiveDate) -> Vec<(FieldId, String)> {
        checks::mobile_warnings(&self.form.mobile, today)
            .into_iter()
            .map(|w| (FieldId::Mobile, w))
            .collect()
    }

    fn request(&self, scans: Vec<(ScanSlot, PreparedScan)>, key: String) -> Req {
        Req::SubmitPerson {
            form: self.form.clone(),
            scans,
            idempotency_key: key,
        }
    }

    fn complete_number(&self) -> Option<String> {
        self.number
            .result()
            .filter(|r| r.is_valid())
            .map(|r| r.normalized.clone())
    }

    fn mobile(&self) -> &str {
        &self.form.mobile
    }

    fn focus_first(&mut self, _core: &mut FormCore) {
        // The number comes first: it picks its own document type.
        self.number.request_focus();
    }

    fn fields(&mut self, ui: &mut egui::Ui, core: &mut FormCore, local: &FieldErrors) -> bool {
        doc_type_radios(ui, core, local, FieldId::DocType, &mut self.form.doc_type);

        let number = self.number.form_input(
            ui,
            FieldId::DocNumber.label(),
            "扫描或输入证件号码",
            core.error_for(FieldId::DocNumber, local),
        );
        after_field(core, FieldId::DocNumber, &number);

        let allow_latin = self.form.doc_type.is_some_and(IdDocType::allows_latin_name);
        let name_hint = if allow_latin {
            "与证件一致；可用拉丁字母"
        } else {
            "与证件一致；少数民族、外国人姓名用间隔号 ·"
        };
        let name = text_field(
            ui,
            core,
            local,
            FieldId::Name,
            &mut self.form.name,
            name_hint,
        );
        let mobile = text_field(
            ui,
            core,
            local,
            FieldId::Mobile,
            &mut self.form.mobile,
            "11 位手机号码",
        );

        ui.label(FieldId::Reason.label());
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                for (i, k) in ReasonKind::ALL.into_iter().enumerate() {
                    let (r, enter) =
                        widgets::radio_value(ui, &mut self.form.reason, Some(k), k.label());
                    core.enter_submit |= enter;
                    if i == 0 {
                        after_field(core, FieldId::Reason, &r);
                    }
                }
            });
            error_under(ui, core, local, FieldId::Reason);
        });
        ui.end_row();

        let mut last = mobile.clone();
        if self.form.reason == Some(ReasonKind::Other) {
            last = text_field(
                ui,
                core,
                local,
                FieldId::ReasonText,
                &mut self.form.reason_text,
                "请说明原因",
            );
        }

        ui.label("");
        ui.vertical(|ui| {
            let (r, enter) = widgets::checkbox(
                ui,
                &mut self.form.identity_confirmed,
                FieldId::IdentityConfirmed.label(),
            );
            core.enter_submit |= enter;
            after_field(core, FieldId::IdentityConfirmed, &r);
            error_under(ui, core, local, FieldId::IdentityConfirmed);
        });
        ui.end_row();

        widgets::enter_moves_on(ui, &[number, name, mobile]);
        widgets::submitted(ui, &last) || std::mem::take(&mut core.enter_submit)
    }

    fn details(&mut self, ui: &mut egui::Ui, today: NaiveDate) {
        ui.label(RichText::new("证件号码核验").strong());
        ui.add_space(4.0);
        self.number.form_details(ui, today);
    }
}
