//! What a registration is and where it stands.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    Person,
    Company,
}

impl RegistrationKind {
    pub fn code(self) -> &'static str {
        match self {
            RegistrationKind::Person => "person",
            RegistrationKind::Company => "company",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "person" => Some(RegistrationKind::Person),
            "company" => Some(RegistrationKind::Company),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistrationKind::Person => "个人",
            RegistrationKind::Company => "单位",
        }
    }
}

/// Four-eyes on a company registration: whoever registered it neither
/// countersigns nor returns it, from the registration list or the queue.
pub const OWN_COUNTERSIGN: &str = "不能复核自己办理的单位面签：须由另一名审核人员复核";

/// A person's registration is complete when saved; a company's counts only
/// after a supervisor countersigns it (four-eyes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Registered,
    PendingCountersign,
    Countersigned,
    /// 已退回: a supervisor returned a company registration with reasons (from
    /// the review queue); it never counts. The agent comes back with the
    /// deficiencies fixed.
    Returned,
}

impl RegistrationStatus {
    pub fn initial(kind: RegistrationKind) -> Self {
        match kind {
            RegistrationKind::Person => RegistrationStatus::Registered,
            RegistrationKind::Company => RegistrationStatus::PendingCountersign,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::PendingCountersign => "pending_countersign",
            RegistrationStatus::Countersigned => "countersigned",
            RegistrationStatus::Returned => "returned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            RegistrationStatus::Registered,
            RegistrationStatus::PendingCountersign,
            RegistrationStatus::Countersigned,
            RegistrationStatus::Returned,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "已注册",
            RegistrationStatus::PendingCountersign => "待复核",
            RegistrationStatus::Countersigned => "已复核",
            RegistrationStatus::Returned => "已退回",
        }
    }

    /// Whether the registration counts (may be used for the 12123 account).
    pub fn is_effective(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Registered | RegistrationStatus::Countersigned
        )
    }

    /// Whether a supervisor may still countersign or return it.
    pub fn awaits_review(self) -> bool {
        self == RegistrationStatus::PendingCountersign
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_reviewed_or_personal_ones_count() {
        for s in [
            RegistrationStatus::Registered,
            RegistrationStatus::PendingCountersign,
            RegistrationStatus::Countersigned,
            RegistrationStatus::Returned,
        ] {
            assert_eq!(RegistrationStatus::from_code(s.code()), Some(s));
        }
        assert!(RegistrationStatus::Registered.is_effective());
        assert!(RegistrationStatus::Countersigned.is_effective());
        assert!(!RegistrationStatus::PendingCountersign.is_effective());
        assert!(!RegistrationStatus::Returned.is_effective());
        assert!(RegistrationStatus::PendingCountersign.awaits_review());
        assert!(!RegistrationStatus::Returned.awaits_review());
        assert_eq!(RegistrationStatus::Returned.label(), "已退回");
    }
}
