//! Sessions: sign-in with lockout, unlock, logout, session take-over, locks
//! (manual or idle) and a clerk's own password change. Every state change is
//! written together with its audit row in one transaction.

use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::access::audit;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::call::OpKey;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::lockout::Attempt;
use crate::domain::clerks::password::{check_policy, hash_password, verify_password};
use crate::store::SignedIn;
use crate::store::{ClerkRecord, NewAuditEvent, Store, StoreError, Tx};

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

/// What a typed user name may put in the audit log: trimmed, printable, short.
pub(crate) fn sanitize_typed(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(32)
        .collect()
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
    window_session: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, AppError> {
    let typed = sanitize_typed(username);
    let policy = store.read(|tx| tx.settings())?.lockout;
    let refused = |remaining: Option<u32>| match purpose {
        // The lock screen has no user-name field and names its clerk.
        LoginPurpose::Unlock => LoginOutcome::Refused(match remaining {
            Some(n) => format!("密码错误，还可尝试 {n} 次。"),
            None => "密码错误。".to_owned(),
        }),
        // One message for a wrong name and a wrong password, so the form
        // never tells which accounts exist.
        LoginPurpose::SignIn => LoginOutcome::Refused(format!(
            "用户名或密码错误。连续失败 {} 次将锁定 {} 分钟。",
            policy.max_failures, policy.lock_minutes
        )),
    };
    store.write_checked(|tx| -> Result<_, AppError> {
        let key = typed.to_ascii_lowercase();
        let Some(clerk) = tx.clerk_by_username(&key)? else {
            // The same argon2 work as for an existing account: equal timing.
            let _ = verify_password(password, dummy_hash());
            // Never the typed text (it may be a password typed into the wrong
            // field); a salted digest still lets repeated attempts be matched.
            let digest = unknown_name_digest(&tx.audit_salt()?, &key);
            tx.append_audit(
                &NewAuditEvent {
                    actor_id: None,
                    actor: String::new(),
                    action: AuditAction::LoginFailed,
                    target: AuditTarget::Nothing,
                    detail: format!("未知账号 #{digest}"),
                },
                now,
            )?;
            return Ok(refused(None));
        };
        let session = SessionClerk::from(&clerk);
        // Always verified, also while locked, so a locked account costs the
        // same time and only the right password learns that it is locked.
        let password_ok = verify_password(password, &clerk.password_hash);
        let (attempt, next) = policy.apply(clerk.lockout, now, || password_ok);
        if next != clerk.lockout {
            tx.set_lockout(clerk.id, next)?;
        }
        let target = AuditTarget::Clerk(clerk.id);
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
                Ok(if password_ok || purpose == LoginPurpose::Unlock {
                    LoginOutcome::Refused(locked_message(until, now))
                } else {
                    refused(None)
                })
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
                Ok(refused(Some(remaining)))
            }
            Attempt::LockedNow { until } => {
                audit(
                    tx,
                    Some(&session),
                    AuditAction::LoginFailed,
                    target,
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
                Ok(match purpose {
                    LoginPurpose::Unlock => LoginOutcome::Refused(format!(
                        "连续 {} 次密码错误，账号已锁定至 {}。请稍后再试或请管理员重置密码。",
                        policy.max_failures,
                        clock::fmt_hm(until)
                    )),
                    LoginPurpose::SignIn => refused(None),
                })
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
                    "该账号已停用，请联系管理员。".to_owned(),
                ))
            }
            Attempt::Succeeded => {
                let action = match purpose {
                    LoginPurpose::SignIn => AuditAction::LoginSucceeded,
                    LoginPurpose::Unlock => AuditAction::Unlocked,
                };
                audit(tx, Some(&session), action, target, String::new(), now)?;
                // An unlock of a session this window still holds keeps its
                // token: a "still mine?" check sent just before the unlock
                // commits must not find a new token and sign the clerk out.
                if purpose == LoginPurpose::Unlock
                    && let Some((id, mine)) = window_session
                    && id == clerk.id
                    && tx.session_of(clerk.id)?.is_some_and(|s| s.token == mine)
                {
                    return Ok(LoginOutcome::Success(SessionClerk {
                        session: Some(mine.to_owned()),
                        ..session
                    }));
                }
                // One counter at a time: this sign-in (or unlock: the clerk
                // is here now) takes the session over from any other counter.
                let here = SignedIn {
                    token: OpKey::new().to_string(),
                    workstation: crate::app::runtime::os_account::host(),
                    since: now,
                };
                // An unlock replaces this window's own token: only one that
                // comes from another counter is a takeover.
                if let Some(before) = tx.begin_session(clerk.id, &here)?
                    && (purpose == LoginPurpose::SignIn || before.workstation != here.workstation)
                {
                    audit(
                        tx,
                        Some(&session),
                        AuditAction::SessionTakenOver,
                        target,
                        format!("从 {} 接管，现在 {}", before.workstation, here.workstation),
                        now,
                    )?;
                }
                Ok(LoginOutcome::Success(SessionClerk {
                    session: Some(here.token),
                    ..session
                }))
            }
        }
    })
}

