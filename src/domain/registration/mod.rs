//! 面签注册 (in-person registration): the pure rules. Forms arrive as drafts of
//! raw strings and leave as validated values or per-field Chinese messages.

pub mod checks;
pub mod company;
pub mod doc_type;
pub mod field;
pub mod name;
pub mod number;
pub mod person;
pub mod reason;
pub mod scan;
pub mod status;

pub use company::{CompanyDraft, CreditBreakdown, ValidCompany};
pub use doc_type::IdDocType;
pub use field::{FieldErrors, FieldId};
pub use number::RegistrationNo;
pub use person::{PersonDraft, ValidPerson};
pub use reason::{Reason, ReasonKind};
pub use scan::ScanSlot;
pub use status::{RegistrationKind, RegistrationStatus};

/// The day the registration rules are tested on.
#[cfg(test)]
pub(crate) fn test_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}
