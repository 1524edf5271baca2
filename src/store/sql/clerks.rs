//! `clerks` + `sessions`: the columns, the shared statements and the one
//! decoder of each record both backends read.

use super::row::{Cols, RowGet};
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::lockout::LockoutState;
use crate::store::clerks::{ClerkRecord, SignedIn};

pub const COLUMNS: &str = "id, username, display_name, role, password_hash, \
    must_change_password, disabled, failed_attempts, locked_until, created_at";

pub const ACTIVE_ADMINS: &str = "SELECT count(*) FROM clerks WHERE role = 'admin' AND disabled = 0";

/// A new clerk (`?6` is both times); the id comes back per backend.
pub const INSERT: &str = "INSERT INTO clerks (username, display_name, role, password_hash, \
    must_change_password, created_at, password_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";

pub const SET_LOCKOUT: &str =
    "UPDATE clerks SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1";

pub const SET_DISABLED: &str = "UPDATE clerks SET disabled = ?2 WHERE id = ?1";

/// A new password clears any lockout.
pub const SET_PASSWORD: &str = "UPDATE clerks SET password_hash = ?2, must_change_password = ?3, \
    password_changed_at = ?4, failed_attempts = 0, locked_until = NULL WHERE id = ?1";

/// The columns [`session`] reads.
pub const SESSION_OF: &str =
    "SELECT clerk_id, token, workstation, since FROM sessions WHERE clerk_id = ?1";

pub const BEGIN_SESSION: &str = "INSERT INTO sessions (clerk_id, token, workstation, since) \
    VALUES (?1, ?2, ?3, ?4) ON CONFLICT (clerk_id) DO UPDATE SET token = excluded.token, \
    workstation = excluded.workstation, since = excluded.since";

pub const END_SESSION: &str = "DELETE FROM sessions WHERE clerk_id = ?1 AND token = ?2";

/// One row of [`COLUMNS`].
pub fn record<R: RowGet>(r: R) -> Result<ClerkRecord, R::Error> {
    let c = Cols::new(r, "clerks", 0)?;
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

/// One row of [`SESSION_OF`].
pub fn session<R: RowGet>(r: R) -> Result<SignedIn, R::Error> {
    let c = Cols::new(r, "sessions", 0)?;
    Ok(SignedIn {
        token: c.get(1)?,
        workstation: c.get(2)?,
        since: c.time(3, "since")?,
    })
}
