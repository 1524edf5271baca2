//! The navigation: every screen, its Chinese name, and who may open it.

use serde::{Deserialize, Serialize};

use crate::domain::clerk::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Screen {
    #[default]
    Dashboard,
    ReviewQueue,
    PersonRegistration,
    CompanyRegistration,
    DocumentCheck,
    PhotoCheck,
    AuditLog,
    Accounts,
}

impl Screen {
    pub const ALL: [Screen; 8] = [
        Screen::Dashboard,
        Screen::ReviewQueue,
        Screen::PersonRegistration,
        Screen::CompanyRegistration,
        Screen::DocumentCheck,
        Screen::PhotoCheck,
        Screen::AuditLog,
        Screen::Accounts,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Dashboard => "工作台",
            Screen::ReviewQueue => "审核队列",
            Screen::PersonRegistration => "个人面签",
            Screen::CompanyRegistration => "单位面签",
            Screen::DocumentCheck => "证件核验",
            Screen::PhotoCheck => "照片检测",
            Screen::AuditLog => "审计日志",
            Screen::Accounts => "账号管理",
        }
    }

    /// Keyboard shortcut shown in the navigation (Alt+1 … Alt+8).
    pub fn shortcut_index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            Screen::Dashboard
            | Screen::ReviewQueue
            | Screen::DocumentCheck
            | Screen::PhotoCheck => true,
            Screen::PersonRegistration | Screen::CompanyRegistration => role.can_register(),
            Screen::AuditLog => role.can_view_audit(),
            Screen::Accounts => role.can_manage_accounts(),
        }
    }

    pub fn for_role(role: Role) -> impl Iterator<Item = Screen> {
        Screen::ALL.into_iter().filter(move |s| s.allowed_for(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_navigation() {
        let counter: Vec<_> = Screen::for_role(Role::Counter).collect();
        assert!(counter.contains(&Screen::PersonRegistration));
        assert!(!counter.contains(&Screen::Accounts));
        assert!(!counter.contains(&Screen::AuditLog));
        let admin: Vec<_> = Screen::for_role(Role::Admin).collect();
        assert!(admin.contains(&Screen::Accounts));
        assert!(!admin.contains(&Screen::PersonRegistration));
        let sup: Vec<_> = Screen::for_role(Role::Supervisor).collect();
        assert!(sup.contains(&Screen::AuditLog));
        assert!(!sup.contains(&Screen::Accounts));
    }
}
