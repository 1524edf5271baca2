//! Clerk roles and what each may do.

use serde::{Deserialize, Serialize};

/// A clerk's role. Stored in the database by [`Role::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// 窗口: counter clerk — registers people and companies, submits applications.
    Counter,
    /// 审核: supervisor — may decide applications.
    Supervisor,
    /// 管理员: manages accounts and settings; may not decide applications.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Counter, Role::Supervisor, Role::Admin];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Counter => "counter",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Name shown to clerks.
    pub fn label(self) -> &'static str {
        match self {
            Role::Counter => "窗口",
            Role::Supervisor => "审核",
            Role::Admin => "管理员",
        }
    }

    /// Only supervisors decide applications: the administrator is deliberately
    /// excluded so that account power and decision power stay apart.
    pub fn can_decide(self) -> bool {
        self == Role::Supervisor
    }

    pub fn can_manage_accounts(self) -> bool {
        self == Role::Admin
    }

    /// Registration and document work happens at the counter; supervisors may
    /// also step in at the counter.
    pub fn can_register(self) -> bool {
        matches!(self, Role::Counter | Role::Supervisor)
    }

    /// The audit log names clerks and their actions: supervisors and
    /// administrators oversee it, counter clerks do not need it.
    pub fn can_view_audit(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }

    /// Batches in and exports out (数据交换): the people answerable for what
    /// leaves the PC, not every counter clerk.
    pub fn can_exchange(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}

/// Why a user name is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("用户名不能为空")]
    Empty,
    #[error("用户名最长 32 个字符")]
    TooLong,
    #[error("用户名只能包含字母、数字、下划线、点和减号")]
    BadCharacter,
}

/// User names are ASCII so that they can be typed on any keyboard layout and
/// never collide through look-alike characters.
pub fn validate_username(name: &str) -> Result<String, UsernameError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(UsernameError::Empty);
    }
    if name.chars().count() > 32 {
        return Err(UsernameError::TooLong);
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(UsernameError::BadCharacter);
    }
    Ok(name.to_ascii_lowercase())
}

/// Display names are what the status bar and the audit log show.
pub fn validate_display_name(name: &str) -> Result<String, &'static str> {
    let name = name.trim();
    if name.is_empty() {
        return Err("姓名不能为空");
    }
    if name.chars().count() > 20 {
        return Err("姓名最长 20 个字");
    }
    if name.chars().any(char::is_control) {
        return Err("姓名含有控制字符");
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supervisors_decide() {
        assert!(Role::Supervisor.can_decide());
        assert!(!Role::Admin.can_decide());
        assert!(!Role::Counter.can_decide());
        assert!(Role::Admin.can_manage_accounts());
        assert!(!Role::Supervisor.can_manage_accounts());
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn usernames() {
        assert_eq!(validate_username("  Wang.Li "), Ok("wang.li".to_owned()));
        assert_eq!(validate_username(""), Err(UsernameError::Empty));
        assert_eq!(validate_username("王丽"), Err(UsernameError::BadCharacter));
        assert_eq!(
            validate_username(&"a".repeat(33)),
            Err(UsernameError::TooLong)
        );
    }

    #[test]
    fn display_names() {
        assert_eq!(validate_display_name(" 王丽 "), Ok("王丽".to_owned()));
        assert!(validate_display_name("").is_err());
        assert!(validate_display_name("a\u{7}").is_err());
    }
}
