//! The backup log on the server. The server itself is backed up by IT
//! (pg_dump or the hall's own routine), not by a workstation copying a
//! file; `Store::backup_to` refuses on this backend. The log stays, so a
//! reminder or an IT tool can record what was made.

use chrono::{DateTime, Utc};

use super::{PgTx, big};
use crate::store::StoreError;
use crate::store::exchange::{Backups, NewBackup};
use crate::store::time;

impl Backups for PgTx<'_> {
    fn record_backup(&self, b: &NewBackup<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO backups (at, file, bytes, auto) VALUES ($1, $2, $3, $4)",
            &[
                &time::format(now),
                &b.file.to_string_lossy().as_ref(),
                &big(b.bytes),
                &i64::from(b.auto),
            ],
        )
        .map(drop)
    }

    fn last_backup_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.opt("SELECT id, at FROM backups ORDER BY id DESC LIMIT 1", &[])?
            .map(|r| self.cols(&r, "backups", 0)?.time(1, "at"))
            .transpose()
    }
}
