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
    fn set_password(
        &self,
        id: i64,
        hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
