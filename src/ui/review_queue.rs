//! 审核队列: filters with counts, a virtualised table of a window of rows
//! fetched page by page (keyset cursor), search, 领取下一件 (F2), and the
//! review of one application ([`super::review`]) in the same screen.
//!
//! Only a window of at most [`WINDOW`] rows is in memory and in the table:
//! a million rows × 24 px would be 24 M px, beyond what an f32 scroll
//! offset holds exactly. 下一批 / 上一批 move the window along the queue.

use std::any::Any;

use chrono::{DateTime, NaiveDate, Utc};
use eframe::egui::{self, Color32, RichText};
use egui_extras::{Column, TableBuilder};

use super::outbox::Outbox;
use super::review::{Action, Decoded, NO_CLAIM_FOR_ROLE, PhotoSlot, ReviewView};
use super::screen::{Screen, ScreenCx};
use super::search_box::SearchBox;
use super::theme;
use super::widgets::{self, Message};
use crate::app::clock::fmt_hm;
use crate::app::error::AppError;
use crate::app::jobs::Jobs;
use crate::app::photo_view;
use crate::app::review::{self, Decision, QueueItem, QueuePage, Req, Resp, ReviewItem};
use crate::app::worker::{Request, Response};
use crate::domain::review::application::held_by_sentence;
use crate::domain::review::queue::CST;
use crate::domain::review::{AppKind, AppState, Outcome, PageCursor, QueueCounts, Reason, Scope};

/// Rows per request.
pub const PAGE: u32 = 200;
/// Rows kept in the table at once.
pub const WINDOW: usize = 2_000;
/// Why F2 does nothing for a counter clerk.
const ROW_HEIGHT: f32 = 24.0;
/// Background of an overdue row.
const OVERDUE_BG: Color32 = Color32::from_rgb(0xfd, 0xe8, 0xe8);
/// Fetch the next page when the last visible row is this close to the end.
const PREFETCH: usize = 60;
/// Renew the claim when less than this is left of it.
const RENEW_BEFORE: chrono::Duration = chrono::Duration::minutes(10);

/// The filters shown as buttons, in order.
const SCOPES: [Scope; 7] = [
    Scope::Open,
    Scope::DueToday,
    Scope::Overdue,
    Scope::InReview,
    Scope::Mine,
    Scope::Approved,
    Scope::Returned,
];

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