/// First 8 hex digits of SHA-256(salt ‖ name).
fn unknown_name_digest(salt: &str, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0u8])
        .chain_update(name.as_bytes())
        .finalize();
    d.iter().take(4).map(|b| format!("{b:02x}")).collect()
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
) -> Result<(), AppError> {
    store.write_checked(|tx| -> Result<_, AppError> {
        let why = if replaced_by.is_some() {
            "被接替登录"
        } else {
            "退出登录"
        };
        release_on_leave(tx, clerk, why, now)?;
        end_session_row(tx, clerk, replaced_by, now)?;
        if let Some(token) = &clerk.session {
            tx.end_session(clerk.id, token)?;
        }
        Ok(())
    })
}

fn end_session_row(
    tx: &crate::store::Tx<'_>,
    clerk: &SessionClerk,
    replaced_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), crate::store::StoreError> {
    match replaced_by {
        None => audit(
            tx,
            Some(clerk),
            AuditAction::Logout,
            AuditTarget::Clerk(clerk.id),
            String::new(),
            now,
        ),
        Some(next) => audit(
            tx,
            Some(clerk),
            AuditAction::SessionReplaced,
            AuditTarget::Clerk(clerk.id),
            format!("由 {} 登录接替", sanitize_typed(next)),
            now,
        ),
    }
}

pub fn record_idle_lock(
    store: &mut Store,
    clerk: &SessionClerk,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    record_lock(store, clerk, LockReason::Idle, now)
}

/// A clerk changes their own password; the old one must be right.
pub fn change_own_password(
    store: &mut Store,
    clerk: &SessionClerk,
    old: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<SessionClerk, AppError> {
    check_policy(new, &clerk.username).map_err(|e| AppError::rejected(e.to_string()))?;
    if old == new {
        return Err(AppError::rejected("新密码不能与原密码相同".to_owned()));
    }
    let hash = hash_password(new).map_err(|e| AppError::rejected(e.to_string()))?;
    store.write_checked(|tx| -> Result<_, AppError> {
        let record = existing_clerk(tx, clerk.id)?;
        if !verify_password(old, &record.password_hash) {
            return Err(AppError::rejected("原密码不正确".to_owned()));
        }
        tx.set_password(
            clerk.id,
            crate::store::NewPassword {
                hash: &hash,
                must_change: false,
            },
            now,
        )?;
        audit(
            tx,
            Some(clerk),
            AuditAction::PasswordChanged,
            AuditTarget::Clerk(clerk.id),
            String::new(),
            now,
        )?;
        Ok(SessionClerk {
            must_change_password: false,
            ..clerk.clone()
        })
    })
}

/// Why the screen was locked: the clerk pressed Ctrl+L, or the idle timer ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    Manual,
    Idle,
}

