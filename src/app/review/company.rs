//! 单位注册复核: a company registration waits in the review queue for a
//! supervisor's countersignature. The item is created in the registration's
//! own transaction; deciding it countersigns (approve) or returns (reject)
//! the registration in the decision's transaction, and countersigning on
//! the record closes the item the same way.

use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit_target::AuditTarget;
use crate::store::Lease;
use chrono::{DateTime, Utc};

use crate::app::review::record::DecisionWrite;

use crate::app::clerks::access::audit;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::review::record::write_decision;
use crate::app::runtime::clock::fmt_hm;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::registration::status::OWN_COUNTERSIGN;
use crate::domain::review::application::held_by_sentence;
use crate::domain::review::queue::due_for;
use crate::domain::review::{AppKind, AppState, LEASE, Outcome, Reason};
use crate::store::{NewApplication, NewRegistration, StoreError, Tx};

/// `DW` + the registration number's digits: `MQ-20261123-0001` → `DW202611230001`.
pub fn app_no_for(reg_no: &str) -> String {
    let digits: String = reg_no.chars().filter(char::is_ascii_digit).collect();
    format!("{}{digits}", AppKind::CompanyRegistration.number_prefix())
}

/// Queues the 单位注册复核 item, due one working day later (CST holiday
/// calendar), for the registration just inserted as `registration_id`: its
/// code and name, the agent's mobile (the result goes there) and the
/// registering clerk (four-eyes: never their own countersignature). Call
/// inside the registration's write transaction.
pub fn enqueue(
    tx: &Tx<'_>,
    registration_id: i64,
    r: &NewRegistration,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let due = due_for(now);
    let id = tx.insert_application(&NewApplication {
        doc_no: r.applicant.doc_number.clone(),
        name: r.applicant.name.clone(),
        mobile: r.applicant.mobile.clone(),
        ..NewApplication::bare(
            app_no_for(&r.reg_no),
            AppKind::CompanyRegistration,
            now,
            due.at,
            due.day,
            Some(r.clerk_id),
        )
    })?;
    tx.link_registration(id, registration_id)?;
    Ok(id)
}

/// Part of a queue decision on a 单位注册复核 item: countersigns or returns
/// the registration, with its own audit row. An error rolls the whole
/// decision back.
pub(crate) fn settle_registration(
    tx: &Tx<'_>,
    actor: &SessionClerk,
    application_id: i64,
    app_no: &str,
    outcome: Outcome,
    reasons: &[Reason],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(reg_id) = tx.registration_for_application(application_id)? else {
        // Demo or imported items without a registration behind them.
        return Ok(());
    };
    let Some(reg) = tx.registration(reg_id)? else {
        return Err(AppError::rejected("未找到该单位面签记录".to_owned()));
    };
    if reg.clerk_id == actor.id {
        return Err(AppError::rejected(OWN_COUNTERSIGN));
    }
    let done = match outcome {
        Outcome::Approve => tx.countersign_registration(reg_id, actor.id, now)?,
        Outcome::Reject => tx.return_registration(reg_id, actor.id, now)?,
    };
    if !done {
        return Err(AppError::rejected(match &reg.countersigner_name {
            Some(by) => format!("该单位面签已由 {by} 复核，本次审核结果未保存"),
            None => format!("该单位面签已{}，本次审核结果未保存", reg.status.label()),
        }));
    }
    let (action, what) = match outcome {
        Outcome::Approve => (AuditAction::RegistrationCountersigned, "复核通过"),
        Outcome::Reject => (AuditAction::RegistrationReturned, "退回"),
    };
    let labels: Vec<&str> = reasons.iter().map(|r| r.label()).collect();
    let detail = if labels.is_empty() {
        format!(
            "{}（受理人 {}，审核队列 {app_no} {what}）",
            reg.reg_no, reg.clerk_name
        )
    } else {
        format!(
            "{}（受理人 {}，审核队列 {app_no} {what}，原因：{}）",
            reg.reg_no,
            reg.clerk_name,
            labels.join("、")
        )
    };
    audit(
        tx,
        Some(actor),
        action,
        AuditTarget::Registration(reg_id),
        detail,
        now,
    )?;
    Ok(())
}

/// Countersigning on the record (面签记录 → 复核): closes the registration's
/// queue item as approved in the same transaction, with its decision,
/// messages and audit row. Refused, with who holds it and until when, while
/// another supervisor has the item open in the queue.
pub fn close_from_record(
    tx: &Tx<'_>,
    actor: &SessionClerk,
    registration_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(app_id) = tx.application_for_registration(registration_id)? else {
        return Ok(());
    };
    let Some(info) = tx.claim_info(app_id)? else {
        return Ok(());
    };
    let state = AppState::derive(info.state.status, info.state.lease_until, now);
    if state.is_final() {
        return Ok(());
    }
    let seq = match (state, info.state.holder) {
        (AppState::InReview, Some(h)) if h == actor.id => info.state.claim_seq,
        (AppState::InReview, _) => {
            let until = info.state.lease_until.map(fmt_hm).unwrap_or_default();
            return Err(AppError::rejected(format!(
                "该单位面签在审核队列中{}；请稍后再复核，或请其放回队列",
                held_by_sentence(info.holder_name.as_deref(), &until)
            )));
        }
        _ => match tx.claim(app_id, actor.id, Lease::new(now, now + LEASE))? {
            Some(c) => c.seq,
            None => {
                return Err(AppError::rejected(
                    "该单位面签的审核状态已变化，请刷新后重试".to_owned(),
                ));
            }
        },
    };
    let Some(rec) = tx.application(app_id)? else {
        return Ok(());
    };
    write_decision(
        tx,
        actor,
        &rec,
        seq,
        &DecisionWrite {
            outcome: Outcome::Approve,
            reasons: &[],
            free_text: "",
            photo_override: None,
            op_key: None,
        },
        now,
        "在面签记录上复核",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_number_follows_the_registration_number() {
        assert_eq!(app_no_for("MQ-20261123-0001"), "DW202611230001");
    }
}
