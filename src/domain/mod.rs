//! Pure rules: no I/O, no egui. Every rule the counter enforces lives here once,
//! grouped by family: `documents/` (numbers, codes, licences, working days) and
//! `clerks/` (staff, sessions, audit). "Today" and "now" are always
//! parameters: nothing here reads the clock.

pub mod clerks;
pub mod digest;
pub mod documents;
/// Data exchange: the import batch format, the export manifest, their limits.
pub mod exchange;
pub mod mask;
pub mod registration;
/// The review queue: application kinds and states, reasons, notices, pre-checks.
pub mod review;
