//! What the screens get: list rows with masked numbers, and everything the
//! review screen shows for one application. No store row types leak out.

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::registration::view as registration_view;
use crate::app::registration::view::RegistrationView;
use crate::app::review::Ticket;
use crate::domain::documents::licence::{describe, parse_classes, status_name};
use crate::domain::mask::mask_document;
use crate::domain::review::eligibility::{Facts, PreChecks, pre_checks};
use crate::domain::review::{AppKind, AppState, Outcome, PageCursor, PhotoSource, Reason, Status};
use crate::store::{ApplicationRecord, QueueClock, QueueRow, StoreError, Tx};

/// One row of the queue as the list shows it (document number masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub id: i64,
    pub app_no: String,
    pub kind: AppKind,
    pub state: AppState,
    pub name: String,
    pub doc_masked: String,
    pub licence_status: String,
    /// `pass` / `warn` / `fail` from the intake photo check.
    pub photo_verdict: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    /// Display name of whoever holds a running claim.
    pub held_by: Option<String>,
    pub held_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub generation: u64,
    pub rows: Vec<QueueItem>,
    /// Cursor for the next page when this one was full (by due time only).
    pub next: Option<PageCursor>,
    /// How the search text was read: 受理号 / 证件号码 / 姓名.
    pub search_as: Option<&'static str>,
}

/// A photo with its bytes, for the screen to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoView {
    pub blob_id: i64,
    pub sha256: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// The licence block of the review screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceView {
    pub number: String,
    pub classes: String,
    /// "C1 小型汽车、E 普通二轮摩托车"
    pub classes_described: String,
    pub status: String,
    /// Each status letter with its name ("未知" for an unknown letter).
    pub status_names: Vec<(char, &'static str)>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub authority: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionView {
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
    pub free_text: String,
    pub notice: String,
    /// The reason for approving despite a failed photo check.
    pub photo_override: Option<String>,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// Everything the review screen shows for one application.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub id: i64,
    pub app_no: String,
    pub kind: AppKind,
    pub state: AppState,
    pub name: String,
    /// The full number: shown only on the opened record.
    pub doc_no: String,
    pub doc_masked: String,
    pub mobile: String,
    pub licence: Option<LicenceView>,
    pub photo: Option<PhotoView>,
    pub photo_source: Option<PhotoSource>,
    pub last_photo_change: Option<NaiveDate>,
    /// For a photo change: the photo being replaced.
    pub previous_photo: Option<PhotoView>,
    pub photo_verdict: Option<String>,
    /// Ids of the automated photo checks that failed at intake: approving
    /// then needs an override with a reason.
    pub photo_failed: Vec<String>,
    /// One line per automated check, from intake.
    pub photo_summary: String,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub pre_checks: PreChecks,
    /// Present when the actor holds the claim and may decide.
    pub ticket: Option<Ticket>,
    /// Why the actor may only look (four-eyes, role, already decided).
    pub read_only_reason: Option<String>,
    pub decision: Option<DecisionView>,
    /// For 单位注册复核: the company registration being countersigned (code
    /// breakdown, agent with masked number, originals sighted, scans).
    pub registration: Option<Box<RegistrationView>>,
}

pub(crate) fn queue_item(r: &QueueRow, clock: &QueueClock) -> QueueItem {
    let state = AppState::derive(r.status, r.lease_until, clock.now);
    let live = state == AppState::InReview;
    QueueItem {
        id: r.id,
        app_no: r.app_no.clone(),
        kind: r.kind,
        state,
        name: r.name.clone(),
        doc_masked: mask_document(&r.doc_no),
        licence_status: r.licence_status.clone(),
        photo_verdict: r.photo_verdict.clone(),
        submitted_at: r.submitted_at,
        due_at: r.due_at,
        overdue: r.status == Status::Pending && r.due_at < clock.today_start,
        held_by: if live {
            r.claimed_by_name.clone()
        } else {
            None
        },
        held_until: if live { r.lease_until } else { None },
    }
}
pub(crate) fn checks_for(rec: &ApplicationRecord, today: NaiveDate) -> PreChecks {
    let a = &rec.data;
    pre_checks(
        &Facts {
            kind: a.kind,
            doc_no: &a.doc_no,
            mobile: &a.mobile,
            licence_status: &a.licence_status,
            classes: &a.classes,
            valid_until: a.valid_until.unwrap_or(NaiveDate::MAX),
            authority: &a.authority,
            photo_source: a.photo_source.unwrap_or(PhotoSource::Held),
            last_photo_change: a.last_photo_change,
            issued: a.issued.as_ref(),
            failed_photo_checks: &a.photo_failed,
        },
        today,
    )
}

fn photo(tx: &Tx<'_>, id: Option<i64>) -> Result<Option<PhotoView>, StoreError> {
    let Some(id) = id else { return Ok(None) };
    Ok(tx.blob(id)?.map(|b| PhotoView {
        blob_id: b.id,
        sha256: b.sha256,
        mime: b.mime,
        bytes: b.bytes,
    }))
}

