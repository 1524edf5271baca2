//! The existing document checks, applied to one form field each: the message
//! is the check's own first error, or a registration-specific refusal.

use chrono::NaiveDate;

use super::doc_type::IdDocType;
use super::field::{FieldErrors, FieldId};
use crate::domain::documents::result::{CheckResult, DocKind};
use crate::domain::documents::router::{check_code, check_identity, check_phone};

/// A number that passed its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub normalized: String,
    pub kind: DocKind,
    /// Warnings to show beside the field (not a refusal).
    pub warnings: Vec<String>,
    pub result: CheckResult,
}

fn with_stop(msg: &str) -> String {
    let m = msg.trim_end_matches(['。', '.', '；', ';']);
    format!("{m}。")
}

fn first_error(r: &CheckResult) -> String {
    r.errors()
        .next()
        .map(|f| with_stop(&f.message))
        .unwrap_or_else(|| "号码无效，请核对。".to_owned())
}

fn accepted(r: CheckResult) -> Checked {
    Checked {
        normalized: r.normalized.clone(),
        kind: r.kind,
        warnings: r.warnings().map(|f| with_stop(&f.message)).collect(),
        result: r,
    }
}

/// An identity-document number of the chosen type.
pub fn document(
    doc_type: Option<IdDocType>,
    raw: &str,
    today: NaiveDate,
) -> Result<Checked, String> {
    if raw.trim().is_empty() {
        return Err("请填写证件号码。".to_owned());
    }
    let r = check_identity(raw, today);
    if r.kind == DocKind::ResidentIdLegacy15 {
        return Err(
            "15 位旧身份证已于 2013 年 1 月 1 日停止使用：请出示现行有效的证件。".to_owned(),
        );
    }
    if !r.is_valid() {
        return Err(first_error(&r));
    }
    let Some(doc_type) = doc_type else {
        return Err("请先选择证件类型。".to_owned());
    };
    match IdDocType::of_number(r.kind, &r.normalized) {
        Some(t) if t == doc_type => Ok(accepted(r)),
        Some(t) => Err(format!(
            "该号码是{}号码，与所选证件类型“{}”不符：请核对证件类型。",
            t.label(),
            doc_type.label()
        )),
        None => Err(first_error(&r)),
    }
}

/// Where a form shows a document's type and number, and its sentence when
/// no type is chosen.
pub struct DocFields {
    pub doc_type: FieldId,
    pub number: FieldId,
    pub missing_type: &'static str,
}

/// A document number with its chosen type, checked into the form's
/// `errors` and `warnings`: a missing type is reported once, at the type.
pub fn typed_document(
    doc_type: Option<IdDocType>,
    raw: &str,
    today: NaiveDate,
    at: &DocFields,
    errors: &mut FieldErrors,
    warnings: &mut Vec<(FieldId, String)>,
) -> Option<Checked> {
    if doc_type.is_none() {
        errors.add(at.doc_type, at.missing_type);
    }
    let doc = document(doc_type, raw, today)
        .map_err(|e| {
            if doc_type.is_some() || !e.contains("证件类型") {
                errors.add(at.number, e);
            }
        })
        .ok();
    if let Some(d) = &doc {
        warnings.extend(d.warnings.iter().map(|w| (at.number, w.clone())));
    }
    doc
}

/// A mobile number (a landline cannot receive the 12123 verification SMS).
pub fn mobile(raw: &str, today: NaiveDate) -> Result<Checked, String> {
    if raw.trim().is_empty() {
        return Err("请填写手机号码。".to_owned());
    }
    let r = check_phone(raw, today);
    if r.kind == DocKind::Landline {
        return Err("请填写手机号码：固定电话收不到 12123 的验证短信。".to_owned());
    }
    if !r.is_valid() || r.kind != DocKind::Mobile {
        return Err(first_error(&r));
    }
    Ok(accepted(r))
}

/// What a mobile number earns beside its field while it is typed: a data-only
/// or satellite number may never receive the SMS. None until it is a valid
/// mobile (the field's error says what is wrong then).
pub fn mobile_warnings(raw: &str, today: NaiveDate) -> Vec<String> {
    mobile(raw, today).map(|c| c.warnings).unwrap_or_default()
}

/// A unified social credit code or a legacy organisation code.
pub fn company_code(raw: &str, today: NaiveDate) -> Result<Checked, String> {
    if raw.trim().is_empty() {
        return Err("请填写统一社会信用代码（或组织机构代码）。".to_owned());
    }
    let r = check_code(raw, today);
    if !r.is_valid() {
        return Err(first_error(&r));
    }
    Ok(accepted(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::registration::test_today as today;

    #[test]
    fn type_must_match_the_number() {
        let ok = document(Some(IdDocType::ResidentId), "110101199003070011", today()).unwrap();
        assert_eq!(ok.normalized, "110101199003070011");
        let e = document(Some(IdDocType::ForeignPr), "110101199003070011", today()).unwrap_err();
        assert!(e.contains("不符"), "{e}");
        assert!(
            document(
                Some(IdDocType::HkMacaoPermit),
                "810000199408230021",
                today()
            )
            .is_ok()
        );
        assert!(document(Some(IdDocType::TaiwanPermit), "810000199408230021", today()).is_err());
        assert!(document(Some(IdDocType::ForeignPr), "932682198501010017", today()).is_ok());
    }

    #[test]
    fn bad_check_digit_and_legacy_numbers_are_refused() {
        let e = document(Some(IdDocType::ResidentId), "110101199003070010", today()).unwrap_err();
        assert!(e.ends_with('。'));
        assert!(document(Some(IdDocType::ResidentId), "110101900307001", today()).is_err());
        assert!(document(Some(IdDocType::ResidentId), "  ", today()).is_err());
    }

    #[test]
    fn a_data_only_mobile_warns_and_a_plain_one_does_not() {
        let w = mobile_warnings("148 0000 0000", today());
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("148") && w[0].ends_with('。'), "{w:?}");
        assert!(mobile_warnings("17400000000", today())[0].contains("卫星"));
        assert!(mobile_warnings("13800138000", today()).is_empty());
        assert!(
            mobile_warnings("1480000", today()).is_empty(),
            "incomplete: the error speaks"
        );
    }

    #[test]
    fn mobile_only() {
        assert_eq!(
            mobile("+86 138 0013 8000", today())
                .unwrap()
                .normalized
                .len(),
            11
        );
        assert!(
            mobile("010-12345678", today())
                .unwrap_err()
                .contains("固定电话")
        );
        assert!(mobile("12345", today()).is_err());
    }

    #[test]
    fn credit_and_org_codes() {
        assert_eq!(
            company_code("91110000600037341L", today()).unwrap().kind,
            DocKind::CreditCode
        );
        assert_eq!(
            company_code("60003734-1", today()).unwrap().kind,
            DocKind::OrgCode
        );
        assert!(company_code("91110000600037341A", today()).is_err());
    }
}
