//! The review queue's use cases: pages and counts (read-only, may run on a
//! [`Store::open_reader`] connection), claiming, opening, renewing,
//! releasing and deciding. Every change is written with its audit row in one
//! transaction. The worker dispatches with one line:
//! `Request::Review(r) => review::handle(Call::new(store, now, actor), r).map(Response::Review)`;
//! on the reader thread `handle` serves pages and counts the same way
//! (route [`Req::is_read_only`] requests there).

mod claim;
pub mod company;
mod decide;
mod record;
mod search;
mod view;

use crate::app::runtime::call::Call;
use chrono::{DateTime, Utc};

use crate::app::runtime::error::AppError;
use crate::domain::clerks::clerk::Role;
use crate::domain::review::application::SOME_OTHER_REVIEWER;
use crate::domain::review::{
    AppKind, Outcome, PageCursor, QueueCounts, Reason, Scope, TransitionError,
};
use crate::store::{ClaimInfo, PageQuery, QueueClock, SearchKey};

pub use claim::open;
pub use search::classify_search;
pub use view::{
    DecisionView, LicenceView, PhotoView, QueueItem, QueuePage, ReviewItem, StatusView,
    changed_elsewhere, review_item,
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
pub enum Decision {
    Approve,
    /// Approve although the automated photo check failed: the reviewer's
    /// reason (a standard one or at least 4 characters) is stored and audited.
    ApproveDespitePhoto {
        reason: String,
    },
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
    /// Re-reads one application's state and claim (read-only), so an open
    /// review can tell that it was claimed or decided elsewhere.
    Status {
        id: i64,
    },
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
        verdict: Decision,
        /// Claim and open the next application in the same reply.
        then_next: bool,
    },
}

impl Req {
    /// Pages and counts only read: the worker sends them to its reader connection.
    pub fn is_read_only(&self) -> bool {
        matches!(self, Req::Page { .. } | Req::Counts | Req::Status { .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resp {
    Page(QueuePage),
    Counts(QueueCounts),
    /// `None`: the application is gone.
    Status(i64, Option<StatusView>),
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

pub(crate) const NOT_REVIEWER: &str = "只有审核岗可以领取和审核申请；管理员和窗口岗不作审核决定";
pub(crate) const OWN_ENTRY: &str = "四眼原则：不能审核自己录入的申请，请由其他审核员处理";
pub(crate) const NOT_FOUND: &str = "未找到该申请，可能已被删除或编号有误";

/// Runs any review request on the writer store.
pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let (now, actor) = (call.now, call.actor);
    match req {
        Req::Page { .. } | Req::Counts | Req::Status { .. } => handle_read(call, req),
        Req::ClaimNext { kind } => {
            claim::claim_next(call.store, now, actor, kind).map(Resp::Claimed)
        }
        Req::Open { id } => {
            claim::open(call.store, now, actor, id).map(|i| Resp::Opened(Box::new(i)))
        }
        Req::Renew { ticket } => claim::renew(call.store, now, actor, ticket).map(Resp::Renewed),
        Req::Release { id, ticket } => claim::release(call.store, now, actor, id, ticket),
        Req::Decide {
            ticket,
            verdict,
            then_next,
        } => decide::decide(
            call.store, now, actor, &call.op, ticket, &verdict, then_next,
        ),
    }
}

/// Runs a read-only request ([`Req::is_read_only`]) on any reader, e.g. a
/// `Store::open_reader` connection. Other requests are refused.
pub fn handle_read(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let (reader, now, actor) = (call.store, call.now, call.actor);
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
                rows: rows.iter().map(|r| view::queue_item(r, &clock)).collect(),
                next,
                search_as: key.map(|(_, label)| label),
            }))
        }
        Req::Counts => Ok(Resp::Counts(reader.read(|tx| tx.queue_counts(&clock))?)),
        Req::Status { id } => {
            let info = reader.read(|tx| tx.claim_info(id))?;
            Ok(Resp::Status(id, info.map(|i| StatusView::of(&i, now))))
        }
        _ => Err(AppError::rejected(
            "该操作需要写入数据库，不能在只读连接上执行",
        )),
    }
}

pub(crate) fn may_view(role: Role) -> bool {
    role.can_decide() || role.can_register()
}
pub(crate) fn held_by(info: &ClaimInfo) -> AppError {
    AppError::HeldBy {
        clerk: info
            .holder_name
            .clone()
            .unwrap_or_else(|| SOME_OTHER_REVIEWER.to_owned()),
        until: info.state.lease_until.unwrap_or_default(),
    }
}

/// Maps a refused transition to what the clerk is told.
pub(crate) fn refused(e: TransitionError, id: i64, info: &ClaimInfo) -> AppError {
    match e {
        TransitionError::HeldByOther => held_by(info),
        TransitionError::Stale => AppError::Stale { application: id },
        other => AppError::rejected(other.to_string()),
    }
}
