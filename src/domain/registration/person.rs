//! 个人面签: the form as typed, and the validated registration.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::checks::{self, DocFields};
use super::doc_type::IdDocType;
use super::field::{FieldErrors, FieldId};
use super::name::person_name;
use super::reason::{Reason, ReasonKind};

/// What the clerk typed; serialisable so a screen can keep it as a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDraft {
    pub doc_type: Option<IdDocType>,
    pub doc_number: String,
    pub name: String,
    pub mobile: String,
    pub reason: Option<ReasonKind>,
    pub reason_text: String,
    /// 已核验身份证明原件，人证一致
    pub identity_confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    pub doc_type: IdDocType,
    /// Normalised document number.
    pub doc_number: String,
    pub name: String,
    /// Normalised 11-digit mobile number.
    pub mobile: String,
    pub reason: Reason,
    /// Non-blocking notes to show beside their fields.
    pub warnings: Vec<(FieldId, String)>,
}

impl PersonDraft {
    /// Every field is checked, so the clerk sees all problems at once.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidPerson, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut warnings = Vec::new();
        let doc = checks::typed_document(
            self.doc_type,
            &self.doc_number,
            today,
            &DocFields {
                doc_type: FieldId::DocType,
                number: FieldId::DocNumber,
                missing_type: "请选择证件类型。",
            },
            &mut errors,
            &mut warnings,
        );
        let allow_latin = self.doc_type.is_some_and(IdDocType::allows_latin_name);
        let name = person_name(&self.name, allow_latin)
            .map_err(|e| errors.add(FieldId::Name, e))
            .ok();
        let mobile = checks::mobile(&self.mobile, today)
            .map_err(|e| errors.add(FieldId::Mobile, e))
            .ok();
        if let Some(m) = &mobile {
            warnings.extend(m.warnings.iter().map(|w| (FieldId::Mobile, w.clone())));
        }
        let reason = match self.reason {
            None => {
                errors.add(FieldId::Reason, "请选择办理原因。");
                None
            }
            Some(kind) => Reason::new(kind, &self.reason_text)
                .map_err(|e| errors.add(FieldId::ReasonText, e))
                .ok(),
        };
        if !self.identity_confirmed {
            errors.add(
                FieldId::IdentityConfirmed,
                "请核验身份证明原件并确认人证一致后勾选。",
            );
        }
        match (self.doc_type, doc, name, mobile, reason) {
            (Some(doc_type), Some(doc), Some(name), Some(mobile), Some(reason))
                if errors.is_empty() =>
            {
                Ok(ValidPerson {
                    doc_type,
                    doc_number: doc.normalized,
                    name,
                    mobile: mobile.normalized,
                    reason,
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

    pub fn good() -> PersonDraft {
        PersonDraft {
            doc_type: Some(IdDocType::ResidentId),
            doc_number: "110101 19900307 0011".into(),
            name: "张三".into(),
            mobile: "138-0013-8000".into(),
            reason: Some(ReasonKind::FaceCheckFailed),
            reason_text: String::new(),
            identity_confirmed: true,
        }
    }

    #[test]
    fn a_good_form_validates_and_normalises() {
        let v = good().validate(today()).unwrap();
        assert_eq!(v.doc_number, "110101199003070011");
        assert_eq!(v.mobile, "13800138000");
        assert_eq!(v.reason, Reason::FaceCheckFailed);
    }

    #[test]
    fn every_problem_is_reported_with_the_first_field_for_focus() {
        let d = PersonDraft {
            doc_type: Some(IdDocType::ResidentId),
            doc_number: "110101199003070010".into(),
            name: "   ".into(),
            mobile: "010-12345678".into(),
            reason: Some(ReasonKind::Other),
            reason_text: " ".into(),
            identity_confirmed: false,
        };
        let e = d.validate(today()).unwrap_err();
        assert_eq!(e.first_invalid_field(), Some(FieldId::DocNumber));
        for f in [
            FieldId::DocNumber,
            FieldId::Name,
            FieldId::Mobile,
            FieldId::ReasonText,
            FieldId::IdentityConfirmed,
        ] {
            let m = e.get(f).unwrap_or_else(|| panic!("{f:?} missing"));
            assert!(m.ends_with('。'), "{m}");
        }
    }

    #[test]
    fn the_type_must_match_the_number() {
        let d = PersonDraft {
            doc_type: Some(IdDocType::HkMacaoPermit),
            ..good()
        };
        let e = d.validate(today()).unwrap_err();
        assert!(e.get(FieldId::DocNumber).unwrap().contains("不符"));
    }

    #[test]
    fn a_missing_type_points_at_the_type() {
        let d = PersonDraft {
            doc_type: None,
            ..good()
        };
        let e = d.validate(today()).unwrap_err();
        assert_eq!(e.first_invalid_field(), Some(FieldId::DocType));
        assert!(e.get(FieldId::DocNumber).is_none());
    }

    #[test]
    fn foreign_pr_holders_may_use_latin_names() {
        let d = PersonDraft {
            doc_type: Some(IdDocType::ForeignPr),
            doc_number: "932682198501010017".into(),
            name: "Anna Schmidt".into(),
            ..good()
        };
        assert_eq!(d.validate(today()).unwrap().name, "ANNA SCHMIDT");
        let d = PersonDraft {
            name: "Anna Schmidt".into(),
            ..good()
        };
        assert!(d.validate(today()).is_err());
    }
}
