//! 审计日志 as the screen shows it: each row's target named (account name,
//! user name and role instead of `clerk:2`), and the chain check.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::access::require_role;
use super::error::AppError;
use super::session::SessionClerk;
use crate::domain::audit::AuditAction;
use crate::domain::clerk::Role;
use crate::store::{AuditVerdict, Store};

/// One audit row for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: Option<AuditAction>,
    pub action_code: String,
    /// The target in words: "王丽（wangli，窗口）", or as stored.
    pub target: String,
    pub detail: String,
    pub hash: String,
}

#[derive(Debug, Clone)]
pub enum Req {
    Tail { limit: usize },
    Verify,
}

#[derive(Debug, Clone)]
pub enum Resp {
    Rows(Vec<AuditEntry>),
    Verdict(AuditVerdict),
}

pub fn handle(
    store: &mut Store,
    _now: DateTime<Utc>,
    actor: &SessionClerk,
    req: Req,
) -> Result<Resp, AppError> {
    const REFUSAL: &str = "只有审核人员和管理员可以查看审计日志。";
    match req {
        Req::Tail { limit } => store
            .read(|tx| {
                require_role(tx, actor, Role::can_view_audit, REFUSAL)?;
                let names: HashMap<String, String> = tx
                    .list_clerks()?
                    .iter()
                    .map(|c| {
                        (
                            format!("clerk:{}", c.id),
                            format!("{}（{}，{}）", c.display_name, c.username, c.role.label()),
                        )
                    })
                    .collect();
                Ok(tx
                    .audit_tail(limit)?
                    .into_iter()
                    .map(|r| AuditEntry {
                        target: names.get(&r.target).cloned().unwrap_or_else(|| {
                            match r.target.as_str() {
                                "settings" => "系统设置".to_owned(),
                                other => other.to_owned(),
                            }
                        }),
                        seq: r.seq,
                        at: r.at,
                        actor: r.actor,
                        action: r.action,
                        action_code: r.action_code,
                        detail: r.detail,
                        hash: r.hash,
                    })
                    .collect())
            })
            .map(Resp::Rows)
            .map_err(AppError::from),
        Req::Verify => store
            .read(|tx| {
                require_role(tx, actor, Role::can_view_audit, REFUSAL)?;
                tx.verify_audit()
            })
            .map(Resp::Verdict)
            .map_err(AppError::from),
    }
}
