//! The review queue's use cases: pages and counts (read-only, may run on a
//! [`ReadStore`](crate::store::ReadStore)), claiming, opening, renewing,
//! releasing and deciding. Every change is written with its audit row in one
//! transaction. The worker dispatches with one line:
//! `Request::Review(r) => review::handle(store, now, actor, r).map(Response::Review)`.

use chrono::{DateTime, NaiveDate, Utc};

use super::access::{audit, require_role};
use super::auth::SessionClerk;
use super::error::AppError;
use crate::domain::audit::AuditAction;
use crate::domain::clerk::Role;
use crate::domain::licence::{describe, parse_classes, status_name};
use crate::domain::normalize::normalize;
use crate::domain::review::application::apply;
use crate::domain::review::eligibility::{Facts, PreChecks, PreVerdict, pre_checks};
use crate::domain::review::mask::mask_document;
use crate::domain::review::notice::{NoticeInput, clean_free_text, compose};
use crate::domain::review::queue::cst_date;
use crate::domain::review::reasons::normalise;
use crate::domain::review::{
    AppKind, AppState, LEASE, Outcome, PageCursor, PhotoSource, QueueCounts, Reason, Scope, Status,
    Transition, TransitionError,
};
use crate::store::{
    ApplicationRecord, Channel, ClaimInfo, NewDecision, NewMessage, PageQuery, QueueClock,
    QueueRow, Reader, STALE_CLAIM, SearchKey, Store, StoreError, Tx,
};

/// Rows per page when the screen does not say.
pub const DEFAULT_PAGE: u32 = 100;

/// The claim a reviewer holds: present it to renew, release or decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub seq: i64,
    pub until: DateTime<Utc>,
}

/// Approve, or reject with reasons and free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    Reject {
        reasons: Vec<Reason>,
        free_text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    /// One page of the queue. `generation` comes back unchanged so the
    /// screen can drop replies to filters it has since left.
    Page {
        scope: Scope,
        kind: Option<AppKind>,
        /// Application number, exact document number, or the start of a name.
        search: Option<String>,
        after: Option<PageCursor>,
        offset: u32,
        limit: u32,
        generation: u64,
    },
    Counts,
    /// Claim the free application due soonest (optionally of one kind) and open it.
    ClaimNext {
        kind: Option<AppKind>,
    },
    /// Open one application: claims it if free and the actor may decide it.
    Open {
        id: i64,
    },
    Renew {
        ticket: Ticket,
    },
    /// Give back one's own claim (with its ticket), or, as a supervisor,
    /// anyone's (audited).
    Release {
        id: i64,
        ticket: Option<Ticket>,
    },
    Decide {
        ticket: Ticket,
        verdict: Verdict,
        /// Claim and open the next application in the same reply.
        then_next: bool,
    },
}

