//! `check-db` on the office server: every row of the tables a clerk reads is
//! decoded by the same decoders the store uses (as `store/sqlite/values.rs`
//! does on a file), streamed through a portal so a big hall's tables never
//! sit in memory. File-level integrity (pages, indexes) is the server's own
//! business and IT's, not the workstation's.

use std::ops::ControlFlow;

use ::postgres::Row;

use super::PgTx;
use crate::store::StoreError;
use crate::store::sql::values::checks;
use crate::store::sql::{applications, clerks, decisions, registrations};

impl PgTx<'_> {
    /// Rows decoded per table, or the first row a decoder refuses
    /// ([`StoreError::CorruptRow`] naming table, row and column).
    pub fn check_values(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let sql = checks();
        Ok(vec![
            ("clerks", self.check(&sql.clerks, |r| clerks::record(r))?),
            (
                "applications",
                self.check(&sql.applications, |r| applications::record(r))?,
            ),
            (
                "registrations",
                self.check(&sql.registrations, |r| registrations::record(r))?,
            ),
            (
                "decisions",
                self.check(&sql.decisions, |r| decisions::record(r))?,
            ),
            (
                "outbox",
                self.check(&sql.outbox, |r| decisions::outbox_row(r))?,
            ),
        ])
    }

    /// How many rows of `sql` `decode` takes, streamed.
    fn check<T>(
        &self,
        sql: &str,
        decode: impl Fn(super::PgRow<'_>) -> Result<T, StoreError>,
    ) -> Result<u64, StoreError> {
        let mut n = 0;
        self.stream(sql, &[], |r: &Row| {
            decode(self.row(r)).map(|_| tick(&mut n))
        })?;
        Ok(n)
    }
}

fn tick(n: &mut u64) -> ControlFlow<()> {
    *n += 1;
    ControlFlow::Continue(())
}
