//! Accounts and sessions: first-run setup, login with lockout, idle unlock,
//! password changes and the administrator's account operations. Every state
//! change is written together with its audit row in one transaction.

use chrono::{DateTime, Utc};

use super::access::{audit, require_role};
use super::clock;
use crate::domain::audit::AuditAction;
use crate::domain::clerk::{Role, validate_display_name, validate_username};
use crate::domain::lockout::Attempt;
use crate::domain::password::{check_policy, hash_password, verify_password};
use crate::domain::settings::Settings;
use crate::store::{ClerkRecord, NewAuditEvent, NewClerk, Store, StoreError, Tx};

/// The signed-in clerk as the UI sees it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClerk {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
}

impl From<&ClerkRecord> for SessionClerk {
    fn from(c: &ClerkRecord) -> Self {
        Self {
            id: c.id,
            username: c.username.clone(),
            display_name: c.display_name.clone(),
            role: c.role,
            must_change_password: c.must_change_password,
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    Success(SessionClerk),
    /// A Chinese message for the login form.
    Refused(String),
}

/// Verified against when the user name is unknown, so a wrong name costs the
/// same time as a wrong password and timing does not reveal which accounts exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-account-0").unwrap_or_default())
}

fn clerk_target(id: i64) -> String {
    format!("clerk:{id}")
}

/// What a typed user name may put in the audit log: trimmed, printable, short.
fn sanitize_typed(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(32)
        .collect()
}

pub fn needs_setup(store: &mut Store) -> Result<bool, StoreError> {
    store.read(|tx| Ok(tx.clerk_count()? == 0))
}

pub fn settings(store: &mut Store) -> Result<Settings, StoreError> {
    store.read(|tx| tx.settings())
}

/// Input for creating an account (first run or by an administrator).
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

fn validated_new_clerk(input: &AccountInput, must_change: bool) -> Result<NewClerk, StoreError> {
    let username =
        validate_username(&input.username).map_err(|e| StoreError::Rejected(e.to_string()))?;
    let display_name = validate_display_name(&input.display_name)
        .map_err(|e| StoreError::Rejected(e.to_owned()))?;
    check_policy(&input.password, &username).map_err(|e| StoreError::Rejected(e.to_string()))?;
    let password_hash =
        hash_password(&input.password).map_err(|e| StoreError::Rejected(e.to_string()))?;
    Ok(NewClerk {
        username,
        display_name,
        role: input.role,
        password_hash,
        must_change_password: must_change,
    })
}

/// First run: creates the first administrator and signs them in. Refused once
/// any account exists, so it cannot be used to add a second administrator.
pub fn create_first_admin(
    store: &mut Store,
    input: &AccountInput,
    office_name: &str,
    now: DateTime<Utc>,
) -> Result<SessionClerk, StoreError> {
    let input = AccountInput {
        role: Role::Admin,
        ..input.clone()
    };
    let new = validated_new_clerk(&input, false)?;
    let settings = Settings {
        office_name: office_name.to_owned(),
        ..Settings::default()
    }
    .validated()
    .map_err(StoreError::Rejected)?;
    store.write(|tx| {
        if tx.clerk_count()? != 0 {
            return Err(StoreError::Rejected(
                "已存在账号，不能再次初始化".to_owned(),
            ));
        }
        let id = tx.insert_clerk(&new, now)?;
        tx.save_settings(&settings)?;
        let clerk = tx
            .clerk_by_id(id)?
            .ok_or_else(|| StoreError::Rejected("账号创建后未找到".to_owned()))?;
        let session = SessionClerk::from(&clerk);
        audit(
            tx,
            Some(&session),
            AuditAction::FirstAdminCreated,
            clerk_target(id),
            String::new(),
            now,
        )?;
        audit(
            tx,
            Some(&session),
            AuditAction::LoginSucceeded,
            clerk_target(id),
            String::new(),
            now,
        )?;
        Ok(session)
    })
}

/// Why a login is being made: a fresh sign-in, or unlocking an idle lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPurpose {
    SignIn,
    Unlock,
}

