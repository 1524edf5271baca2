//! `clerks` table: accounts, password hashes, lockout counters.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::lockout::LockoutState;
use crate::store::clerks::{ClerkRecord, Clerks, NewClerk, SignedIn};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

pub(super) const COLUMNS: &str = "id, username, display_name, role, password_hash, must_change_password, \
                       disabled, failed_attempts, locked_until, created_at";

pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<ClerkRecord> {
    let c = Cols::new(r, "clerks", 0)?;
    Ok(ClerkRecord {
        id: c.id(),
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: c.code(3, "role", Role::from_code)?,
        password_hash: r.get(4)?,
        must_change_password: r.get(5)?,
        disabled: r.get(6)?,
        lockout: LockoutState {
            failures: r.get(7)?,
            locked_until: c.opt_time(8, "locked_until")?,
        },
        created_at: c.time(9, "created_at")?,
    })
}

impl Clerks for SqliteTx<'_> {
    fn clerk_count(&self) -> StoreResult<i64> {
        self.q(|c| c.query_row("SELECT COUNT(*) FROM clerks", [], |r| r.get(0)))
    }

    fn active_admin_count(&self) -> StoreResult<i64> {
        self.q(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM clerks WHERE role = 'admin' AND disabled = 0",
                [],
                |r| r.get(0),
            )
        })
    }

    fn insert_clerk(&self, c: &NewClerk, now: DateTime<Utc>) -> StoreResult<i64> {
        let at = time::format(now);
        self.q(|conn| {
            conn.execute(
                "INSERT INTO clerks (username, display_name, role, password_hash, \
                 must_change_password, created_at, password_changed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
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
                from_row,
            )
            .optional()
        })
    }

    fn clerk_by_id(&self, id: i64) -> StoreResult<Option<ClerkRecord>> {
        self.q(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM clerks WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()
        })
    }

    fn list_clerks(&self) -> StoreResult<Vec<ClerkRecord>> {
        self.q(|c| {
            let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM clerks ORDER BY id"))?;
            let rows = stmt.query_map([], from_row)?;
            rows.collect()
        })
    }

    fn set_lockout(&self, id: i64, s: LockoutState) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "UPDATE clerks SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
                params![id, s.failures, s.locked_until.map(time::format)],
            )
            .map(drop)
        })
    }

    fn set_disabled(&self, id: i64, disabled: bool) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "UPDATE clerks SET disabled = ?2 WHERE id = ?1",
                params![id, disabled],
            )
            .map(drop)
        })
    }

    fn set_password(
        &self,
        id: i64,
        hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "UPDATE clerks SET password_hash = ?2, must_change_password = ?3, \
                 password_changed_at = ?4, failed_attempts = 0, locked_until = NULL WHERE id = ?1",
                params![id, hash, must_change, time::format(now)],
            )
            .map(drop)
        })
    }

    fn session_of(&self, clerk_id: i64) -> StoreResult<Option<SignedIn>> {
        self.q(|c| {
            c.prepare_cached(
                "SELECT clerk_id, token, workstation, since FROM sessions WHERE clerk_id = ?1",
            )?
            .query_row([clerk_id], |r| {
                let cols = Cols::new(r, "sessions", 0)?;
                Ok(SignedIn {
                    token: r.get(1)?,
                    workstation: r.get(2)?,
                    since: cols.time(3, "since")?,
                })
            })
            .optional()
        })
    }

    fn begin_session(&self, clerk_id: i64, s: &SignedIn) -> StoreResult<Option<SignedIn>> {
        let before = self.session_of(clerk_id)?;
        self.q(|c| {
            c.prepare_cached(
                "INSERT INTO sessions (clerk_id, token, workstation, since) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (clerk_id) DO UPDATE SET token = excluded.token, \
                 workstation = excluded.workstation, since = excluded.since",
            )?
            .execute(params![clerk_id, s.token, s.workstation, time::format(s.since)])
            .map(drop)
        })?;
        Ok(before)
    }

    fn end_session(&self, clerk_id: i64, token: &str) -> StoreResult<()> {
        self.q(|c| {
            c.prepare_cached("DELETE FROM sessions WHERE clerk_id = ?1 AND token = ?2")?
                .execute(params![clerk_id, token])
                .map(drop)
        })
    }
}
