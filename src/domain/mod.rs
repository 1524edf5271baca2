//! Pure rules: no I/O, no egui. Every rule the counter enforces lives here once.
//! "Today" and "now" are always parameters: nothing here reads the clock.

pub mod audit;
pub mod checksum;
pub mod clerk;
pub mod credit_code;
pub mod findings;
pub mod foreign_pr;
pub mod holidays;
pub mod identity;
pub mod idle;
pub mod licence;
pub mod lockout;
pub mod normalize;
pub mod org_code;
pub mod password;
pub mod phone;
pub mod regions;
pub mod result;
pub mod review;
pub mod router;
pub mod rules;
pub mod settings;

pub use result::{CheckResult, DocKind, Fields, Finding, Gender, RegionInfo, Severity, Verdict};
pub use router::{check_any, check_code, check_identity, check_phone};