/// Checks a password with lockout. The argon2 verification runs inside the
/// write transaction so two PCs cannot interleave failure counts.
pub fn login(
    store: &mut Store,
    username: &str,
    password: &str,
    purpose: LoginPurpose,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, StoreError> {
    let typed = sanitize_typed(username);
    let policy = store.read(|tx| tx.settings())?.lockout;
    store.write(|tx| {
        let key = typed.to_ascii_lowercase();
        let Some(clerk) = tx.clerk_by_username(&key)? else {
            let _ = verify_password(password, dummy_hash());
            tx.append_audit(
                &NewAuditEvent {
                    actor_id: None,
                    actor: typed.clone(),
                    action: AuditAction::LoginFailed,
                    target: String::new(),
                    detail: "用户名不存在".to_owned(),
                },
                now,
            )?;
            return Ok(LoginOutcome::Refused("用户名或密码错误".to_owned()));
        };
        let session = SessionClerk::from(&clerk);
        let (attempt, next) = policy.apply(clerk.lockout, now, || {
            verify_password(password, &clerk.password_hash)
        });
        if next != clerk.lockout {
            tx.set_lockout(clerk.id, next)?;
        }
        let target = clerk_target(clerk.id);
        match attempt {
            Attempt::Locked { until } => {
                audit(
                    tx,
                    Some(&session),
                    AuditAction::LoginFailed,
                    target,
                    "账号锁定中".into(),
                    now,
                )?;
                Ok(LoginOutcome::Refused(locked_message(until, now)))
            }
            Attempt::Failed { remaining } => {
                audit(
                    tx,
                    Some(&session),
                    AuditAction::LoginFailed,
                    target,
                    format!("还可尝试 {remaining} 次"),
                    now,
                )?;
                Ok(LoginOutcome::Refused(format!(
                    "用户名或密码错误，还可尝试 {remaining} 次（连续 {} 次错误将锁定 {} 分钟）",
                    policy.max_failures, policy.lock_minutes
                )))
            }
            Attempt::LockedNow { until } => {
                audit(
                    tx,
                    Some(&session),
                    AuditAction::LoginFailed,
                    target.clone(),
                    "还可尝试 0 次".into(),
                    now,
                )?;
                audit(
                    tx,
                    Some(&session),
                    AuditAction::AccountLockedOut,
                    target,
                    format!("锁定至 {}", clock::fmt_second(until)),
                    now,
                )?;
                Ok(LoginOutcome::Refused(format!(
                    "连续 {} 次密码错误，账号已锁定至 {}。请稍后再试或请管理员重置密码。",
                    policy.max_failures,
                    clock::fmt_hm(until)
                )))
            }
            Attempt::Succeeded if clerk.disabled => {
                audit(
                    tx,
                    Some(&session),
                    AuditAction::LoginFailed,
                    target,
                    "账号已停用".into(),
                    now,
                )?;
                Ok(LoginOutcome::Refused(
                    "该账号已停用，请联系管理员".to_owned(),
                ))
            }
            Attempt::Succeeded => {
                let action = match purpose {
                    LoginPurpose::SignIn => AuditAction::LoginSucceeded,
                    LoginPurpose::Unlock => AuditAction::Unlocked,
                };
                audit(tx, Some(&session), action, target, String::new(), now)?;
                Ok(LoginOutcome::Success(session))
            }
        }
    })
}

fn locked_message(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = ((until - now).num_seconds() + 59) / 60;
    format!(
        "账号已锁定，请于 {} 后再试（约 {} 分钟）。如需立即使用，请管理员重置密码。",
        clock::fmt_hm(until),
        minutes.max(1)
    )
}

/// Records the end of a session: an explicit logout, or another clerk taking over the PC.
pub fn end_session(
    store: &mut Store,
    clerk: &SessionClerk,
    replaced_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.write(|tx| match replaced_by {
        None => audit(
            tx,
            Some(clerk),
            AuditAction::Logout,
            clerk_target(clerk.id),
            String::new(),
            now,
        ),
        Some(next) => audit(
            tx,
            Some(clerk),
            AuditAction::SessionReplaced,
            clerk_target(clerk.id),
            format!("由 {} 登录接替", sanitize_typed(next)),
            now,
        ),
    })
}

pub fn record_idle_lock(
    store: &mut Store,
    clerk: &SessionClerk,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.write(|tx| {
        audit(
            tx,
            Some(clerk),
            AuditAction::IdleLocked,
            clerk_target(clerk.id),
            String::new(),
            now,
        )
    })
}

/// A clerk changes their own password; the old one must be right.
pub fn change_own_password(
    store: &mut Store,
    clerk: &SessionClerk,
    old: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<SessionClerk, StoreError> {
    check_policy(new, &clerk.username).map_err(|e| StoreError::Rejected(e.to_string()))?;
    if old == new {
        return Err(StoreError::Rejected("新密码不能与原密码相同".to_owned()));
    }
    let hash = hash_password(new).map_err(|e| StoreError::Rejected(e.to_string()))?;
    store.write(|tx| {
        let record = existing_clerk(tx, clerk.id)?;
        if !verify_password(old, &record.password_hash) {
            return Err(StoreError::Rejected("原密码不正确".to_owned()));
        }
        tx.set_password(clerk.id, &hash, false, now)?;
        audit(
            tx,
            Some(clerk),
            AuditAction::PasswordChanged,
            clerk_target(clerk.id),
            String::new(),
            now,
        )?;
        Ok(SessionClerk {
            must_change_password: false,
            ..clerk.clone()
        })
    })
}

fn existing_clerk(tx: &Tx<'_>, id: i64) -> Result<ClerkRecord, StoreError> {
    tx.clerk_by_id(id)?
        .ok_or_else(|| StoreError::Rejected("账号不存在".to_owned()))
}

fn require_admin(tx: &Tx<'_>, actor: &SessionClerk) -> Result<(), StoreError> {
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
) -> Result<Vec<ClerkSummary>, StoreError> {
    store.read(|tx| {
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
) -> Result<i64, StoreError> {
    let new = validated_new_clerk(input, true)?;
    store.write(|tx| {
        require_admin(tx, actor)?;
        let id = tx.insert_clerk(&new, now)?;
        audit(
            tx,
            Some(actor),
            AuditAction::AccountCreated,
            clerk_target(id),
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
) -> Result<(), StoreError> {
    store.write(|tx| {
        require_admin(tx, actor)?;
        let target = existing_clerk(tx, clerk_id)?;
        if disabled {
            if clerk_id == actor.id {
                return Err(StoreError::Rejected("不能停用自己的账号".to_owned()));
            }
            if target.role == Role::Admin && !target.disabled && tx.active_admin_count()? <= 1 {
                return Err(StoreError::Rejected(
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
        audit(
            tx,
            Some(actor),
            action,
            clerk_target(clerk_id),
            String::new(),
            now,
        )
    })
}

/// Sets a one-time password (and clears any lockout); the clerk must change it.
pub fn reset_password(
    store: &mut Store,
    actor: &SessionClerk,
    clerk_id: i64,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.write(|tx| {
        require_admin(tx, actor)?;
        let target = existing_clerk(tx, clerk_id)?;
        check_policy(new_password, &target.username)
            .map_err(|e| StoreError::Rejected(e.to_string()))?;
        let hash = hash_password(new_password).map_err(|e| StoreError::Rejected(e.to_string()))?;
        tx.set_password(clerk_id, &hash, true, now)?;
        audit(
            tx,
            Some(actor),
            AuditAction::PasswordReset,
            clerk_target(clerk_id),
            String::new(),
            now,
        )
    })
}

pub fn save_settings(
    store: &mut Store,
    actor: &SessionClerk,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<Settings, StoreError> {
    let settings = settings.validated().map_err(StoreError::Rejected)?;
    store.write(|tx| {
        require_admin(tx, actor)?;
        tx.save_settings(&settings)?;
        audit(
            tx,
            Some(actor),
            AuditAction::SettingsChanged,
            "settings".to_owned(),
            format!(
                "闲置锁屏 {} 分钟，连续失败 {} 次锁定 {} 分钟",
                settings.idle_minutes, settings.lockout.max_failures, settings.lockout.lock_minutes
            ),
            now,
        )?;
        Ok(settings.clone())
    })
}
