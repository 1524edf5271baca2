//! Identity documents accepted at the counter, and which number shapes belong
//! to each (the router decides what a number is; the type must agree).

use serde::{Deserialize, Serialize};

use crate::domain::documents::result::DocKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdDocType {
    ResidentId,
    HkMacaoPermit,
    TaiwanPermit,
    ForeignPr,
}

impl IdDocType {
    pub const ALL: [IdDocType; 4] = [
        IdDocType::ResidentId,
        IdDocType::HkMacaoPermit,
        IdDocType::TaiwanPermit,
        IdDocType::ForeignPr,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IdDocType::ResidentId => "resident_id",
            IdDocType::HkMacaoPermit => "hk_macao_permit",
            IdDocType::TaiwanPermit => "taiwan_permit",
            IdDocType::ForeignPr => "foreign_pr",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            IdDocType::ResidentId => "居民身份证",
            IdDocType::HkMacaoPermit => "港澳居民居住证",
            IdDocType::TaiwanPermit => "台湾居民居住证",
            IdDocType::ForeignPr => "外国人永久居留身份证",
        }
    }

    /// Foreign permanent residents may be registered under a Latin name.
    pub fn allows_latin_name(self) -> bool {
        self == IdDocType::ForeignPr
    }

    /// The document type a checked number belongs to, if any is current.
    pub fn of_number(kind: DocKind, normalized: &str) -> Option<IdDocType> {
        match kind {
            DocKind::ResidentId => Some(IdDocType::ResidentId),
            DocKind::HmtPermit if normalized.starts_with("830000") => Some(IdDocType::TaiwanPermit),
            DocKind::HmtPermit => Some(IdDocType::HkMacaoPermit),
            DocKind::ForeignPr | DocKind::ForeignPrLegacy => Some(IdDocType::ForeignPr),
            _ => None,
        }
    }
}
