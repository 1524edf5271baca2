//! Deciding: one transaction writes the decision, closes the application and
//! its claim, queues the SMS and app messages and appends the audit row.

use chrono::{DateTime, Utc};

use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::review::Decision;
use crate::app::review::NOT_FOUND;
use crate::app::review::NOT_REVIEWER;
use crate::app::review::OWN_ENTRY;
use crate::app::review::Resp;
use crate::app::review::Ticket;
use crate::app::review::claim::claim_next;
use crate::app::review::company::settle_registration;
use crate::app::review::record::DecisionWrite;
use crate::app::review::record::write_decision;
use crate::app::review::refused;
use crate::app::review::view::checks_for;
use crate::app::runtime::call::OpKey;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::clerk::Role;
use crate::domain::review::application::apply;
use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::notice::clean_free_text;
use crate::domain::review::photo_override;
use crate::domain::review::queue::cst_date;
use crate::domain::review::reasons::normalise;
use crate::domain::review::{AppKind, Outcome, Transition};
use crate::store::Store;

pub(crate) fn decide(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    op: &OpKey,
    ticket: Ticket,
    verdict: &Decision,
    then_next: bool,
) -> Result<Resp, AppError> {
    let (outcome, reasons, free_text) = match verdict {
        Decision::Approve | Decision::ApproveDespitePhoto { .. } => {
            (Outcome::Approve, Vec::new(), String::new())
        }
        Decision::Reject { reasons, free_text } => (
            Outcome::Reject,
            normalise(reasons).map_err(AppError::rejected)?,
            clean_free_text(free_text).map_err(AppError::Rejected)?,
        ),
    };
    let photo_override = match verdict {
        Decision::ApproveDespitePhoto { reason } => {
            Some(photo_override::reason(reason).map_err(AppError::Rejected)?)
        }
        _ => None,
    };
    let today = cst_date(now);
    let out: Result<String, AppError> = store.write_checked(|tx| -> Result<_, AppError> {
        require_role(tx, actor, Role::can_decide, NOT_REVIEWER)?;
        // A retry after a lost connection: the first attempt's COMMIT
        // landed, so answer as it would have.
        if let Some(done) = tx.decision_for(ticket.id)?
            && done.data.op_key.as_deref() == Some(op.as_str())
            && let Some(rec) = tx.application(ticket.id)?
        {
            return Ok(rec.data.app_no);
        }
        let Some(info) = tx.claim_info(ticket.id)? else {
            return Err(AppError::rejected(NOT_FOUND));
        };
        if info.created_by == Some(actor.id) {
            return Err(AppError::rejected(OWN_ENTRY));
        }
        if let Err(e) = apply(
            &info.state,
            Transition::Decide(outcome),
            actor.id,
            Some(ticket.seq),
            now,
        ) {
            return Err(refused(e, ticket.id, &info));
        }
        let Some(rec) = tx.application(ticket.id)? else {
            return Err(AppError::rejected(NOT_FOUND));
        };
        if outcome == Outcome::Approve {
            let checks = checks_for(&rec, today);
            if let Some(block) = checks.items.iter().find(|i| i.verdict == PreVerdict::Block) {
                return Err(AppError::rejected(format!(
                    "不能通过：{}（{}）。请选择退回原因",
                    block.title, block.message
                )));
            }
            // The screen asks first; this keeps every other path honest too.
            if photo_override::needed(&rec.data.photo_failed) && photo_override.is_none() {
                return Err(AppError::rejected(format!(
                    "照片检测不合格（{}）：须说明理由才能通过",
                    photo_override::failed_labels(&rec.data.photo_failed).join("、")
                )));
            }
        }
        if rec.data.kind == AppKind::CompanyRegistration
            && let Some(r) = reasons
                .iter()
                .find(|r| !r.applies_to(AppKind::CompanyRegistration))
        {
            return Err(AppError::rejected(format!(
                "单位注册复核不适用退回原因“{}”",
                r.label()
            )));
        }
        write_decision(
            tx,
            actor,
            &rec,
            ticket.seq,
            &DecisionWrite {
                outcome,
                reasons: &reasons,
                free_text: &free_text,
                photo_override: photo_override.as_deref(),
                op_key: Some(op.as_str()),
            },
            now,
            "",
        )?;
        if rec.data.kind == AppKind::CompanyRegistration {
            settle_registration(tx, actor, rec.id, &rec.data.app_no, outcome, &reasons, now)?;
        }
        Ok(rec.data.app_no.clone())
    });
    let app_no = out?;
    tracing::info!(outcome = outcome.code(), "review decided");
    let next = if then_next {
        claim_next(store, now, actor, None)?
    } else {
        None
    };
    Ok(Resp::Decided {
        id: ticket.id,
        app_no,
        outcome,
        next,
    })
}
