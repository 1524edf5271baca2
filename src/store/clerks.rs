//! Clerks family: accounts, password hashes and lockout counters, shared by
//! every counter that uses the same database.

use super::error::StoreResult;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::lockout::LockoutState;
use chrono::{DateTime, Utc};

/// A clerk as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub lockout: LockoutState,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewClerk {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// Where a clerk is signed in: one counter at a time (`sessions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// Random per sign-in; the window keeps it and every write checks it.
    pub token: String,
    /// The counter's host name.
    pub workstation: String,
    pub since: DateTime<Utc>,
}

/// `clerks` table: accounts, password hashes, lockout counters.
pub trait Clerks {
    fn clerk_count(&self) -> StoreResult<i64>;

    fn active_admin_count(&self) -> StoreResult<i64>;

    /// Creates a clerk. The caller checks the user name is free first; the
    /// unique index refuses a twin anyway.
    fn insert_clerk(&self, c: &NewClerk, now: DateTime<Utc>) -> StoreResult<i64>;

    fn clerk_by_username(&self, username: &str) -> StoreResult<Option<ClerkRecord>>;

    fn clerk_by_id(&self, id: i64) -> StoreResult<Option<ClerkRecord>>;

    fn list_clerks(&self) -> StoreResult<Vec<ClerkRecord>>;

    fn set_lockout(&self, id: i64, s: LockoutState) -> StoreResult<()>;

    fn set_disabled(&self, id: i64, disabled: bool) -> StoreResult<()>;

    /// Stores a new password hash; clears any lockout (an administrator's reset
    /// is how a locked clerk gets back in early).
    fn set_password(&self, id: i64, p: NewPassword<'_>, now: DateTime<Utc>) -> StoreResult<()>;

    /// The counter the clerk is signed in at, if any.
    fn session_of(&self, clerk_id: i64) -> StoreResult<Option<SignedIn>>;

    /// Records a sign-in, replacing any other (a sign-in at a second counter
    /// takes the session over); returns the one it replaced.
    fn begin_session(&self, clerk_id: i64, s: &SignedIn) -> StoreResult<Option<SignedIn>>;

    /// Ends the session if it is still `token`'s (a taken-over window
    /// signing out leaves the new counter's session alone).
    fn end_session(&self, clerk_id: i64, token: &str) -> StoreResult<()>;
}

/// A password hash being set, and whether the clerk must change it at the
/// next sign-in (a one-time password from an administrator).
#[derive(Debug, Clone, Copy)]
pub struct NewPassword<'a> {
    pub hash: &'a str,
    pub must_change: bool,
}
