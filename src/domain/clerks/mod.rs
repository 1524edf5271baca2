//! Rules about the counter's own staff and records: roles, passwords,
//! lockout, idle lock, settings, the audit chain and its anchors.

pub mod anchor;
pub mod audit;
pub mod audit_target;
pub mod audit_walk;
pub mod clerk;
pub mod idle;
pub mod lockout;
pub mod password;
pub mod settings;
