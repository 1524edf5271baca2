//! 审核队列: filters with counts, a virtualised table of a window of rows
//! fetched page by page (keyset cursor), search, 领取下一件 (F2), and the
//! review of one application ([`crate::ui::review::item`]) in the same screen.
//!
//! Only a window of at most [`WINDOW`] rows is in memory and in the table:
//! a million rows × 24 px would be 24 M px, beyond what an f32 scroll
//! offset holds exactly. 下一批 / 上一批 move the window along the queue.
//!
//! Here: the screen's state and its [`Screen`] side; beside it: `rows`
//! (the window of rows), `table` (drawing the list) and `reviewing` (the
//! review opened in the queue and its writes).

use std::any::Any;

use chrono::{DateTime, NaiveDate, Utc};
use eframe::egui;

use crate::app::photo::view as photo_view;
use crate::app::review;
use crate::app::review::QueueItem;
use crate::app::review::Req;
use crate::app::review::Resp;
use crate::app::runtime::clock::fmt_hm;
use crate::app::runtime::error::AppError;
use crate::app::runtime::jobs::Jobs;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::Response;
use crate::domain::review::application::held_by_sentence;
use crate::domain::review::{AppKind, PageCursor, QueueCounts, Reason, Scope};
use crate::ui::kit::search_box::SearchBox;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::review::item::Decoded;
use crate::ui::review::item::NO_CLAIM_FOR_ROLE;
use crate::ui::review::item::ReviewView;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;

mod reviewing;
mod rows;
mod table;

/// Rows per request.
pub const PAGE: u32 = 200;
/// Rows kept in the table at once.
pub const WINDOW: usize = 2_000;
/// Renew the claim when less than this is left of it.
const RENEW_BEFORE: chrono::Duration = chrono::Duration::minutes(10);

/// The write request on its way (one at a time), so a failure lands where
/// the clerk is looking.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Writing {
    Claim,
    Open(String),
    Renew,
    Release,
    Decide,
}

/// Someone else holds the application the clerk tried to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub app_no: String,
    pub clerk: String,
    pub until: DateTime<Utc>,
}

impl Held {
    /// "正在由 赵敏 审核，至 14:35"
    pub fn sentence(&self) -> String {
        held_by_sentence(Some(&self.clerk), &fmt_hm(self.until))
    }
}

type PhotoJob = (u64, bool, Vec<u8>, NaiveDate);
type PhotoDone = (u64, bool, Result<Decoded, String>);

pub struct ReviewQueue {
    pub scope: Scope,
    pub kind: Option<AppKind>,
    search: SearchBox,
    /// The search the rows answer (the box may have changed since).
    applied_search: Option<String>,
    pub search_as: Option<&'static str>,
    pub counts: Option<QueueCounts>,
    /// The window of rows shown.
    pub rows: Vec<QueueItem>,
    next: Option<PageCursor>,
    loading: bool,
    /// Bumped whenever the rows asked for change; older pages are dropped.
    pub generation: u64,
    /// Start cursor and row number of each window before the current one.
    windows: Vec<(Option<PageCursor>, usize)>,
    window_start: (Option<PageCursor>, usize),
    scroll_top: bool,
    last_visible: usize,
    /// The row ↑/↓ moved to (Enter opens it).
    pub selected: Option<usize>,
    scroll_to: Option<usize>,
    pub message: Option<Message>,
    pub review: Option<ReviewView>,
    pub held: Option<Held>,
    writing: Option<Writing>,
    /// The claim to give back once the next one is taken (F2 in a review:
    /// claiming first means claim-next cannot hand the same one back).
    skipping: Option<review::Ticket>,
    jobs: Jobs<PhotoJob, PhotoDone>,
    photo_gen: u64,
    today: NaiveDate,
    /// Set while the signed-in role may not browse the queue.
    pub refused: Option<String>,
    /// The signed-in role may claim and decide (F2); a counter clerk only looks.
    may_decide: bool,
    /// The application whose claim the lock gave back, to take again at
    /// unlock, with what the clerk had chosen and typed in it.
    reclaim: Option<Reclaim>,
    /// The choices to put back when the reclaimed application opens again.
    restore_choices: Option<Reclaim>,
    /// The store changed: the same window is being read again, kept aside
    /// until complete so the table never flickers or loses its place.
    refresh: Option<Refresh>,
    /// The store changed while the list could not be refreshed.
    missed_change: bool,
    /// Bumped when the table starts over (new filter or window), which
    /// resets its scroll state; a refresh keeps it.
    table_gen: u64,
}

/// A window of rows being read again after the store changed.
struct Refresh {
    /// As many rows as the clerk had (at least one page).
    want: usize,
    rows: Vec<QueueItem>,
    /// The selected application, selected again by id.
    selected_id: Option<i64>,
}

impl ReviewQueue {
    pub fn new(today: NaiveDate) -> Self {
        ReviewQueue {
            scope: Scope::Open,
            kind: None,
            search: SearchBox::new("搜索", "受理号、完整证件号码或姓名", 260.0)
                .with_id_salt("queue_search"),
            applied_search: None,
            search_as: None,
            counts: None,
            rows: Vec::new(),
            next: None,
            loading: false,
            generation: 0,
            windows: Vec::new(),
            window_start: (None, 0),
            scroll_top: false,
            last_visible: 0,
            selected: None,
            scroll_to: None,
            message: None,
            review: None,
            held: None,
            writing: None,
            skipping: None,
            jobs: Jobs::new("review-photo", 4, |(g, prev, bytes, today): PhotoJob| {
                // The photo being replaced is only shown, not checked again.
                let done = photo_view::prepare(&bytes, today, !prev).map(|p| Decoded {
                    image: egui::ColorImage::from_rgb([p.width, p.height], &p.rgb),
                    report: p.report.map(Box::new),
                });
                (g, prev, done)
            }),
            photo_gen: 0,
            today,
            refused: None,
            may_decide: false,
            reclaim: None,
            restore_choices: None,
            refresh: None,
            missed_change: false,
            table_gen: 0,
        }
    }

