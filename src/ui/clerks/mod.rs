//! Accounts and settings, the audit log, backups and the database check.

pub mod accounts;
pub mod audit_log;
pub mod backup;
pub mod db_check;
