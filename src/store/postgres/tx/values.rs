//! `check-db` on the office server: every row of the tables a clerk reads is
//! decoded by the same decoders the store uses (as `store/sqlite/values.rs`
//! does on a file), streamed through a portal so a big hall's tables never
//! sit in memory. File-level integrity (pages, indexes) is the server's own
//! business and IT's, not the workstation's.

use std::ops::ControlFlow;

use super::{PgTx, clerks, decisions, outbox};
use crate::store::StoreError;
use crate::store::sql::applications as sql_applications;
use crate::store::sql::registrations as sql_registrations;

impl PgTx<'_> {
    /// Rows decoded per table, or the first row a decoder refuses
    /// ([`StoreError::CorruptRow`] naming table, row and column).
    pub fn check_values(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let mut counts = Vec::new();
        let mut n = 0;
        self.stream(
            &format!("SELECT {} FROM clerks ORDER BY id", clerks::COLUMNS),
            &[],
            |r| self.clerk(r).map(|_| tick(&mut n)),
        )?;
        counts.push(("clerks", std::mem::take(&mut n)));
        self.stream(
            &format!(
                "SELECT {} {} ORDER BY a.id",
                sql_applications::RECORD_COLUMNS,
                sql_applications::FROM
            ),
            &[],
            |r| self.application_record(r).map(|_| tick(&mut n)),
        )?;
        counts.push(("applications", std::mem::take(&mut n)));
        self.stream(
            &format!(
                "SELECT {} {} ORDER BY r.id",
                sql_registrations::COLUMNS,
                sql_registrations::FROM
            ),
            &[],
            |r| self.registration_record(r).map(|_| tick(&mut n)),
        )?;
        counts.push(("registrations", std::mem::take(&mut n)));
        self.stream(
            &format!(
                "SELECT {} FROM decisions d LEFT JOIN clerks c ON c.id = d.decided_by ORDER BY d.id",
                decisions::COLUMNS
            ),
            &[],
            |r| self.decision(r).map(|_| tick(&mut n)),
        )?;
        counts.push(("decisions", std::mem::take(&mut n)));
        self.stream(
            &format!("SELECT {} FROM outbox ORDER BY id", outbox::COLUMNS),
            &[],
            |r| self.outbox_row(r).map(|_| tick(&mut n)),
        )?;
        counts.push(("outbox", n));
        Ok(counts)
    }
}

fn tick(n: &mut u64) -> ControlFlow<()> {
    *n += 1;
    ControlFlow::Continue(())
}