    /// The number shown for the current filter (search results are not counted).
    pub fn total(&self) -> Option<i64> {
        if self.applied_search.is_some() {
            return None;
        }
        self.counts
            .as_ref()
            .map(|c| c.for_scope(self.scope, self.kind))
    }

    fn refresh_counts(out: &mut Outbox) {
        out.send(Request::Review(Req::Counts));
    }
}

impl Screen for ReviewQueue {
    fn on_open(&mut self, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.today = cx.today;
        self.may_decide = cx.clerk.role.can_decide();
        if !review::may_view(cx.clerk.role) {
            self.refused = Some("管理员不作审核决定，也不查看审核队列中的申请人信息。".to_owned());
            return;
        }
        Self::refresh_counts(out);
        if self.review.is_none() {
            self.reload(self.window_start, out);
        }
    }

    fn shortcuts(&mut self, input: &mut egui::InputState, out: &mut Outbox) {
        if self.refused.is_some() {
            return;
        }
        if let Some(r) = &mut self.review {
            if let Some(a) = r.shortcuts(input) {
                self.act(a, out);
            }
            return;
        }
        if self.held.is_some() && input.consume_key(egui::Modifiers::NONE, egui::Key::Escape) {
            self.held = None;
        }
        if input.consume_key(egui::Modifiers::NONE, egui::Key::F2) {
            if self.may_decide {
                self.claim_next(out);
            } else {
                self.message = Some(Message::info(NO_CLAIM_FOR_ROLE));
            }
        }
        if self.search.keys(input, !self.rows.is_empty()) {
            // ↓ from the search box goes into the results.
            self.selected = Some(0);
            self.scroll_to = Some(0);
            return;
        }
        if self.search.has_focus() {
            return;
        }
        self.list_keys(input, out);
    }

    fn on_lock(&mut self) {
        self.give_back_at_lock();
    }

    fn on_unlock(&mut self, out: &mut Outbox) {
        self.take_back_at_unlock(out);
    }

    fn wake_at(&self) -> Option<DateTime<Utc>> {
        let t = self.review.as_ref()?.ticket?;
        Some(t.until - RENEW_BEFORE)
    }

    fn on_store_changed(&mut self, shown: bool, out: &mut Outbox) {
        if self.refused.is_some() {
            return;
        }
        if !shown {
            // on_open reads counts and rows again when the clerk comes back
            return;
        }
        Self::refresh_counts(out);
        match &self.review {
            Some(r) => out.send(Request::Review(Req::Status { id: r.item.id })),
            None => self.refresh_rows(out),
        }
    }

    fn tick(&mut self, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.today = cx.today;
        self.renew_if_due(cx.now, out);
    }

    fn open_record(&mut self, id: i64, label: &str, out: &mut Outbox) {
        if self.refused.is_some() {
            return;
        }
        if self.review.is_some() || self.writing.is_some() {
            self.message = Some(Message::info(format!(
                "请先完成或放回当前审核的申请，再打开 {label}"
            )));
            return;
        }
        self.held = None;
        self.writing = Some(Writing::Open(label.to_owned()));
        out.send(Request::Review(Req::Open { id }));
    }

    fn on_reply(&mut self, reply: Response, out: &mut Outbox) {
        let resp = match reply {
            Response::Review(r) => r,
            Response::Registration(crate::app::registration::Resp::Scan { sha256, bytes }) => {
                if let Some(v) = self.review.as_mut().and_then(|r| r.viewer.as_mut()) {
                    v.on_scan(&sha256, bytes);
                }
                return;
            }
            _ => return,
        };
        match resp {
            Resp::Page(p) => self.page_arrived(p, out),
            Resp::Counts(c) => self.counts = Some(c),
            Resp::Status(id, status) => {
                if let Some(r) = &mut self.review
                    && r.item.id == id
                {
                    r.changed_elsewhere = review::changed_elsewhere(&r.item, status.as_ref());
                }
            }
            other => self.review_reply(other, out),
        }
    }

    fn on_failed(&mut self, err: AppError, _out: &mut Outbox) {
        self.write_failed(err);
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.poll_photos(ui.ctx());
        if let Some(r) = &self.refused {
            ui.heading("审核队列");
            widgets::message(ui, &Message::info(r.clone()));
            return;
        }
        if let Some(m) = &self.message {
            widgets::message(ui, m);
        }
        if let Some(r) = &mut self.review {
            if let Some(a) = r.show(ui, cx.now) {
                self.act(a, out);
            }
            if let Some(r) = &mut self.review
                && let Some(v) = &mut r.viewer
                && v.show(ui.ctx(), out)
            {
                r.viewer = None;
            }
            return;
        }
        self.held_notice(ui);
        ui.heading("审核队列");
        self.filter_bar(ui, out);
        self.status_line(ui);
        self.table(ui, cx.now, out);
    }

    fn is_busy(&self) -> bool {
        self.jobs.pending() > 0
            || self
                .review
                .as_ref()
                .and_then(|r| r.viewer.as_ref())
                .is_some_and(|v| v.is_busy())
    }

    fn is_dirty(&self) -> bool {
        self.review
            .as_ref()
            .is_some_and(|r| r.rejecting && !r.free_text.trim().is_empty())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A review the lock gave back: its application and the clerk's choices.
#[derive(Debug, Clone)]
struct Reclaim {
    id: i64,
    app_no: String,
    reasons: Vec<Reason>,
    free_text: String,
    rejecting: bool,
}
