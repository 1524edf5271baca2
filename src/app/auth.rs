//! The clerk-facing families under their former name, so callers written
//! before the split (tests, other modules) keep working.

pub use super::accounts::{
    AccountInput, ClerkSummary, create_account, list_clerks, reset_password, set_disabled,
};
pub use super::session::{
    LockReason, LoginOutcome, LoginPurpose, SessionClerk, change_own_password, end_session, login,
    record_idle_lock, record_lock,
};
pub use super::settings::save_settings;
pub use super::setup::{create_first_admin, needs_setup, settings};
