//! `clerks` table: accounts, password hashes, lockout counters, shared by
//! every counter of the hall.

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::domain::clerks::lockout::LockoutState;
use crate::store::StoreError;
use crate::store::clerks::{ClerkRecord, Clerks, NewClerk, NewPassword, SignedIn};
use crate::store::sql::clerks::{
    ACTIVE_ADMINS, BEGIN_SESSION, COLUMNS, END_SESSION, INSERT, SESSION_OF, SET_DISABLED,
    SET_LOCKOUT, SET_PASSWORD, record, session,
};
use crate::store::sql::pg;
use crate::store::time;

impl Clerks for PgTx<'_> {
    fn clerk_count(&self) -> Result<i64, StoreError> {
        self.scalar("SELECT count(*) FROM clerks", &[])
    }

    fn active_admin_count(&self) -> Result<i64, StoreError> {
        self.scalar(ACTIVE_ADMINS, &[])
    }

    fn insert_clerk(&self, c: &NewClerk, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let at = time::format(now);
        let must_change = i64::from(c.must_change_password);
        self.scalar(
            &format!("{} RETURNING id", pg(INSERT)),
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
        .map(|r| record(self.row(&r)))
        .transpose()
    }

    fn clerk_by_id(&self, id: i64) -> Result<Option<ClerkRecord>, StoreError> {
        self.opt(
            &format!("SELECT {COLUMNS} FROM clerks WHERE id = $1"),
            &[&id],
        )?
        .map(|r| record(self.row(&r)))
        .transpose()
    }

    fn list_clerks(&self) -> Result<Vec<ClerkRecord>, StoreError> {
        self.rows(&format!("SELECT {COLUMNS} FROM clerks ORDER BY id"), &[])?
            .iter()
            .map(|r| record(self.row(r)))
            .collect()
    }

    fn set_lockout(&self, id: i64, s: LockoutState) -> Result<(), StoreError> {
        let failures = i64::from(s.failures);
        let until = s.locked_until.map(time::format);
        self.exec(&pg(SET_LOCKOUT), &[&id, &failures, &until])
            .map(drop)
    }

    fn set_disabled(&self, id: i64, disabled: bool) -> Result<(), StoreError> {
        self.exec(&pg(SET_DISABLED), &[&id, &i64::from(disabled)])
            .map(drop)
    }

    fn set_password(
        &self,
        id: i64,
        p: NewPassword<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            &pg(SET_PASSWORD),
            &[&id, &p.hash, &i64::from(p.must_change), &time::format(now)],
        )
        .map(drop)
    }

    fn session_of(&self, clerk_id: i64) -> Result<Option<SignedIn>, StoreError> {
        self.opt(&pg(SESSION_OF), &[&clerk_id])?
            .map(|r| session(self.row(&r)))
            .transpose()
    }

    fn begin_session(&self, clerk_id: i64, s: &SignedIn) -> Result<Option<SignedIn>, StoreError> {
        // The row lock orders two sign-ins of one clerk at once: the later
        // one sees (and replaces) the earlier.
        let before = self
            .opt(&format!("{} FOR UPDATE", pg(SESSION_OF)), &[&clerk_id])?
            .map(|r| session(self.row(&r)))
            .transpose()?;
        self.exec(
            &pg(BEGIN_SESSION),
            &[&clerk_id, &s.token, &s.workstation, &time::format(s.since)],
        )?;
        Ok(before)
    }

    fn end_session(&self, clerk_id: i64, token: &str) -> Result<(), StoreError> {
        self.exec(&pg(END_SESSION), &[&clerk_id, &token]).map(drop)
    }
}
