//! Pure rules: no I/O, no egui. Every rule the counter enforces lives here once,
//! grouped by family: `documents/` (numbers, codes, licences, working days) and
//! `clerks/` (staff, sessions, audit). "Today" and "now" are always
//! parameters: nothing here reads the clock.

pub mod clerks;
pub mod documents;
/// Data exchange: the import batch format, the export manifest, their limits.
pub mod exchange;
pub mod registration;
/// The review queue: application kinds and states, reasons, notices, pre-checks.
pub mod review;

// The families' modules under their short names, so `domain::identity`
// and `domain::audit` read as before.
pub use clerks::{anchor, audit, clerk, idle, lockout, password, settings};
pub use documents::{
    checksum, credit_code, findings, foreign_pr, holidays, identity, licence, normalize, org_code,
    phone, regions, result, router, rules,
};

pub use result::{CheckResult, DocKind, Fields, Finding, Gender, RegionInfo, Severity, Verdict};
pub use router::{check_any, check_code, check_identity, check_phone};