/// Everything the review screen needs for one application: the record, the
/// computed pre-checks, the photo bytes and any decision. `ticket` and
/// `read_only_reason` say whether the actor may decide.
pub fn review_item(
    tx: &Tx<'_>,
    now: DateTime<Utc>,
    id: i64,
    ticket: Option<Ticket>,
    read_only_reason: Option<String>,
) -> Result<Option<ReviewItem>, StoreError> {
    let Some(rec) = tx.application(id)? else {
        return Ok(None);
    };
    let clock = QueueClock::at(now, 0);
    let a = &rec.data;
    let pre = checks_for(&rec, clock.today);
    let licence = a.kind.has_licence().then(|| LicenceView {
        number: a.licence_no.clone(),
        classes: a.classes.clone(),
        classes_described: parse_classes(&a.classes)
            .map(|c| describe(&c))
            .unwrap_or_default(),
        status: a.licence_status.clone(),
        status_names: a
            .licence_status
            .chars()
            .map(|c| (c, status_name(c).unwrap_or("未知")))
            .collect(),
        valid_from: a.valid_from,
        valid_until: a.valid_until,
        authority: a.authority.clone(),
    });
    let registration = match tx.registration_for_application(id)? {
        Some(reg_id) => match tx.registration(reg_id)? {
            Some(r) => {
                let scans = tx.attachments_of(reg_id)?;
                // The queue has its own decide buttons: no countersign flag here.
                Some(Box::new(registration_view::view(r, scans, 0, false)))
            }
            None => None,
        },
        None => None,
    };
    let decision = tx.decision_for(id)?.map(|d| DecisionView {
        outcome: d.data.outcome,
        reasons: d.data.reasons,
        free_text: d.data.free_text,
        notice: d.data.notice,
        photo_override: d.data.photo_override,
        decided_by: d.decided_by_name.unwrap_or_default(),
        decided_at: d.decided_at,
    });
    Ok(Some(ReviewItem {
        id: rec.id,
        app_no: a.app_no.clone(),
        kind: a.kind,
        state: AppState::derive(rec.status, rec.lease_until, now),
        name: a.name.clone(),
        doc_no: a.doc_no.clone(),
        doc_masked: mask_document(&a.doc_no),
        mobile: a.mobile.clone(),
        licence,
        photo: photo(tx, a.photo_blob)?,
        photo_source: a.photo_source,
        last_photo_change: a.last_photo_change,
        previous_photo: photo(tx, a.previous_photo_blob)?,
        photo_verdict: a.photo_verdict.clone(),
        photo_failed: a.photo_failed.clone(),
        photo_summary: a.photo_summary.clone(),
        submitted_at: a.submitted_at,
        due_at: a.due_at,
        overdue: rec.status == Status::Pending && a.due_at < clock.today_start,
        pre_checks: pre,
        ticket,
        read_only_reason,
        decision,
        registration,
    }))
}

/// An application's state and claim as re-read while its review is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub state: AppState,
    /// Who holds the running claim (display name), if anyone.
    pub holder: Option<String>,
    pub holder_id: Option<i64>,
    pub lease_until: Option<DateTime<Utc>>,
    pub claim_seq: i64,
}

impl StatusView {
    pub fn of(info: &crate::store::ClaimInfo, now: DateTime<Utc>) -> Self {
        let s = &info.state;
        StatusView {
            state: AppState::derive(s.status, s.lease_until, now),
            holder: info.holder_name.clone(),
            holder_id: s.holder,
            lease_until: s.lease_until,
            claim_seq: s.claim_seq,
        }
    }
}

/// What the clerk is told when the application open in their review was
/// claimed or decided elsewhere (another window, process or reviewer), or
/// `None` while it is as they opened it.
pub fn changed_elsewhere(item: &ReviewItem, now: Option<&StatusView>) -> Option<String> {
    let Some(now) = now else {
        return Some("该申请已不存在（可能已被删除），请返回队列。".to_owned());
    };
    let decided = match now.state {
        AppState::Approved => Some("通过"),
        AppState::Returned => Some("退回"),
        _ => None,
    };
    match item.ticket {
        Some(t) if now.claim_seq == t.seq && decided.is_none() => None,
        Some(_) => Some(match (decided, &now.holder, now.lease_until) {
            (Some(d), _, _) => format!("该申请已在其他窗口被{d}，本次决定不会保存。"),
            (None, Some(h), Some(u)) if now.state == AppState::InReview => format!(
                "该申请已由 {h} 领取（至 {}），本次决定不会保存。",
                crate::app::runtime::clock::fmt_hm(u)
            ),
            _ => "该申请的领取已失效，本次决定不会保存；请返回队列重新领取。".to_owned(),
        }),
        None if now.state == item.state => None,
        None => Some(match (decided, &now.holder) {
            (Some(d), _) => format!("该申请已被{d}（刚刚在其他窗口办理）。"),
            (None, Some(h)) if now.state == AppState::InReview => {
                format!("该申请现由 {h} 审核中。")
            }
            _ => format!("该申请的状态已变为{}。", now.state.label()),
        }),
    }
}
