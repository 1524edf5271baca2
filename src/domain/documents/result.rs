//! The one structured result every check returns.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

/// Which document family an input was judged as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    ResidentId,
    #[serde(rename = "resident_id_legacy15")]
    ResidentIdLegacy15,
    HmtPermit,
    ForeignPr,
    ForeignPrLegacy,
    CreditCode,
    OrgCode,
    Mobile,
    Landline,
    Unknown,
}

impl DocKind {
    /// Stable machine name (same as the serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::ResidentId => "resident_id",
            DocKind::ResidentIdLegacy15 => "resident_id_legacy15",
            DocKind::HmtPermit => "hmt_permit",
            DocKind::ForeignPr => "foreign_pr",
            DocKind::ForeignPrLegacy => "foreign_pr_legacy",
            DocKind::CreditCode => "credit_code",
            DocKind::OrgCode => "org_code",
            DocKind::Mobile => "mobile",
            DocKind::Landline => "landline",
            DocKind::Unknown => "unknown",
        }
    }

    /// Name shown to clerks.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::ResidentId => "居民身份证号码",
            DocKind::ResidentIdLegacy15 => "15 位旧身份证号码",
            DocKind::HmtPermit => "港澳台居民居住证",
            DocKind::ForeignPr => "外国人永久居留身份证",
            DocKind::ForeignPrLegacy => "外国人永久居留证（旧版）",
            DocKind::CreditCode => "统一社会信用代码",
            DocKind::OrgCode => "组织机构代码",
            DocKind::Mobile => "手机号码",
            DocKind::Landline => "固定电话",
            DocKind::Unknown => "无法识别",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocVerdict {
    Valid,
    ValidWithWarnings,
    Invalid,
}

impl DocVerdict {
    pub fn label(self) -> &'static str {
        match self {
            DocVerdict::Valid => "有效",
            DocVerdict::ValidWithWarnings => "有效（有提示）",
            DocVerdict::Invalid => "无效",
        }
    }
}

pub use super::findings::Severity;

/// One problem: a stable snake_case code plus a Chinese message saying what
/// is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: Cow<'static, str>,
}

/// Every message a clerk reads ends as a sentence: "。" is added unless it
/// already ends with 。！？, trails off (…, a running task), or closes a
/// bracketed sentence (。）).
pub fn sentence(message: impl Into<Cow<'static, str>>) -> Cow<'static, str> {
    let m = message.into();
    let trimmed = m.trim_end();
    if trimmed.is_empty() || trimmed.ends_with(['。', '！', '？', '…']) || trimmed.ends_with("。）")
    {
        return m;
    }
    let mut owned = trimmed.to_owned();
    owned.push('。');
    Cow::Owned(owned)
}

impl Finding {
    pub fn error(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Finding {
            code,
            severity: Severity::Error,
            message: sentence(message),
        }
    }
    pub fn warning(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Finding {
            code,
            severity: Severity::Warning,
            message: sentence(message),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Gender {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

pub use super::regions::RegionInfo;

/// Fields parsed from the input; which ones are set depends on the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fields {
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ymd")]
    pub birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// Address code (IDs) or registrar division (credit codes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionInfo>,
    /// 18-digit form of a legacy 15-digit number (for matching old records).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_18: Option<String>,
    /// ISO 3166-1 nationality code (numeric on new PR cards, alpha-3 on old ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality_code: Option<String>,
    /// Credit code: 登记管理部门.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<&'static str>,
    /// Credit code: 机构类别.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<&'static str>,
    /// Organisation code as displayed, `XXXXXXXX-X`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_code: Option<String>,
    /// Landline area code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_code: Option<String>,
    /// Landline extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// `YYYY-MM-DD` without enabling chrono's serde feature for the whole build.
fn ymd<S: serde::Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
        None => s.serialize_none(),
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Exactly what was typed or read (audit trail).
    pub input: String,
    pub normalized: String,
    pub kind: DocKind,
    pub verdict: DocVerdict,
    pub findings: Vec<Finding>,
    pub fields: Fields,
}

impl CheckResult {
    /// Invalid only because it is shorter than any accepted shape: a number
    /// still being typed or scanned. The UI shows a neutral 输入中 for it
    /// instead of a red 无效. A length that some shape accepts (11-digit
    /// mobile, 9-character organisation code, 15-character legacy numbers,
    /// a landline with its local number) is judged as it stands.
    pub fn looks_incomplete(&self) -> bool {
        let n = self.normalized.as_bytes();
        if self.verdict != DocVerdict::Invalid
            || n.is_empty()
            || n.len() >= 18
            || !n.iter().all(u8::is_ascii_alphanumeric)
        {
            return false;
        }
        let complete_shorter = n.len() == 15
            || n.len() == 9
            || (n.len() == 11 && n[0] == b'1')
            || (n[0] == b'0' && n.len() >= 10);
        !complete_shorter
    }

    /// Builds a result; the verdict follows from the findings.
    pub fn new(
        input: &str,
        normalized: String,
        kind: DocKind,
        findings: Vec<Finding>,
        fields: Fields,
    ) -> Self {
        let verdict = verdict_of(&findings);
        CheckResult {
            input: input.to_owned(),
            normalized,
            kind,
            verdict,
            findings,
            fields,
        }
    }

    pub fn is_valid(&self) -> bool {
        self.verdict != DocVerdict::Invalid
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// True when a supervisor may override the rejection with a recorded
    /// reason (the Xiamen pre-2016 credit-code exception).
    pub fn supervisor_may_override(&self) -> bool {
        self.verdict == DocVerdict::Invalid
            && self
                .findings
                .iter()
                .any(|f| f.code == super::findings::CREDIT_CHECK_XIAMEN_OVERRIDE)
            && self
                .errors()
                .all(|f| f.code == super::findings::CREDIT_CHECK_MISMATCH)
    }
}

/// Any error → invalid; else any warning → valid with warnings.
pub fn verdict_of(findings: &[Finding]) -> DocVerdict {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        DocVerdict::Invalid
    } else if findings.is_empty() {
        DocVerdict::Valid
    } else {
        DocVerdict::ValidWithWarnings
    }
}

#[cfg(test)]
mod incomplete_tests {
    use crate::domain::documents::router::check_any;
    use chrono::NaiveDate;

    #[test]
    fn partial_numbers_are_incomplete_and_wrong_ones_are_not() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        for partial in [
            "1",
            "02",
            "0755",
            "11010119900307",
            "9111000060",
            "ABC",
            "6000373",
            "13800",
        ] {
            assert!(check_any(partial, today).looks_incomplete(), "{partial}");
        }
        for whole in [
            "12345678901",
            "110101199003070010",
            "60003734-2",
            "110101199003070011",
            "0755-1234567",
            "汉字",
        ] {
            assert!(!check_any(whole, today).looks_incomplete(), "{whole}");
        }
    }
}
