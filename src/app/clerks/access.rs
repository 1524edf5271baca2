//! What every use case family shares: re-reading the acting clerk before a
//! change, and writing the audit row in the same transaction.

use crate::app::runtime::error::AppError;
use chrono::{DateTime, Utc};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::audit_target::AuditTarget;
use crate::domain::clerks::clerk::Role;
use crate::store::{ClerkRecord, NewAuditEvent, StoreError, Tx};

/// Appends one audit row inside the caller's transaction. Without a clerk
/// (the command line) the row names the OS account and host instead.
pub fn audit(
    tx: &Tx<'_>,
    actor: Option<&SessionClerk>,
    action: AuditAction,
    target: AuditTarget,
    detail: String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.append_audit(
        &NewAuditEvent {
            actor_id: actor.map(|a| a.id),
            actor: actor.map(|a| a.username.clone()).unwrap_or_else(cli_actor),
            action,
            target,
            detail,
        },
        now,
    )
    .map(drop)
}

/// Re-reads the actor and checks `allowed` on its current role, so a stale UI
/// cannot act with rights the account no longer has (disabled, role changed).
pub fn require_role(
    tx: &Tx<'_>,
    actor: &SessionClerk,
    allowed: impl Fn(Role) -> bool,
    refusal: &str,
) -> Result<ClerkRecord, AppError> {
    require_session(tx, actor)?;
    match tx.clerk_by_id(actor.id)? {
        Some(c) if allowed(c.role) && !c.disabled => Ok(c),
        _ => Err(AppError::rejected(refusal.to_owned())),
    }
}

/// One counter at a time: refuses a window whose session another sign-in
/// of the same clerk has since taken over.
pub fn require_session(tx: &Tx<'_>, actor: &SessionClerk) -> Result<(), AppError> {
    if let Some(mine) = &actor.session
        && let Some(now_at) = tx.session_of(actor.id)?
        && now_at.token != *mine
    {
        let here = crate::app::runtime::os_account::host();
        return Err(AppError::SignedInElsewhere {
            workstation: (now_at.workstation != here).then_some(now_at.workstation),
        });
    }
    Ok(())
}

/// The audit's actor for a command-line operation: `命令行 root@ws-01`.
pub fn cli_actor() -> String {
    format!("命令行 {}", crate::app::runtime::os_account::os_actor())
}
