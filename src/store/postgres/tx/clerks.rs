//! `clerks` table: accounts, password hashes, lockout counters, shared by
//! every counter of the hall.

use ::postgres::Row;
use chrono::{DateTime, Utc};

use super::PgTx;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::lockout::LockoutState;
use crate::store::StoreError;
use crate::store::clerks::{ClerkRecord, Clerks, NewClerk, SignedIn};
use crate::store::time;

pub(super) const COLUMNS: &str = "id, username, display_name, role, password_hash, must_change_password, \
     disabled, failed_attempts, locked_until, created_at";

impl PgTx<'_> {
    pub(super) fn clerk(&self, r: &Row) -> Result<ClerkRecord, StoreError> {
        let c = self.cols(r, "clerks", 0)?;
        Ok(ClerkRecord {
            id: c.id(),
            username: c.get(1)?,
            display_name: c.get(2)?,
            role: c.code(3, "role", Role::from_code)?,
            password_hash: c.get(4)?,
            must_change_password: c.flag(5, "must_change_password")?,
            disabled: c.flag(6, "disabled")?,
            lockout: LockoutState {
                failures: c.u32(7, "failed_attempts")?,
                locked_until: c.opt_time(8, "locked_until")?,
            },
            created_at: c.time(9, "created_at")?,
        })
    }
}

impl Clerks for PgTx<'_> {
    fn clerk_count(&self) -> Result<i64, StoreError> {
        self.scalar("SELECT count(*) FROM clerks", &[])
    }

    fn active_admin_count(&self) -> Result<i64, StoreError> {
        self.scalar(
            "SELECT count(*) FROM clerks WHERE role = 'admin' AND disabled = 0",
            &[],
        )
    }

    fn insert_clerk(&self, c: &NewClerk, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let at = time::format(now);
        let must_change = i64::from(c.must_change_password);
        self.scalar(
            "INSERT INTO clerks (username, display_name, role, password_hash, \
                 must_change_password, created_at, password_changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            &[
                &c.username,
                &c.display_name,
                &c.role.code(),
                &c.password_hash,
                &must_change,
                &at,
            ],
        )
    }

    fn clerk_by_username(&self, username: &str) -> Result<Option<ClerkRecord>, StoreError> {
        self.opt(
            &format!("SELECT {COLUMNS} FROM clerks WHERE username = $1"),
            &[&username],
        )?
        .map(|r| self.clerk(&r))
        .transpose()
    }

    fn clerk_by_id(&self, id: i64) -> Result<Option<ClerkRecord>, StoreError> {
        self.opt(
            &format!("SELECT {COLUMNS} FROM clerks WHERE id = $1"),
            &[&id],
        )?
        .map(|r| self.clerk(&r))
        .transpose()
    }

    fn list_clerks(&self) -> Result<Vec<ClerkRecord>, StoreError> {
        self.rows(&format!("SELECT {COLUMNS} FROM clerks ORDER BY id"), &[])?
            .iter()
            .map(|r| self.clerk(r))
            .collect()
    }

    fn set_lockout(&self, id: i64, s: LockoutState) -> Result<(), StoreError> {
        let failures = i64::from(s.failures);
        let until = s.locked_until.map(time::format);
        self.exec(
            "UPDATE clerks SET failed_attempts = $2, locked_until = $3 WHERE id = $1",
            &[&id, &failures, &until],
        )
        .map(drop)
    }

    fn set_disabled(&self, id: i64, disabled: bool) -> Result<(), StoreError> {
        self.exec(
            "UPDATE clerks SET disabled = $2 WHERE id = $1",
            &[&id, &i64::from(disabled)],
        )
        .map(drop)
    }

    fn set_password(
        &self,
        id: i64,
        hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE clerks SET password_hash = $2, must_change_password = $3, \
             password_changed_at = $4, failed_attempts = 0, locked_until = NULL WHERE id = $1",
            &[&id, &hash, &i64::from(must_change), &time::format(now)],
        )
        .map(drop)
    }

    fn session_of(&self, clerk_id: i64) -> Result<Option<SignedIn>, StoreError> {
        let Some(r) = self.opt(
            "SELECT clerk_id, token, workstation, since FROM sessions WHERE clerk_id = $1",
            &[&clerk_id],
        )?
        else {
            return Ok(None);
        };
        let c = self.cols(&r, "sessions", 0)?;
        Ok(Some(SignedIn {
            token: c.get(1)?,
            workstation: c.get(2)?,
            since: c.time(3, "since")?,
        }))
    }

    fn begin_session(&self, clerk_id: i64, s: &SignedIn) -> Result<Option<SignedIn>, StoreError> {
        // The row lock orders two sign-ins of one clerk at once: the later
        // one sees (and replaces) the earlier.
        let before = match self.opt(
            "SELECT clerk_id, token, workstation, since FROM sessions WHERE clerk_id = $1 FOR UPDATE",
            &[&clerk_id],
        )? {
            Some(r) => {
                let c = self.cols(&r, "sessions", 0)?;
                Some(SignedIn {
                    token: c.get(1)?,
                    workstation: c.get(2)?,
                    since: c.time(3, "since")?,
                })
            }
            None => None,
        };
        self.exec(
            "INSERT INTO sessions (clerk_id, token, workstation, since) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (clerk_id) DO UPDATE SET token = excluded.token, \
             workstation = excluded.workstation, since = excluded.since",
            &[&clerk_id, &s.token, &s.workstation, &time::format(s.since)],
        )?;
        Ok(before)
    }

    fn end_session(&self, clerk_id: i64, token: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM sessions WHERE clerk_id = $1 AND token = $2",
            &[&clerk_id, &token],
        )
        .map(drop)
    }
}
