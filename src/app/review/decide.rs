//! Deciding: one transaction writes the decision, closes the application and
//! its claim, queues the SMS and app messages and appends the audit row.

use chrono::{DateTime, Utc};

use super::claim::claim_next;
use super::company::settle_registration;
use super::view::checks_for;
use super::{NOT_FOUND, NOT_REVIEWER, OWN_ENTRY, Resp, Ticket, Verdict, refused, target};
use crate::app::access::{audit, require_role};
use crate::app::auth::SessionClerk;
use crate::app::error::AppError;
use crate::domain::audit::AuditAction;
use crate::domain::clerk::Role;
use crate::domain::review::application::apply;
use crate::domain::review::eligibility::PreVerdict;
use crate::domain::review::notice::{NoticeInput, clean_free_text, compose};
use crate::domain::review::photo_override;
use crate::domain::review::queue::cst_date;
use crate::domain::review::reasons::normalise;
use crate::domain::review::{AppKind, Outcome, Reason, Transition};
use crate::store::{ApplicationRecord, Channel, NewDecision, NewMessage, Store, StoreError, Tx};

pub(crate) fn decide(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    ticket: Ticket,
    verdict: &Verdict,
    then_next: bool,
) -> Result<Resp, AppError> {
    let (outcome, reasons, free_text) = match verdict {
        Verdict::Approve | Verdict::ApproveDespitePhoto { .. } => {
            (Outcome::Approve, Vec::new(), String::new())
        }
        Verdict::Reject { reasons, free_text } => (
            Outcome::Reject,
            normalise(reasons).map_err(AppError::rejected)?,
            clean_free_text(free_text).map_err(AppError::Rejected)?,
        ),
    };
    let photo_override = match verdict {
        Verdict::ApproveDespitePhoto { reason } => {
            Some(photo_override::reason(reason).map_err(AppError::Rejected)?)
        }
        _ => None,
    };
    let today = cst_date(now);
    let out: Result<String, AppError> = store.write(|tx| {
        require_role(tx, actor, Role::can_decide, NOT_REVIEWER)?;
        let Some(info) = tx.claim_info(ticket.id)? else {
            return Ok(Err(AppError::rejected(NOT_FOUND)));
        };
        if info.created_by == Some(actor.id) {
            return Ok(Err(AppError::rejected(OWN_ENTRY)));
        }
        if let Err(e) = apply(
            &info.state,
            Transition::Decide(outcome),
            actor.id,
            Some(ticket.seq),
            now,
        ) {
            return Ok(Err(refused(e, &info)));
        }
        let Some(rec) = tx.application(ticket.id)? else {
            return Ok(Err(AppError::rejected(NOT_FOUND)));
        };
        if outcome == Outcome::Approve {
            let checks = checks_for(&rec, today);
            if let Some(block) = checks.items.iter().find(|i| i.verdict == PreVerdict::Block) {
                return Ok(Err(AppError::rejected(format!(
                    "不能通过：{}（{}）。请选择退回原因",
                    block.title, block.message
                ))));
            }
            // The screen asks first; this keeps every other path honest too.
            if photo_override::needed(&rec.data.photo_failed) && photo_override.is_none() {
                return Ok(Err(AppError::rejected(format!(
                    "照片检测不合格（{}）：须说明理由才能通过",
                    photo_override::failed_labels(&rec.data.photo_failed).join("、")
                ))));
            }
        }
        if rec.data.kind == AppKind::CompanyRegistration
            && let Some(r) = reasons
                .iter()
                .find(|r| !r.applies_to(AppKind::CompanyRegistration))
        {
            return Ok(Err(AppError::rejected(format!(
                "单位注册复核不适用退回原因“{}”",
                r.label()
            ))));
        }
        write_decision(
            tx,
            actor,
            &rec,
            ticket.seq,
            &Decision {
                outcome,
                reasons: &reasons,
                free_text: &free_text,
                photo_override: photo_override.as_deref(),
            },
            now,
            "",
        )?;
        if rec.data.kind == AppKind::CompanyRegistration {
            settle_registration(tx, actor, rec.id, &rec.data.app_no, outcome, &reasons, now)?;
        }
        Ok(Ok(rec.data.app_no.clone()))
    })?;
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
/// What was decided, as [`write_decision`] stores it.
pub(crate) struct Decision<'a> {
    pub outcome: Outcome,
    pub reasons: &'a [Reason],
    pub free_text: &'a str,
    /// The reason for approving despite a failed photo check.
    pub photo_override: Option<&'a str>,
}

/// Writes one decision under claim `seq`: closes the application and its
/// claim, records the decision with its notice, queues the SMS and app
/// messages and appends the audit row (`how` adds to its detail, e.g. where
/// it was decided). Inside the caller's transaction.
pub(crate) fn write_decision(
    tx: &Tx<'_>,
    actor: &SessionClerk,
    rec: &ApplicationRecord,
    seq: i64,
    d: &Decision<'_>,
    now: DateTime<Utc>,
    how: &str,
) -> Result<(), StoreError> {
    let Decision {
        outcome,
        reasons,
        free_text,
        photo_override,
    } = *d;
    let a = &rec.data;
    // A company's agent holds the 受理回执: its notices cite that number.
    let receipt_no = match a.kind {
        AppKind::CompanyRegistration => match tx.registration_for_application(rec.id)? {
            Some(reg) => tx.registration(reg)?.map(|r| r.reg_no),
            None => None,
        },
        _ => None,
    };
    let texts = compose(&NoticeInput {
        kind: a.kind,
        app_no: &a.app_no,
        receipt_no: receipt_no.as_deref(),
        submitted_on: cst_date(a.submitted_at),
        outcome,
        reasons,
        free_text,
    });
    let messages = [
        NewMessage {
            application_id: rec.id,
            channel: Channel::Sms,
            recipient: a.mobile.clone(),
            body: texts.sms,
        },
        NewMessage {
            application_id: rec.id,
            channel: Channel::App,
            recipient: a.doc_no.clone(),
            body: texts.app,
        },
    ];
    tx.decide(
        &NewDecision {
            application_id: rec.id,
            clerk: actor.id,
            claim_seq: seq,
            outcome,
            reasons: reasons.to_vec(),
            free_text: free_text.to_owned(),
            notice: texts.notice,
            photo_report: photo_report_line(rec),
            photo_override: photo_override.map(str::to_owned),
        },
        &messages,
        now,
    )?;
    let labels: Vec<&str> = reasons.iter().map(|r| r.label()).collect();
    let mut detail = format!("受理号 {}", a.app_no);
    if !labels.is_empty() {
        detail.push_str(&format!("，原因：{}", labels.join("、")));
    }
    if let Some(why) = photo_override {
        let failed = photo_override::failed_labels(&a.photo_failed);
        detail.push_str(&format!(
            "，照片检测不合格（{}）仍通过，理由：{why}",
            if failed.is_empty() {
                "复核时发现".to_owned()
            } else {
                failed.join("、")
            }
        ));
    }
    if !how.is_empty() {
        detail.push_str(&format!("（{how}）"));
    }
    let action = match outcome {
        Outcome::Approve => AuditAction::ReviewApproved,
        Outcome::Reject => AuditAction::ReviewReturned,
    };
    audit(tx, Some(actor), action, target(rec.id), detail, now).map(drop)
}

/// "What was seen": the intake photo verdict and its failing checks.
fn photo_report_line(rec: &ApplicationRecord) -> String {
    let a = &rec.data;
    match &a.photo_verdict {
        None => "无照片".to_owned(),
        Some(v) => format!("照片检测 {v}；{}", a.photo_summary),
    }
}
