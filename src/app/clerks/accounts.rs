//! Account administration (administrators only): list, create, disable or
//! enable, reset a password. Every change names its account in the audit.

use crate::app::runtime::call::Call;
use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::access::audit;

use crate::app::clerks::access::require_role;
use crate::app::clerks::session::existing_clerk;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::{Role, validate_display_name, validate_username};
use crate::domain::clerks::password::{check_policy, hash_password};
use crate::store::{ClerkRecord, NewClerk, Store, Tx};

/// An account row for the administrator's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
}

/// Input for creating an account (first run or by an administrator).
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

pub(crate) fn validated_new_clerk(
    input: &AccountInput,
    must_change: bool,
) -> Result<NewClerk, AppError> {
    let username =
        validate_username(&input.username).map_err(|e| AppError::rejected(e.to_string()))?;
    let display_name =
        validate_display_name(&input.display_name).map_err(|e| AppError::rejected(e.to_owned()))?;
    check_policy(&input.password, &username).map_err(|e| AppError::rejected(e.to_string()))?;
    let password_hash =
        hash_password(&input.password).map_err(|e| AppError::rejected(e.to_string()))?;
    Ok(NewClerk {
        username,
        display_name,
        role: input.role,
        password_hash,
        must_change_password: must_change,
    })
}

fn require_admin(tx: &Tx<'_>, actor: &SessionClerk) -> Result<(), AppError> {
    require_role(
        tx,
        actor,
        Role::can_manage_accounts,
        "只有管理员可以管理账号和设置",
    )
    .map(drop)
}

pub fn list_clerks(
    store: &mut Store,
    actor: &SessionClerk,
    now: DateTime<Utc>,
) -> Result<Vec<ClerkSummary>, AppError> {
    store.read_checked(|tx| -> Result<_, AppError> {
        require_admin(tx, actor)?;
        Ok(tx
            .list_clerks()?
            .into_iter()
            .map(|c| ClerkSummary {
                id: c.id,
                locked_until: c.lockout.locked_until.filter(|u| *u > now),
                username: c.username,
                display_name: c.display_name,
                role: c.role,
                disabled: c.disabled,
                must_change_password: c.must_change_password,
            })
            .collect())
    })
}

/// An administrator creates an account with a one-time password the clerk
/// must change at first sign-in.
pub fn create_account(
    store: &mut Store,
    actor: &SessionClerk,
    input: &AccountInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let new = validated_new_clerk(input, true)?;
    store.write_checked(|tx| -> Result<_, AppError> {
        require_admin(tx, actor)?;
        if tx.clerk_by_username(&new.username)?.is_some() {
            return Err(AppError::rejected(format!(
                "用户名 {} 已被使用",
                new.username
            )));
        }
        let id = tx.insert_clerk(&new, now)?;
        audit(
            tx,
            Some(actor),
            AuditAction::AccountCreated,
            AuditTarget::Clerk(id),
            format!("用户名 {}，角色 {}", new.username, new.role.label()),
            now,
        )?;
        Ok(id)
    })
}

pub fn set_disabled(
    store: &mut Store,
    actor: &SessionClerk,
    clerk_id: i64,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    store.write_checked(|tx| -> Result<_, AppError> {
        require_admin(tx, actor)?;
        let target = existing_clerk(tx, clerk_id)?;
        if disabled {
            if clerk_id == actor.id {
                return Err(AppError::rejected("不能停用自己的账号".to_owned()));
            }
            if target.role == Role::Admin && !target.disabled && tx.active_admin_count()? <= 1 {
                return Err(AppError::rejected(
                    "至少需要保留一个启用的管理员".to_owned(),
                ));
            }
        }
        tx.set_disabled(clerk_id, disabled)?;
        let action = if disabled {
            AuditAction::AccountDisabled
        } else {
            AuditAction::AccountEnabled
        };
        let name = account_label(&target);
        audit(
            tx,
            Some(actor),
            action,
            AuditTarget::Clerk(clerk_id),
            format!("账号 {name}"),
            now,
        )?;
        Ok(name)
    })
}

/// Sets a one-time password (and clears any lockout); the clerk must change it.
pub fn reset_password(
    store: &mut Store,
    actor: &SessionClerk,
    clerk_id: i64,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    store.write_checked(|tx| -> Result<_, AppError> {
        require_admin(tx, actor)?;
        let target = existing_clerk(tx, clerk_id)?;
        check_policy(new_password, &target.username)
            .map_err(|e| AppError::rejected(e.to_string()))?;
        let hash = hash_password(new_password).map_err(|e| AppError::rejected(e.to_string()))?;
        tx.set_password(
            clerk_id,
            crate::store::NewPassword {
                hash: &hash,
                must_change: true,
            },
            now,
        )?;
        let name = account_label(&target);
        audit(
            tx,
            Some(actor),
            AuditAction::PasswordReset,
            AuditTarget::Clerk(clerk_id),
            format!("账号 {name}"),
            now,
        )?;
        Ok(name)
    })
}

/// "王丽（wangli，窗口）": how an account is named in audit details.
pub(crate) fn account_label(c: &ClerkRecord) -> String {
    format!("{}（{}，{}）", c.display_name, c.username, c.role.label())
}

#[derive(Debug, Clone)]
pub enum Req {
    List,
    Create(AccountInput),
    SetDisabled { clerk_id: i64, disabled: bool },
    ResetPassword { clerk_id: i64, password: String },
}

#[derive(Debug, Clone)]
pub enum Resp {
    Clerks(Vec<ClerkSummary>),
    /// Done; a Chinese sentence naming the account.
    Changed(String),
}

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let Call {
        store, now, actor, ..
    } = call;
    Ok(match req {
        Req::List => Resp::Clerks(list_clerks(store, actor, now)?),
        Req::Create(account) => {
            create_account(store, actor, &account, now)?;
            Resp::Changed(format!(
                "已创建账号 {}，首次登录需修改密码。",
                account.username.trim()
            ))
        }
        Req::SetDisabled { clerk_id, disabled } => {
            let name = set_disabled(store, actor, clerk_id, disabled, now)?;
            Resp::Changed(if disabled {
                format!("已停用账号 {name}。")
            } else {
                format!("已启用账号 {name}。")
            })
        }
        Req::ResetPassword { clerk_id, password } => {
            let name = reset_password(store, actor, clerk_id, &password, now)?;
            Resp::Changed(format!("已重置 {name} 的密码，该账号下次登录需修改密码。"))
        }
    })
}
