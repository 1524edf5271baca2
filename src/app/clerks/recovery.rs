//! Administrator recovery: whoever has file access to the database (the
//! PC's owner, IT) can unlock or reset an administrator from the command
//! line when nobody is left to do it in the window. Audited like any reset.

use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::accounts::account_label;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::password::{check_policy, hash_password};
use crate::store::{NewAuditEvent, Store};

/// Sets a new password for the administrator `username` (or the only one),
/// clears the lockout and re-enables the account. Returns the account's name.
pub fn reset_admin(
    store: &mut Store,
    username: Option<&str>,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    store.write_checked(|tx| -> Result<_, AppError> {
        let admins: Vec<_> = tx
            .list_clerks()?
            .into_iter()
            .filter(|c| c.role == Role::Admin)
            .collect();
        let target = match username {
            Some(u) => admins
                .iter()
                .find(|c| c.username.eq_ignore_ascii_case(u.trim()))
                .ok_or_else(|| AppError::rejected(format!("没有用户名为 {u} 的管理员账号")))?,
            None if admins.len() == 1 => &admins[0],
            None if admins.is_empty() => {
                return Err(AppError::rejected("数据库中没有管理员账号".to_owned()));
            }
            None => {
                let names: Vec<&str> = admins.iter().map(|c| c.username.as_str()).collect();
                return Err(AppError::rejected(format!(
                    "有多个管理员账号（{}），请用 --user 指定",
                    names.join("、")
                )));
            }
        };
        check_policy(new_password, &target.username)
            .map_err(|e| AppError::rejected(e.to_string()))?;
        let hash = hash_password(new_password).map_err(|e| AppError::rejected(e.to_string()))?;
        tx.set_password(
            target.id,
            crate::store::NewPassword {
                hash: &hash,
                must_change: false,
            },
            now,
        )?;
        tx.set_disabled(target.id, false)?;
        let name = account_label(target);
        tx.append_audit(
            &NewAuditEvent {
                actor_id: None,
                actor: crate::app::clerks::access::cli_actor(),
                action: AuditAction::AdminRecovered,
                target: AuditTarget::Clerk(target.id),
                detail: format!("命令行 reset-admin：账号 {name}，已解除锁定并设置新密码"),
            },
            now,
        )?;
        Ok(name)
    })
}
