//! Clerks: setup, sessions and locks, accounts, settings, drafts, the audit
//! log view, backups and the database check.

pub mod access;
pub mod accounts;
pub mod audit_view;
pub mod backup;
pub mod db_check;
pub mod drafts;
pub mod recovery;
pub mod session;
pub mod session_clerk;
pub mod settings;
pub mod setup;
