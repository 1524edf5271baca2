//! 审计日志 as the screen shows it: each row's target named (account name,
//! user name and role instead of `clerk:2`), and the chain check.

use crate::app::runtime::call::Call;
use std::collections::HashMap;

use crate::app::clerks::access::require_role;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit_target::AuditTarget;
use crate::domain::clerks::clerk::Role;
use crate::store::{AuditRow, AuditVerdict, StoreError, Tx};

/// An audit target in words: the clerk by name, 申请 SL…, 面签记录 MQ-…,
/// 系统设置; as stored otherwise (a record since deleted, text no version writes).
fn target_words(
    tx: &Tx<'_>,
    clerks: &HashMap<i64, String>,
    stored: &str,
) -> Result<String, StoreError> {
    let words = match AuditTarget::parse(stored) {
        Some(AuditTarget::Clerk(id)) => clerks.get(&id).cloned(),
        Some(AuditTarget::Application(id)) => tx.app_no_of(id)?.map(|no| format!("申请 {no}")),
        Some(AuditTarget::Registration(id)) => tx.reg_no_of(id)?.map(|no| format!("面签记录 {no}")),
        Some(AuditTarget::Settings) => Some("系统设置".to_owned()),
        Some(AuditTarget::Migration(id)) => Some(format!("迁入记录 {id}")),
        _ => None,
    };
    Ok(words.unwrap_or_else(|| stored.to_owned()))
}

/// One audit row for the screen: the stored row with its actor and target
/// in words ("赵敏 (zhaomin)", "王丽（wangli，窗口）"), or as stored.
pub type AuditEntry = AuditRow;

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

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let Call { store, actor, .. } = call;
    const REFUSAL: &str = "只有审核人员和管理员可以查看审计日志。";
    match req {
        Req::Tail { limit } => store
            .read_checked(|tx| -> Result<_, AppError> {
                require_role(tx, actor, Role::can_view_audit, REFUSAL)?;
                let clerks = tx.list_clerks()?;
                let names: HashMap<i64, String> = clerks
                    .iter()
                    .map(|c| {
                        (
                            c.id,
                            format!("{}（{}，{}）", c.display_name, c.username, c.role.label()),
                        )
                    })
                    .collect();
                // "赵敏 (zhaomin)": the name a colleague knows, and the login.
                let actors: HashMap<&str, String> = clerks
                    .iter()
                    .map(|c| {
                        (
                            c.username.as_str(),
                            format!("{} ({})", c.display_name, c.username),
                        )
                    })
                    .collect();
                let mut rows = Vec::new();
                for r in tx.audit_tail(limit)? {
                    let target = target_words(tx, &names, &r.target)?;
                    let actor = actors.get(r.actor.as_str()).cloned();
                    rows.push(AuditEntry {
                        target,
                        actor: actor.unwrap_or(r.actor),
                        ..r
                    });
                }
                Ok(rows)
            })
            .map(Resp::Rows),
        Req::Verify => store
            .read_checked(|tx| -> Result<_, AppError> {
                require_role(tx, actor, Role::can_view_audit, REFUSAL)?;
                Ok(tx.verify_audit()?)
            })
            .map(Resp::Verdict),
    }
}
