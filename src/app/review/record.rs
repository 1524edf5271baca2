//! Writing one decision inside the caller's transaction: the decision row
//! with its notice, the closed application and claim, the queued messages
//! and the audit row. Shared by the queue's decision and the countersign.

use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::access::audit;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::review::notice::{NoticeInput, compose};
use crate::domain::review::photo_override;
use crate::domain::review::queue::cst_date;
use crate::domain::review::{AppKind, Outcome, Reason};
use crate::store::{ApplicationRecord, Channel, NewDecision, NewMessage, Tx};

/// What was decided, as [`write_decision`] stores it.
pub(crate) struct DecisionWrite<'a> {
    pub outcome: Outcome,
    pub reasons: &'a [Reason],
    pub free_text: &'a str,
    /// The reason for approving despite a failed photo check.
    pub photo_override: Option<&'a str>,
    /// The request's client-generated key (a retry finds its decision by it).
    pub op_key: Option<&'a str>,
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
    d: &DecisionWrite<'_>,
    now: DateTime<Utc>,
    how: &str,
) -> Result<(), AppError> {
    let DecisionWrite {
        outcome,
        reasons,
        free_text,
        photo_override,
        op_key,
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
            op_key: op_key.map(str::to_owned),
        },
        &messages,
        now,
    )?
    .ok_or(AppError::Stale {
        application: rec.id,
    })?;
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
    audit(
        tx,
        Some(actor),
        action,
        AuditTarget::Application(rec.id),
        detail,
        now,
    )?;
    Ok(())
}

/// "What was seen": the intake photo verdict and its failing checks.
fn photo_report_line(rec: &ApplicationRecord) -> String {
    let a = &rec.data;
    match &a.photo_verdict {
        None => "无照片".to_owned(),
        Some(v) => format!("照片检测 {v}；{}", a.photo_summary),
    }
}