/// What the reviewer decided on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    Approve,
    /// Approve despite a failed photo check, with the reason.
    Override(String),
    Reject,
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
            search: SearchBox::default(),
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

    /// Starts the rows again from `start` (a new filter, search or window).
    fn reload(&mut self, start: (Option<PageCursor>, usize), out: &mut Outbox) {
        self.generation += 1;
        self.table_gen += 1;
        self.refresh = None;
        self.rows.clear();
        self.next = None;
        self.window_start = start;
        self.scroll_top = true;
        self.last_visible = 0;
        self.selected = None;
        self.fetch(start.0, out);
    }

    fn restart(&mut self, out: &mut Outbox) {
        self.windows.clear();
        self.reload((None, 0), out);
    }

    fn fetch(&mut self, after: Option<PageCursor>, out: &mut Outbox) {
        self.loading = true;
        out.send(Request::Review(Req::Page {
            scope: self.scope,
            kind: self.kind,
            search: self.applied_search.clone(),
            after,
            offset: 0,
            limit: PAGE,
            generation: self.generation,
        }));
    }

    /// Reads the rows shown again (the store changed elsewhere), keeping the
    /// selection by application id and the scroll position.
    fn refresh_rows(&mut self, out: &mut Outbox) {
        if self.loading || self.refresh.is_some() {
            self.missed_change = true;
            return;
        }
        self.missed_change = false;
        self.generation += 1;
        self.refresh = Some(Refresh {
            want: self.rows.len().max(PAGE as usize),
            rows: Vec::new(),
            selected_id: self.selected.and_then(|i| self.rows.get(i)).map(|r| r.id),
        });
        self.fetch_refresh(self.window_start.0, out);
    }

    fn fetch_refresh(&mut self, after: Option<PageCursor>, out: &mut Outbox) {
        let Some(r) = &self.refresh else { return };
        // Exactly as many rows as were shown: the window never grows past them.
        let left = r.want.saturating_sub(r.rows.len()).max(1);
        out.send(Request::Review(Req::Page {
            scope: self.scope,
            kind: self.kind,
            search: self.applied_search.clone(),
            after,
            offset: 0,
            limit: u32::try_from(left)
                .unwrap_or(u32::MAX)
                .min(crate::store::MAX_PAGE),
            generation: self.generation,
        }));
    }

    /// A page of a refresh arrived: ask for the next, or swap the rows in.
    fn refresh_page(&mut self, p: QueuePage, out: &mut Outbox) {
        let Some(r) = &mut self.refresh else { return };
        r.rows.extend(p.rows);
        if r.rows.len() < r.want
            && let Some(c) = p.next
        {
            self.fetch_refresh(Some(c), out);
            return;
        }
        let Some(r) = self.refresh.take() else { return };
        self.search_as = p.search_as;
        self.next = p.next;
        self.selected = match r.selected_id {
            Some(id) => r
                .rows
                .iter()
                .position(|x| x.id == id)
                .or(self.selected.map(|i| i.min(r.rows.len().saturating_sub(1)))),
            None => None,
        }
        .filter(|_| !r.rows.is_empty());
        self.rows = r.rows;
        if self.missed_change {
            self.refresh_rows(out);
        }
    }

    fn claim_next(&mut self, out: &mut Outbox) {
        if self.writing.is_some() {
            return;
        }
        self.held = None;
        self.writing = Some(Writing::Claim);
        out.send(Request::Review(Req::ClaimNext { kind: self.kind }));
    }

    fn open(&mut self, row: &QueueItem, out: &mut Outbox) {
        if self.writing.is_some() {
            return;
        }
        self.held = None;
        self.writing = Some(Writing::Open(row.app_no.clone()));
        out.send(Request::Review(Req::Open { id: row.id }));
    }

    fn show_item(&mut self, item: Box<ReviewItem>) {
        self.photo_gen += 1;
        self.held = None;
        let mut view = ReviewView::new(item);
        view.may_claim = self.may_decide;
        self.review = Some(view);
    }

    /// Leaves the review: gives the claim back so others can take it. The
    /// list reloads once the release is written.
    fn leave(&mut self, out: &mut Outbox) {
        self.held = None;
        self.message = None;
        let Some(r) = self.review.take() else { return };
        if let (Some(t), None) = (r.ticket, &self.writing) {
            self.writing = Some(Writing::Release);
            out.send(Request::Review(Req::Release {
                id: t.id,
                ticket: Some(t),
            }));
        } else {
            Self::refresh_counts(out);
            self.reload(self.window_start, out);
        }
    }

    /// Takes the next application, then gives this one back.
    fn skip(&mut self, out: &mut Outbox) {
        if self.writing.is_some() {
            return;
        }
        match self.review.as_ref().and_then(|r| r.ticket) {
            Some(t) => self.skipping = Some(t),
            None => self.review = None,
        }
        self.claim_next(out);
    }

    fn act(&mut self, a: Action, out: &mut Outbox) {
        match a {
            Action::Back => self.leave(out),
            Action::Next => self.skip(out),
            Action::Approve => {
                if self.writing.is_none()
                    && let Some(r) = &mut self.review
                    && !r.approve_or_ask()
                {
                    return;
                }
                self.decide(out, Choice::Approve);
            }
            Action::ConfirmOverride => {
                let Some(r) = &mut self.review else { return };
                let Some(d) = &mut r.overriding else { return };
                match d.checked_reason() {
                    Ok(reason) => self.decide(out, Choice::Override(reason)),
                    Err(e) => d.error = Some(format!("{e}。")),
                }
            }
            Action::CloseOverride => {
                if let Some(r) = &mut self.review
                    && !r.deciding
                {
                    r.overriding = None;
                }
            }
            Action::View(i) => {
                if let Some(r) = &mut self.review {
                    r.open_viewer(i);
                }
            }
            Action::OpenReject => {
                if let Some(r) = &mut self.review
                    && r.can_decide()
                {
                    r.open_reject();
                }
            }
            Action::CloseReject => {
                if let Some(r) = &mut self.review {
                    r.rejecting = false;
                    r.free_text_focused = false;
                }
            }
            Action::ConfirmReject => self.decide(out, Choice::Reject),
        }
    }

    fn decide(&mut self, out: &mut Outbox, choice: Choice) {
        if self.writing.is_some() {
            return;
        }
        let Some(r) = &mut self.review else { return };
        let Some(ticket) = r.ticket.filter(|_| r.can_decide()) else {
            r.error = r
                .changed_elsewhere
                .clone()
                .or_else(|| r.item.read_only_reason.clone())
                .or_else(|| Some("未领取该申请，不能作出决定".to_owned()));
            return;
        };
        let verdict = if choice != Choice::Reject {
            if let Some(b) = r.blocking() {
                r.error = Some(format!("不能通过：{b}。请按 F9 退回。"));
                return;
            }
            match choice {
                Choice::Override(reason) => Decision::ApproveDespitePhoto { reason },
                _ => Decision::Approve,
            }
        } else {
            if let Err(e) = r.notice() {
                r.error = Some(e);
                return;
            }
            Decision::Reject {
                reasons: r.reasons.clone(),
                free_text: r.free_text.clone(),
            }
        };
        r.deciding = true;
        r.error = None;
        self.writing = Some(Writing::Decide);
        out.send(Request::Review(Req::Decide {
            ticket,
            verdict,
            then_next: true,
        }));
    }

    fn poll_photos(&mut self, ctx: &egui::Context) {
        while let Some((g, prev, done)) = self.jobs.poll() {
            if let Some(r) = &mut self.review
                && g == self.photo_gen
            {
                r.deliver(ctx, prev, done);
            }
        }
        let Some(r) = &mut self.review else { return };
        for prev in [false, true] {
            let slot = if prev { &mut r.previous } else { &mut r.photo };
            if let PhotoSlot::Waiting(bytes) = slot {
                let job = (self.photo_gen, prev, std::mem::take(bytes), self.today);
                let c = ctx.clone();
                *slot = match self.jobs.submit(job, Box::new(move || c.request_repaint())) {
                    Ok(()) => PhotoSlot::Decoding,
                    Err(e) => PhotoSlot::Failed(e.to_string()),
                };
            }
        }
    }

    fn filter_bar(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        ui.horizontal_wrapped(|ui| {
            for s in SCOPES {
                let n = self.counts.as_ref().map(|c| c.for_scope(s, self.kind));
                let text = match n {
                    Some(n) => format!("{} {n}", s.label()),
                    None => s.label().to_owned(),
                };
                let mut rich = RichText::new(text);
                if s == Scope::Overdue && n.is_some_and(|n| n > 0) {
                    rich = rich.color(theme::ERROR);
                }
                if ui
                    .add(egui::Button::selectable(self.scope == s, rich))
                    .clicked()
                    && self.scope != s
                {
                    self.scope = s;
                    self.restart(out);
                }
            }
            ui.separator();
            let label = ui.label("类型");
            let current = self.kind.map_or("全部类型", |k| k.label());
            let mut chosen = self.kind;
            egui::ComboBox::from_id_salt("queue_kind")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut chosen, None, "全部类型");
                    for k in AppKind::ALL {
                        let n = self
                            .counts
                            .as_ref()
                            .map(|c| format!("（{}）", c.for_scope(self.scope, Some(k))))
                            .unwrap_or_default();
                        ui.selectable_value(&mut chosen, Some(k), format!("{}{n}", k.label()));
                    }
                })
                .response
                .labelled_by(label.id);
            if chosen != self.kind {
                self.kind = chosen;
                self.restart(out);
            }
        });
        ui.horizontal(|ui| {
            let enter = self.search.show(
                ui,
                "搜索",
                "受理号、完整证件号码或姓名",
                260.0,
                Some("queue_search"),
            );
            if enter || ui.button("查找").clicked() {
                let t = self.search.text.trim().to_owned();
                self.applied_search = (!t.is_empty()).then_some(t);
                self.restart(out);
            }
            if self.applied_search.is_some() && ui.button("清除搜索").clicked() {
                self.search.text.clear();
                self.applied_search = None;
                self.restart(out);
            }
            if ui.button("刷新").clicked() {
                Self::refresh_counts(out);
                self.reload(self.window_start, out);
            }
            ui.separator();
            let claim = widgets::primary_button(
                ui,
                "领取下一件 (F2)",
                self.may_decide && self.writing.is_none(),
            )
            .on_disabled_hover_text(if self.may_decide {
                "正在处理上一个操作…"
            } else {
                NO_CLAIM_FOR_ROLE
            });
            if claim.clicked() {
                self.claim_next(out);
            }
        });
    }

    fn status_line(&self, ui: &mut egui::Ui) {
        let first = self.window_start.1;
        let shown = if self.rows.is_empty() {
            String::new()
        } else {
            format!("，显示第 {}–{} 条", first + 1, first + self.rows.len())
        };
        let text = match (&self.applied_search, self.total()) {
            (Some(s), _) => format!(
                "按{}查找「{s}」：找到 {} 条{}",
                self.search_as.unwrap_or("关键词"),
                self.rows.len(),
                if self.next.is_some() { "以上" } else { "" }
            ),
            (None, Some(n)) => format!("{}共 {n} 件{shown}，按到期时间排序", self.scope.label()),
            (None, None) => "正在读取…".to_owned(),
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(text).color(theme::MUTED));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let keys = if self.may_decide {
                    "键盘：F2 领取下一件　↑↓ 选择　Enter 打开　Ctrl+F 搜索"
                } else {
                    "键盘：↑↓ 选择　Enter 查看（只读）　Ctrl+F 搜索"
                };
                ui.label(RichText::new(keys).small().color(theme::MUTED));
            });
        });
    }

    fn table(&mut self, ui: &mut egui::Ui, now: DateTime<Utc>, out: &mut Outbox) {
        let mut open = None;
        let more = self.next.is_some() || self.loading;
        let n = self.rows.len() + usize::from(more && self.rows.len() < WINDOW);
        // Room for the header row and the 上一批 / 下一批 line below the table.
        let height = (ui.available_height() - 80.0).max(160.0);
        let mut table = TableBuilder::new(ui)
            .id_salt(("queue_table", self.table_gen))
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(height)
            .min_scrolled_height(height)
            .column(Column::exact(150.0))
            .column(Column::exact(105.0))
            .column(Column::exact(48.0))
            .column(Column::remainder().at_least(60.0).clip(true))
            .column(Column::exact(150.0))
            .column(Column::exact(48.0))
            .column(Column::exact(48.0))
            .column(Column::exact(80.0))
            .column(Column::exact(110.0).clip(true));
        if std::mem::take(&mut self.scroll_top) {
            table = table.vertical_scroll_offset(0.0);
        } else if let Some(i) = self.scroll_to.take() {
            table = table.scroll_to_row(i, None);
        }
        let selected = self.selected;
        let mut last = 0;
        table
            .header(24.0, |mut h| {
                for t in [
                    "受理号",
                    "类型",
                    "状态",
                    "申请人",
                    "证件号码",
                    "驾驶证",
                    "照片",
                    "到期",
                    "处理人",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, n, |mut row| {
                    let i = row.index();
                    last = last.max(i);
                    row.set_selected(selected == Some(i));
                    let Some(r) = self.rows.get(i) else {
                        row.col(|ui| {
                            ui.label(RichText::new("正在读取…").color(theme::MUTED));
                        });
                        return;
                    };
                    let red = r.overdue;
                    let cell = |ui: &mut egui::Ui, t: String| {
                        if red {
                            overdue_band(ui);
                            ui.label(RichText::new(t).color(theme::ERROR));
                        } else {
                            ui.label(t);
                        }
                    };
                    row.col(|ui| {
                        if red {
                            overdue_band(ui);
                        }
                        let b =
                            egui::Button::new(RichText::new(&r.app_no).monospace().color(if red {
                                theme::ERROR
                            } else {
                                theme::ACCENT
                            }))
                            .frame(false);
                        if ui.add(b).clicked() {
                            open = Some(i);
                        }
                    });
                    row.col(|ui| cell(ui, r.kind.label().to_owned()));
                    row.col(|ui| cell(ui, r.state.label().to_owned()));
                    row.col(|ui| cell(ui, r.name.clone()));
                    row.col(|ui| cell(ui, r.doc_masked.clone()));
                    row.col(|ui| cell(ui, r.licence_status.clone()));
                    row.col(|ui| {
                        cell(
                            ui,
                            match r.photo_verdict.as_deref() {
                                Some("pass") => "合格",
                                Some("warn") => "注意",
                                Some("fail") => "不合格",
                                _ => "—",
                            }
                            .to_owned(),
                        )
                    });
                    row.col(|ui| {
                        // Always the end of a working day: the date says it all.
                        let due = r.due_at.with_timezone(&CST).format("%m-%d").to_string();
                        cell(ui, if red { format!("{due} 超期") } else { due })
                    });
                    row.col(|ui| {
                        let t = match (&r.held_by, r.held_until) {
                            (Some(c), Some(u)) if r.state == AppState::InReview => {
                                format!("{c} 至 {}", fmt_hm(u))
                            }
                            _ => String::new(),
                        };
                        cell(ui, t)
                    });
                    if row.response().clicked() {
                        open = Some(i);
                    }
                });
            });
        self.last_visible = last;
        if self.rows.is_empty() && !self.loading {
            ui.label(
                RichText::new(match &self.applied_search {
                    Some(_) => "没有找到符合条件的申请。".to_owned(),
                    None => format!("{}中没有申请。", self.scope.label()),
                })
                .color(theme::MUTED),
            );
        }
        let _ = now;
        if let Some(i) = open
            && let Some(r) = self.rows.get(i).cloned()
        {
            self.open(&r, out);
        }
        // Keep the window filled as the clerk scrolls.
        if !self.loading
            && self.rows.len() < WINDOW
            && self.last_visible + PREFETCH >= self.rows.len()
            && let Some(c) = self.next
        {
            self.fetch(Some(c), out);
        }
        ui.horizontal(|ui| {
            if !self.windows.is_empty()
                && ui.button("上一批").clicked()
                && let Some(w) = self.windows.pop()
            {
                self.reload(w, out);
            }
            if self.rows.len() >= WINDOW
                && let Some(c) = self.next
                && ui
                    .button(format!(
                        "下一批（第 {} 条起）",
                        self.window_start.1 + self.rows.len() + 1
                    ))
                    .clicked()
            {
                self.windows.push(self.window_start);
                self.reload((Some(c), self.window_start.1 + self.rows.len()), out);
            }
            if !self.windows.is_empty() && ui.button("回到开头").clicked() {
                self.restart(out);
            }
        });
    }
}