impl LockReason {
    pub fn label(self) -> &'static str {
        match self {
            LockReason::Manual => "手动锁屏",
            LockReason::Idle => "闲置锁屏",
        }
    }
}

/// Records a lock, saying honestly whether the clerk or the timer locked.
pub fn record_lock(
    store: &mut Store,
    clerk: &SessionClerk,
    reason: LockReason,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let action = match reason {
        LockReason::Manual => AuditAction::ManualLocked,
        LockReason::Idle => AuditAction::IdleLocked,
    };
    store.write_checked(|tx| -> Result<_, AppError> {
        audit(
            tx,
            Some(clerk),
            action,
            AuditTarget::Clerk(clerk.id),
            String::new(),
            now,
        )?;
        release_on_leave(tx, clerk, "锁屏", now)?;
        Ok(())
    })
}

/// The session family's requests, as the worker receives them.
#[derive(Debug, Clone)]
pub enum Req {
    Login {
        username: String,
        password: String,
        purpose: LoginPurpose,
    },
    Logout {
        replaced_by: Option<String>,
    },
    Locked(LockReason),
    ChangeOwnPassword {
        old: String,
        new: String,
    },
    /// Whether this window still holds the clerk's session (asked when the
    /// store changed): `Done`, or `SignedInElsewhere`.
    Check,
}

#[derive(Debug, Clone)]
pub enum Resp {
    SignedIn(SessionClerk),
    Unlocked(SessionClerk),
    LoginRefused {
        purpose: LoginPurpose,
        message: String,
    },
    PasswordChanged(SessionClerk),
    Done,
}

pub fn handle(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    req: Req,
) -> Result<Resp, AppError> {
    let signed_in = || actor.ok_or_else(|| AppError::rejected("请先登录。"));
    Ok(match req {
        Req::Login {
            username,
            password,
            purpose,
        } => {
            // The locked window's own session (kept when it is the same clerk).
            let window_session = actor.and_then(|a| Some((a.id, a.session.as_deref()?)));
            match login(store, &username, &password, purpose, window_session, now)? {
                LoginOutcome::Success(c) if purpose == LoginPurpose::Unlock => Resp::Unlocked(c),
                LoginOutcome::Success(c) => Resp::SignedIn(c),
                LoginOutcome::Refused(message) => Resp::LoginRefused { purpose, message },
            }
        }
        Req::Logout { replaced_by } => {
            end_session(store, signed_in()?, replaced_by.as_deref(), now)?;
            Resp::Done
        }
        Req::Locked(reason) => {
            record_lock(store, signed_in()?, reason, now)?;
            Resp::Done
        }
        Req::Check => {
            let clerk = signed_in()?;
            store.read_checked(|tx| crate::app::clerks::access::require_session(tx, clerk))?;
            Resp::Done
        }
        Req::ChangeOwnPassword { old, new } => {
            Resp::PasswordChanged(change_own_password(store, signed_in()?, &old, &new, now)?)
        }
    })
}

/// The clerk with this id, or "账号不存在" (the account was removed meanwhile).
pub(crate) fn existing_clerk(tx: &Tx<'_>, id: i64) -> Result<ClerkRecord, AppError> {
    tx.clerk_by_id(id)?
        .ok_or_else(|| AppError::rejected("账号不存在".to_owned()))
}

/// Gives back the clerk's running claims when their screen locks or they
/// sign out, so others can take the work at once (a crashed PC is covered by
/// the lease running out). One audit row per application; inside the
/// caller's transaction (the lock or logout row's).
pub fn release_on_leave(
    tx: &Tx<'_>,
    clerk: &SessionClerk,
    why: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let ids = tx.release_claims_of(clerk.id, now)?;
    for id in &ids {
        audit(
            tx,
            Some(clerk),
            AuditAction::ReviewReleased,
            AuditTarget::Application(*id),
            format!("{why}时自动放回队列"),
            now,
        )?;
    }
    if !ids.is_empty() {
        tracing::info!(released = ids.len(), "claims given back on leave");
    }
    Ok(ids.len())
}
