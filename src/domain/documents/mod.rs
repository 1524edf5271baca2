//! Document rules (documents.md): identity numbers, credit and organisation
//! codes, phones, regions, driving licences, working days. Dependencies run
//! one way: `findings` (codes, severity) ← `result` → `regions`.

pub mod checksum;
pub mod credit_code;
pub mod findings;
pub mod foreign_pr;
pub mod holidays;
pub mod identity;
pub mod licence;
pub mod normalize;
pub mod org_code;
pub mod phone;
pub mod regions;
pub mod result;
pub mod router;
pub mod rules;
