//! What an audit row is about, as a type: written as `application:61`,
//! `clerk:2`, `settings` … in exactly one place ([`AuditTarget`]'s
//! `Display`), read back by [`AuditTarget::parse`].

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditTarget {
    /// Nothing in particular (a login attempt with an unknown user name).
    Nothing,
    Clerk(i64),
    Application(i64),
    Registration(i64),
    Settings,
    /// An application batch (import).
    Batch,
    Export,
    Backup,
    /// Demo data added from the command line.
    Demo,
    /// A workstation moved into the office server: its migration record.
    Migration(i64),
}

impl fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditTarget::Nothing => Ok(()),
            AuditTarget::Clerk(id) => write!(f, "clerk:{id}"),
            AuditTarget::Application(id) => write!(f, "application:{id}"),
            AuditTarget::Registration(id) => write!(f, "registration:{id}"),
            AuditTarget::Settings => f.write_str("settings"),
            AuditTarget::Batch => f.write_str("batch"),
            AuditTarget::Export => f.write_str("export"),
            AuditTarget::Backup => f.write_str("backup"),
            AuditTarget::Demo => f.write_str("demo"),
            AuditTarget::Migration(id) => write!(f, "migration:{id}"),
        }
    }
}

impl AuditTarget {
    /// Reads a stored target back; `None` for text no version writes.
    pub fn parse(s: &str) -> Option<Self> {
        let id = |prefix: &str| s.strip_prefix(prefix).and_then(|n| n.parse::<i64>().ok());
        Some(match s {
            "" => AuditTarget::Nothing,
            "settings" => AuditTarget::Settings,
            "batch" => AuditTarget::Batch,
            "export" => AuditTarget::Export,
            "backup" => AuditTarget::Backup,
            "demo" => AuditTarget::Demo,
            _ => {
                if let Some(n) = id("clerk:") {
                    AuditTarget::Clerk(n)
                } else if let Some(n) = id("application:") {
                    AuditTarget::Application(n)
                } else if let Some(n) = id("registration:") {
                    AuditTarget::Registration(n)
                } else if let Some(n) = id("migration:") {
                    AuditTarget::Migration(n)
                } else {
                    return None;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_reads_back_as_written() {
        for t in [
            AuditTarget::Nothing,
            AuditTarget::Clerk(2),
            AuditTarget::Application(61),
            AuditTarget::Registration(7),
            AuditTarget::Settings,
            AuditTarget::Batch,
            AuditTarget::Export,
            AuditTarget::Backup,
            AuditTarget::Demo,
            AuditTarget::Migration(2),
        ] {
            assert_eq!(AuditTarget::parse(&t.to_string()), Some(t));
        }
        assert_eq!(AuditTarget::Application(61).to_string(), "application:61");
        assert_eq!(AuditTarget::parse("application:x"), None);
        assert_eq!(AuditTarget::parse("teapot"), None);
    }
}
