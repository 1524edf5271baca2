//! `check-db`'s value check: the statements whose every row each backend
//! decodes with the decoders the app uses, so a corrupt status, code or
//! date is found (and named) before a clerk meets it.

use super::{applications, clerks, decisions, registrations};

/// One statement per table a clerk reads, each in id order.
pub struct Checks {
    pub clerks: String,
    pub applications: String,
    pub registrations: String,
    pub decisions: String,
    pub outbox: String,
}

pub fn checks() -> Checks {
    Checks {
        clerks: format!("SELECT {} FROM clerks ORDER BY id", clerks::COLUMNS),
        applications: format!(
            "SELECT {} {} ORDER BY a.id",
            applications::RECORD_COLUMNS,
            applications::FROM
        ),
        registrations: format!(
            "SELECT {} {} ORDER BY r.id",
            registrations::COLUMNS,
            registrations::FROM
        ),
        decisions: format!(
            "SELECT {} {} ORDER BY d.id",
            decisions::COLUMNS,
            decisions::FROM
        ),
        outbox: format!(
            "SELECT {} FROM outbox ORDER BY id",
            decisions::OUTBOX_COLUMNS
        ),
    }
}
