//! Before the work: first-run setup, sign-in, the lock screen, password changes.

pub mod lock;
pub mod login;
pub mod password;
pub mod setup;
