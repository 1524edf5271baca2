//! `clerks` table: accounts, password hashes, lockout counters.

use super::SqliteTx;
use super::error::StoreResult;
use crate::domain::clerks::lockout::LockoutState;
use crate::store::clerks::{ClerkRecord, Clerks, NewClerk, NewPassword, SignedIn};
use crate::store::sql::clerks::{
    ACTIVE_ADMINS, BEGIN_SESSION, COLUMNS, END_SESSION, INSERT, SESSION_OF, SET_DISABLED,
    SET_LOCKOUT, SET_PASSWORD, record, session,
};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Clerks for SqliteTx<'_> {
    fn clerk_count(&self) -> StoreResult<i64> {
        self.q(|c| c.query_row("SELECT COUNT(*) FROM clerks", [], |r| r.get(0)))
    }

    fn active_admin_count(&self) -> StoreResult<i64> {
        self.q(|c| c.query_row(ACTIVE_ADMINS, [], |r| r.get(0)))
    }

    fn insert_clerk(&self, c: &NewClerk, now: DateTime<Utc>) -> StoreResult<i64> {
        let at = time::format(now);
        self.q(|conn| {
            conn.execute(
                INSERT,
                params![
                    c.username,
                    c.display_name,
                    c.role.code(),
                    c.password_hash,
                    c.must_change_password,
                    at
                ],
            )?;
            Ok(conn.last_insert_rowid())
        })
    }

    fn clerk_by_username(&self, username: &str) -> StoreResult<Option<ClerkRecord>> {
        self.q(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM clerks WHERE username = ?1"),
                [username],
                |r| record(r),
            )
            .optional()
        })
    }

    fn clerk_by_id(&self, id: i64) -> StoreResult<Option<ClerkRecord>> {
        self.q(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM clerks WHERE id = ?1"),
                [id],
                |r| record(r),
            )
            .optional()
        })
    }

    fn list_clerks(&self) -> StoreResult<Vec<ClerkRecord>> {
        self.q(|c| {
            let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM clerks ORDER BY id"))?;
            let rows = stmt.query_map([], |r| record(r))?;
            rows.collect()
        })
    }

    fn set_lockout(&self, id: i64, s: LockoutState) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                SET_LOCKOUT,
                params![id, s.failures, s.locked_until.map(time::format)],
            )
            .map(drop)
        })
    }

    fn set_disabled(&self, id: i64, disabled: bool) -> StoreResult<()> {
        self.q(|c| c.execute(SET_DISABLED, params![id, disabled]).map(drop))
    }

    fn set_password(&self, id: i64, p: NewPassword<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                SET_PASSWORD,
                params![id, p.hash, p.must_change, time::format(now)],
            )
            .map(drop)
        })
    }

    fn session_of(&self, clerk_id: i64) -> StoreResult<Option<SignedIn>> {
        self.q(|c| {
            c.prepare_cached(SESSION_OF)?
                .query_row([clerk_id], |r| session(r))
                .optional()
        })
    }

    fn begin_session(&self, clerk_id: i64, s: &SignedIn) -> StoreResult<Option<SignedIn>> {
        let before = self.session_of(clerk_id)?;
        self.q(|c| {
            c.prepare_cached(BEGIN_SESSION)?
                .execute(params![
                    clerk_id,
                    s.token,
                    s.workstation,
                    time::format(s.since)
                ])
                .map(drop)
        })?;
        Ok(before)
    }

    fn end_session(&self, clerk_id: i64, token: &str) -> StoreResult<()> {
        self.q(|c| {
            c.prepare_cached(END_SESSION)?
                .execute(params![clerk_id, token])
                .map(drop)
        })
    }
}