/// Fills a cell of an overdue row, the gap to its neighbours included, so
/// the row reads as one red band (a cell's own painter stops at the cell).
fn overdue_band(ui: &egui::Ui) {
    let half = ui.spacing().item_spacing.x / 2.0 + 0.5;
    let cell = ui.max_rect().expand2(egui::vec2(half, 2.0));
    let visible = egui::Rect::from_x_y_ranges(cell.x_range(), ui.clip_rect().y_range());
    ui.ctx()
        .layer_painter(ui.layer_id())
        .with_clip_rect(visible)
        .rect_filled(cell, 0.0, OVERDUE_BG);
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
        if self.search.has_focus() || self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        let step = |k: egui::Key, input: &mut egui::InputState| {
            input.consume_key(egui::Modifiers::NONE, k)
        };
        let moved = if step(egui::Key::ArrowDown, input) {
            Some(self.selected.map_or(0, |i| (i + 1).min(last)))
        } else if step(egui::Key::ArrowUp, input) {
            Some(self.selected.map_or(0, |i| i.saturating_sub(1)))
        } else if step(egui::Key::PageDown, input) {
            Some(self.selected.map_or(0, |i| (i + 20).min(last)))
        } else if step(egui::Key::PageUp, input) {
            Some(self.selected.map_or(0, |i| i.saturating_sub(20)))
        } else {
            None
        };
        if let Some(i) = moved {
            self.selected = Some(i);
            self.scroll_to = Some(i);
        }
        if let Some(i) = self.selected
            && step(egui::Key::Enter, input)
            && let Some(row) = self.rows.get(i).cloned()
        {
            self.open(&row, out);
        }
    }

    fn on_lock(&mut self) {
        // The worker releases the claims with the lock's audit row; the
        // ticket is dead from here on.
        self.skipping = None;
        if let Some(r) = &mut self.review
            && r.ticket.take().is_some()
        {
            self.reclaim = Some(Reclaim {
                id: r.item.id,
                app_no: r.item.app_no.clone(),
                reasons: r.reasons.clone(),
                free_text: r.free_text.clone(),
                rejecting: r.rejecting,
            });
        }
    }

    fn on_unlock(&mut self, out: &mut Outbox) {
        let Some(reclaim) = self.reclaim.take() else {
            return;
        };
        let (id, app_no) = (reclaim.id, reclaim.app_no.clone());
        self.review = None;
        if self.writing.is_some() {
            self.message = Some(Message::info(format!(
                "锁屏时 {app_no} 已放回队列，可重新领取。"
            )));
            return;
        }
        // Taken again if still free; otherwise the list says who has it.
        // The clerk's reasons and note come back with it.
        self.writing = Some(Writing::Open(app_no));
        self.restore_choices = Some(reclaim);
        out.send(Request::Review(Req::Open { id }));
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
        let Some(r) = &mut self.review else { return };
        let Some(t) = r.ticket else { return };
        if self.writing.is_none()
            && !r.deciding
            && t.until > cx.now
            && t.until - cx.now < RENEW_BEFORE
        {
            self.writing = Some(Writing::Renew);
            out.send(Request::Review(Req::Renew { ticket: t }));
        }
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
            Resp::Page(p) => {
                if p.generation != self.generation {
                    return;
                }
                if self.refresh.is_some() {
                    self.refresh_page(p, out);
                    return;
                }
                self.loading = false;
                self.search_as = p.search_as;
                self.next = p.next;
                self.rows.extend(p.rows);
            }
            Resp::Counts(c) => self.counts = Some(c),
            Resp::Status(id, status) => {
                if let Some(r) = &mut self.review
                    && r.item.id == id
                {
                    r.changed_elsewhere = review::changed_elsewhere(&r.item, status.as_ref());
                }
            }
            Resp::Claimed(item) => {
                self.writing = None;
                let skipped = self.skipping.take();
                match item {
                    Some(item) => {
                        self.message = None;
                        self.show_item(item);
                        if let Some(t) = skipped {
                            self.writing = Some(Writing::Release);
                            out.send(Request::Review(Req::Release {
                                id: t.id,
                                ticket: Some(t),
                            }));
                        }
                    }
                    None => {
                        // A skipped review stays open: there is nothing else.
                        self.message = Some(Message::info(if skipped.is_some() {
                            "没有其他可领取的申请，请继续审核当前申请。"
                        } else {
                            "没有可领取的申请：队列已处理完，或其余申请都在他人审核中。"
                        }));
                    }
                }
                Self::refresh_counts(out);
            }
            Resp::Opened(item) => {
                self.writing = None;
                self.message = None;
                let choices = self.restore_choices.take().filter(|c| c.id == item.id);
                self.show_item(item);
                if let (Some(c), Some(r)) = (choices, &mut self.review)
                    && r.can_decide()
                {
                    r.reasons = c.reasons;
                    r.free_text = c.free_text;
                    if c.rejecting {
                        r.open_reject();
                    }
                }
            }
            Resp::Renewed(t) => {
                self.writing = None;
                if let Some(r) = &mut self.review
                    && r.ticket.is_some_and(|x| x.id == t.id)
                {
                    r.ticket = Some(t);
                }
            }
            Resp::Released { .. } => {
                self.writing = None;
                Self::refresh_counts(out);
                if self.review.is_none() {
                    self.reload(self.window_start, out);
                }
            }
            Resp::Decided {
                app_no,
                outcome,
                next,
                ..
            } => {
                self.writing = None;
                let done = match outcome {
                    Outcome::Approve => format!("{app_no} 已通过，结果短信已进入待发送。"),
                    Outcome::Reject => {
                        format!("{app_no} 已退回，一次性告知已生成，短信已进入待发送。")
                    }
                };
                match next {
                    Some(item) => {
                        self.message = Some(Message::success(format!(
                            "{done}已打开下一件 {}。",
                            item.app_no
                        )));
                        self.show_item(item);
                    }
                    None => {
                        self.review = None;
                        self.message =
                            Some(Message::success(format!("{done}没有可领取的申请了。")));
                        self.reload(self.window_start, out);
                    }
                }
                Self::refresh_counts(out);
            }
        }
    }

    fn on_failed(&mut self, err: AppError, out: &mut Outbox) {
        let text = err.to_string();
        match self.writing.take() {
            Some(Writing::Decide) => {
                if let Some(r) = &mut self.review {
                    // The clerk's reasons stay; only the error is added.
                    r.deciding = false;
                    match &mut r.overriding {
                        Some(d) => d.error = Some(text),
                        None => r.error = Some(text),
                    }
                }
            }
            Some(Writing::Open(app_no)) => match err {
                AppError::HeldBy { clerk, until } => {
                    self.held = Some(Held {
                        app_no,
                        clerk,
                        until,
                    });
                }
                _ => self.message = Some(Message::error(text)),
            },
            Some(Writing::Renew) => {
                if let Some(r) = &mut self.review {
                    r.error = Some(format!("审核时限未能延长：{text}"));
                }
            }
            Some(Writing::Release) => {
                self.message = Some(Message::error(text));
            }
            Some(Writing::Claim) => {
                self.skipping = None;
                self.message = Some(Message::error(text));
            }
            None => match self.review.as_mut().and_then(|r| r.viewer.as_mut()) {
                // The viewer's scan could not be read: it says so on the page.
                Some(v) if v.is_busy() => v.on_failed(&text),
                _ => {
                    self.loading = false;
                    self.message = Some(Message::error(text));
                }
            },
        }
        let _ = out;
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
        if let Some(h) = self.held.clone() {
            egui::Frame::new()
                .fill(Color32::from_rgb(0xff, 0xf4, 0xe0))
                .stroke(egui::Stroke::new(1.0, theme::WARN))
                .inner_margin(egui::Margin::same(10))
                .show(ui, |ui| {
                    ui.label(
                        RichText::new(format!("{}：{}", h.app_no, h.sentence()))
                            .strong()
                            .color(theme::WARN),
                    );
                    ui.label("该申请已被其他审核员领取。请选择其他申请，或按 F2 领取下一件。");
                    if ui.button("知道了 (Esc)").clicked() {
                        self.held = None;
                    }
                });
        }
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
