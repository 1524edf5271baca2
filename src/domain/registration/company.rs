//! 单位面签: the company, its code with breakdown, and the agent who comes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::checks::{self, DocFields};
use super::doc_type::IdDocType;
use super::field::{FieldErrors, FieldId};
use super::name::{company_name, person_name};
use crate::domain::documents::result::DocKind;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyDraft {
    pub company_name: String,
    /// Unified social credit code, or the legacy organisation code.
    pub code: String,
    pub agent_name: String,
    pub agent_doc_type: Option<IdDocType>,
    pub agent_doc_number: String,
    pub agent_mobile: String,
    pub sighted_licence: bool,
    pub sighted_authorization: bool,
    pub sighted_agent_id: bool,
}

/// What the code says about the company, for the form and the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditBreakdown {
    /// 统一社会信用代码 or 组织机构代码.
    pub code_label: String,
    pub authority: Option<String>,
    pub entity_type: Option<String>,
    pub registrar_region: Option<String>,
    /// `XXXXXXXX-X`.
    pub org_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCompany {
    pub name: String,
    pub code: String,
    pub code_kind: DocKind,
    pub breakdown: CreditBreakdown,
    pub agent_name: String,
    pub agent_doc_type: IdDocType,
    pub agent_doc_number: String,
    pub agent_mobile: String,
    pub warnings: Vec<(FieldId, String)>,
}

impl CompanyDraft {
    /// A synthetic company that validates, every original sighted: the demo
    /// registers it and the tests start from it.
    pub fn sample(company_name: &str) -> Self {
        CompanyDraft {
            company_name: company_name.to_owned(),
            code: "91110000600037341L".into(),
            agent_name: "李四".into(),
            agent_doc_type: Some(IdDocType::ResidentId),
            agent_doc_number: "110101200002290018".into(),
            agent_mobile: "13900139000".into(),
            sighted_licence: true,
            sighted_authorization: true,
            sighted_agent_id: true,
        }
    }

    pub fn validate(&self, today: NaiveDate) -> Result<ValidCompany, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut warnings = Vec::new();
        let name = company_name(&self.company_name)
            .map_err(|e| errors.add(FieldId::CompanyName, e))
            .ok();
        let code = checks::company_code(&self.code, today)
            .map_err(|e| errors.add(FieldId::CreditCode, e))
            .ok();
        if let Some(c) = &code {
            warnings.extend(c.warnings.iter().map(|w| (FieldId::CreditCode, w.clone())));
        }
        let allow_latin = self
            .agent_doc_type
            .is_some_and(IdDocType::allows_latin_name);
        let agent_name = person_name(&self.agent_name, allow_latin)
            .map_err(|e| errors.add(FieldId::AgentName, e))
            .ok();
        let agent_doc = checks::typed_document(
            self.agent_doc_type,
            &self.agent_doc_number,
            today,
            &DocFields {
                doc_type: FieldId::AgentDocType,
                number: FieldId::AgentDocNumber,
                missing_type: "请选择代理人证件类型。",
            },
            &mut errors,
            &mut warnings,
        );
        let agent_mobile = checks::mobile(&self.agent_mobile, today)
            .map_err(|e| errors.add(FieldId::AgentMobile, e))
            .ok();
        if let Some(m) = &agent_mobile {
            warnings.extend(m.warnings.iter().map(|w| (FieldId::AgentMobile, w.clone())));
        }
        if !self.sighted_licence {
            errors.add(
                FieldId::SightedLicence,
                "请核验营业执照（或组织机构代码证书）原件后勾选。",
            );
        }
        if !self.sighted_authorization {
            errors.add(FieldId::SightedAuthorization, "请核验委托书原件后勾选。");
        }
        if !self.sighted_agent_id {
            errors.add(
                FieldId::SightedAgentId,
                "请核验代理人身份证明原件并确认人证一致后勾选。",
            );
        }
        match (
            name,
            code,
            agent_name,
            self.agent_doc_type,
            agent_doc,
            agent_mobile,
        ) {
            (Some(name), Some(code), Some(agent_name), Some(t), Some(doc), Some(mobile))
                if errors.is_empty() =>
            {
                let f = &code.result.fields;
                let breakdown = CreditBreakdown {
                    code_label: code.kind.label().to_owned(),
                    authority: f.authority.map(str::to_owned),
                    entity_type: f.entity_type.map(str::to_owned),
                    registrar_region: f.region.as_ref().map(|r| r.display_name()),
                    org_code: f.org_code.clone(),
                };
                Ok(ValidCompany {
                    name,
                    code: code.normalized,
                    code_kind: code.kind,
                    breakdown,
                    agent_name,
                    agent_doc_type: t,
                    agent_doc_number: doc.normalized,
                    agent_mobile: mobile.normalized,
                    warnings,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::registration::test_today as today;

    fn good() -> CompanyDraft {
        CompanyDraft::sample("北京某某科技有限公司")
    }

    #[test]
    fn validates_with_breakdown() {
        let v = good().validate(today()).unwrap();
        assert_eq!(v.code_kind, DocKind::CreditCode);
        assert_eq!(v.breakdown.org_code.as_deref(), Some("60003734-1"));
        assert!(v.breakdown.entity_type.is_some());
        let v = CompanyDraft {
            code: "60003734-1".into(),
            ..good()
        }
        .validate(today())
        .unwrap();
        assert_eq!(v.code, "600037341");
    }

    #[test]
    fn the_agent_mobile_warns_like_a_person_mobile() {
        let v = CompanyDraft {
            agent_mobile: "14800000000".into(),
            ..good()
        }
        .validate(today())
        .unwrap();
        assert!(
            v.warnings
                .iter()
                .any(|(f, w)| *f == FieldId::AgentMobile && w.contains("148")),
            "{:?}",
            v.warnings
        );
    }

    #[test]
    fn each_original_must_be_ticked() {
        let d = CompanyDraft {
            sighted_licence: false,
            sighted_authorization: false,
            sighted_agent_id: false,
            ..good()
        };
        let e = d.validate(today()).unwrap_err();
        assert_eq!(e.len(), 3);
        assert_eq!(e.first_invalid_field(), Some(FieldId::SightedLicence));
    }

    #[test]
    fn a_bad_code_points_at_the_code() {
        let d = CompanyDraft {
            code: "91110000600037341A".into(),
            company_name: " ".into(),
            ..good()
        };
        let e = d.validate(today()).unwrap_err();
        assert_eq!(e.first_invalid_field(), Some(FieldId::CompanyName));
        assert!(e.get(FieldId::CreditCode).is_some());
    }
}