impl Req {
    /// Pages and counts only read: the worker may send them to a `ReadStore`.
    pub fn is_read_only(&self) -> bool {
        matches!(self, Req::Page { .. } | Req::Counts)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resp {
    Page(QueuePage),
    Counts(QueueCounts),
    /// `None`: nothing free to claim.
    Claimed(Option<Box<ReviewItem>>),
    Opened(Box<ReviewItem>),
    Renewed(Ticket),
    Released {
        id: i64,
    },
    Decided {
        id: i64,
        app_no: String,
        outcome: Outcome,
        next: Option<Box<ReviewItem>>,
    },
}

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
}

const NOT_REVIEWER: &str = "只有审核岗可以领取和审核申请；管理员和窗口岗不作审核决定";
const OWN_ENTRY: &str = "四眼原则：不能审核自己录入的申请，请由其他审核员处理";
const NOT_FOUND: &str = "未找到该申请，可能已被删除或编号有误";

fn target(id: i64) -> String {
    format!("application:{id}")
}

/// Runs any review request on the writer store.
pub fn handle(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    req: Req,
) -> Result<Resp, AppError> {
    match req {
        Req::Page { .. } | Req::Counts => handle_read(store, now, actor, req),
        Req::ClaimNext { kind } => claim_next(store, now, actor, kind).map(Resp::Claimed),
        Req::Open { id } => open(store, now, actor, id).map(|i| Resp::Opened(Box::new(i))),
        Req::Renew { ticket } => renew(store, now, actor, ticket).map(Resp::Renewed),
        Req::Release { id, ticket } => release(store, now, actor, id, ticket),
        Req::Decide {
            ticket,
            verdict,
            then_next,
        } => decide(store, now, actor, ticket, &verdict, then_next),
    }
}

/// Runs a read-only request ([`Req::is_read_only`]) on any reader, e.g. a
/// `ReadStore` on its own thread. Other requests are refused.
pub fn handle_read<R: Reader>(
    reader: &mut R,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    req: Req,
) -> Result<Resp, AppError> {
    if !may_view(actor.role) {
        return Err(AppError::rejected("管理员不查看审核队列中的申请人信息"));
    }
    let clock = QueueClock::at(now, actor.id);
    match req {
        Req::Page {
            scope,
            kind,
            search,
            after,
            offset,
            limit,
            generation,
        } => {
            let key = search.as_deref().and_then(classify_search);
            let limit = if limit == 0 { DEFAULT_PAGE } else { limit };
            let q = PageQuery {
                scope,
                kind,
                search: key.clone().map(|(k, _)| k),
                after,
                offset,
                limit,
            };
            let rows = reader.read(|tx| tx.queue_page(&q, &clock))?;
            let by_due = key
                .as_ref()
                .is_none_or(|(k, _)| !matches!(k, SearchKey::NamePrefix(_)));
            let next = (by_due && rows.len() as u32 >= q.limit.min(crate::store::MAX_PAGE))
                .then(|| {
                    rows.last().map(|r| PageCursor {
                        due_at: r.due_at,
                        id: r.id,
                    })
                })
                .flatten();
            Ok(Resp::Page(QueuePage {
                generation,
                rows: rows.iter().map(|r| queue_item(r, &clock)).collect(),
                next,
                search_as: key.map(|(_, label)| label),
            }))
        }
        Req::Counts => Ok(Resp::Counts(reader.read(|tx| tx.queue_counts(&clock))?)),
        _ => Err(AppError::rejected(
            "该操作需要写入数据库，不能在只读连接上执行",
        )),
    }
}

fn may_view(role: Role) -> bool {
    role.can_decide() || role.can_register()
}

/// Reads what was typed in the search box: an application number, a
/// document number (exact), or the start of a name.
pub fn classify_search(text: &str) -> Option<(SearchKey, &'static str)> {
    let raw = text.trim();
    if raw.is_empty() {
        return None;
    }
    let n = normalize(raw);
    let is_app_no = n.len() >= 10
        && AppKind::ALL
            .iter()
            .any(|k| n.starts_with(k.number_prefix()))
        && n[2..].bytes().all(|b| b.is_ascii_digit());
    if is_app_no {
        return Some((SearchKey::AppNo(n), "受理号"));
    }
    if n.len() >= 6
        && n.bytes().all(|b| b.is_ascii_alphanumeric())
        && n.bytes().any(|b| b.is_ascii_digit())
    {
        return Some((SearchKey::DocNo(n), "证件号码"));
    }
    Some((SearchKey::NamePrefix(raw.to_owned()), "姓名"))
}

fn queue_item(r: &QueueRow, clock: &QueueClock) -> QueueItem {
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

fn held_by(info: &ClaimInfo) -> AppError {
    AppError::HeldBy {
        clerk: info
            .holder_name
            .clone()
            .unwrap_or_else(|| "其他审核员".to_owned()),
        until: info.state.lease_until.unwrap_or_default(),
    }
}

/// Maps a refused transition to what the clerk is told.
fn refused(e: TransitionError, info: &ClaimInfo) -> AppError {
    match e {
        TransitionError::HeldByOther => held_by(info),
        TransitionError::Stale => AppError::rejected(STALE_CLAIM),
        other => AppError::rejected(other.to_string()),
    }
}

fn claim_next(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    kind: Option<AppKind>,
) -> Result<Option<Box<ReviewItem>>, AppError> {
    let claim = store.write(|tx| {
        require_role(tx, actor, Role::can_decide, NOT_REVIEWER)?;
        let Some(c) = tx.claim_next(actor.id, now, now + LEASE, kind)? else {
            return Ok(None);
        };
        audit(
            tx,
            Some(actor),
            AuditAction::ReviewClaimed,
            target(c.id),
            "领取下一件".to_owned(),
            now,
        )?;
        Ok(Some(c))
    })?;
    let Some(c) = claim else {
        return Ok(None);
    };
    let ticket = Ticket {
        id: c.id,
        seq: c.seq,
        until: c.until,
    };
    let item = store.read(|tx| review_item(tx, now, c.id, Some(ticket), None))?;
    Ok(item.map(Box::new))
}

/// Opens one application: claims it when free, keeps the actor's own live
/// claim, refuses with [`AppError::HeldBy`] when someone else's claim runs.
pub fn open(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
) -> Result<ReviewItem, AppError> {
    if !may_view(actor.role) {
        return Err(AppError::rejected("管理员不查看审核队列中的申请人信息"));
    }
    enum Access {
        Ticket(Ticket),
        ReadOnly(String),
    }
    let access: Result<Access, AppError> = store.write(|tx| {
        let Some(info) = tx.claim_info(id)? else {
            return Ok(Err(AppError::rejected(NOT_FOUND)));
        };
        let state = AppState::derive(info.state.status, info.state.lease_until, now);
        if state.is_final() {
            return Ok(Ok(Access::ReadOnly(format!("该申请{}", state.label()))));
        }
        let reviewer = tx
            .clerk_by_id(actor.id)?
            .is_some_and(|c| c.role.can_decide() && !c.disabled);
        if !reviewer {
            return Ok(Ok(Access::ReadOnly(NOT_REVIEWER.to_owned())));
        }
        if info.created_by == Some(actor.id) {
            return Ok(Ok(Access::ReadOnly(OWN_ENTRY.to_owned())));
        }
        if state == AppState::InReview && info.state.holder == Some(actor.id) {
            // Reopening one's own claim keeps its ticket and extends it.
            let until = now + LEASE;
            tx.renew_claim(id, actor.id, info.state.claim_seq, until)?;
            return Ok(Ok(Access::Ticket(Ticket {
                id,
                seq: info.state.claim_seq,
                until,
            })));
        }
        if let Err(e) = apply(&info.state, Transition::Claim, actor.id, None, now) {
            return Ok(Err(refused(e, &info)));
        }
        match tx.claim(id, actor.id, now, now + LEASE)? {
            Some(c) => {
                audit(
                    tx,
                    Some(actor),
                    AuditAction::ReviewClaimed,
                    target(id),
                    "打开并领取".to_owned(),
                    now,
                )?;
                Ok(Ok(Access::Ticket(Ticket {
                    id,
                    seq: c.seq,
                    until: c.until,
                })))
            }
            None => Ok(Err(held_by(&info))),
        }
    })?;
    let (ticket, reason) = match access? {
        Access::Ticket(t) => (Some(t), None),
        Access::ReadOnly(r) => (None, Some(r)),
    };
    store
        .read(|tx| review_item(tx, now, id, ticket, reason))?
        .ok_or_else(|| AppError::rejected(NOT_FOUND))
}

fn renew(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    ticket: Ticket,
) -> Result<Ticket, AppError> {
    let out: Result<Ticket, AppError> = store.write(|tx| {
        let Some(info) = tx.claim_info(ticket.id)? else {
            return Ok(Err(AppError::rejected(NOT_FOUND)));
        };
        if let Err(e) = apply(
            &info.state,
            Transition::Renew,
            actor.id,
            Some(ticket.seq),
            now,
        ) {
            return Ok(Err(refused(e, &info)));
        }
        let until = now + LEASE;
        if !tx.renew_claim(ticket.id, actor.id, ticket.seq, until)? {
            return Ok(Err(AppError::rejected(STALE_CLAIM)));
        }
        Ok(Ok(Ticket { until, ..ticket }))
    })?;
    out
}

fn release(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
    ticket: Option<Ticket>,
) -> Result<Resp, AppError> {
    let out: Result<(), AppError> = store.write(|tx| {
        let Some(info) = tx.claim_info(id)? else {
            return Ok(Err(AppError::rejected(NOT_FOUND)));
        };
        if let Err(e) = apply(&info.state, Transition::Release, actor.id, None, now) {
            return Ok(Err(refused(e, &info)));
        }
        let own = info.state.holder == Some(actor.id)
            && ticket.is_none_or(|t| t.seq == info.state.claim_seq);
        if own {
            tx.release_claim(id, Some((actor.id, info.state.claim_seq)))?;
            audit(
                tx,
                Some(actor),
                AuditAction::ReviewReleased,
                target(id),
                "放回队列".to_owned(),
                now,
            )?;
            return Ok(Ok(()));
        }
        if ticket.is_some() {
            return Ok(Err(AppError::rejected(STALE_CLAIM)));
        }
        require_role(tx, actor, Role::can_decide, "只有审核岗可以解除他人的领取")?;
        tx.release_claim(id, None)?;
        let holder = info.holder_name.clone().unwrap_or_default();
        let until = info
            .state
            .lease_until
            .map(super::clock::fmt_minute)
            .unwrap_or_default();
        audit(
            tx,
            Some(actor),
            AuditAction::ReviewReleasedForOther,
            target(id),
            format!("解除 {holder} 的领取（原至 {until}）"),
            now,
        )?;
        Ok(Ok(()))
    })?;
    out.map(|()| Resp::Released { id })
}

fn decide(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    ticket: Ticket,
    verdict: &Verdict,
    then_next: bool,
) -> Result<Resp, AppError> {
    let (outcome, reasons, free_text) = match verdict {
        Verdict::Approve => (Outcome::Approve, Vec::new(), String::new()),
        Verdict::Reject { reasons, free_text } => (
            Outcome::Reject,
            normalise(reasons).map_err(AppError::rejected)?,
            clean_free_text(free_text).map_err(AppError::Rejected)?,
        ),
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
        }
        let a = &rec.data;
        let texts = compose(&NoticeInput {
            kind: a.kind,
            app_no: &a.app_no,
            submitted_on: cst_date(a.submitted_at),
            outcome,
            reasons: &reasons,
            free_text: &free_text,
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
                claim_seq: ticket.seq,
                outcome,
                reasons: reasons.clone(),
                free_text: free_text.clone(),
                notice: texts.notice,
                photo_report: photo_report_line(&rec),
            },
            &messages,
            now,
        )?;
        let labels: Vec<&str> = reasons.iter().map(|r| r.label()).collect();
        let detail = if labels.is_empty() {
            format!("受理号 {}", a.app_no)
        } else {
            format!("受理号 {}，原因：{}", a.app_no, labels.join("、"))
        };
        let action = match outcome {
            Outcome::Approve => AuditAction::ReviewApproved,
            Outcome::Reject => AuditAction::ReviewReturned,
        };
        audit(tx, Some(actor), action, target(rec.id), detail, now)?;
        Ok(Ok(a.app_no.clone()))
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

/// "What was seen": the intake photo verdict and its failing checks.
fn photo_report_line(rec: &ApplicationRecord) -> String {
    let a = &rec.data;
    match &a.photo_verdict {
        None => "无照片".to_owned(),
        Some(v) => format!("照片检测 {v}；{}", a.photo_summary),
    }
}

fn checks_for(rec: &ApplicationRecord, today: NaiveDate) -> PreChecks {
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
    let decision = tx.decision_for(id)?.map(|d| DecisionView {
        outcome: d.outcome,
        reasons: d.reasons,
        free_text: d.free_text,
        notice: d.notice,
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
        photo_summary: a.photo_summary.clone(),
        submitted_at: a.submitted_at,
        due_at: a.due_at,
        overdue: rec.status == Status::Pending && a.due_at < clock.today_start,
        pre_checks: pre,
        ticket,
        read_only_reason,
        decision,
    }))
}
