//! The review opened in the queue: claiming (F2), opening, leaving and
//! skipping, deciding, renewing the claim, giving it back at the lock and
//! taking it again at unlock, and what the replies and failures of these
//! writes change on screen.

use chrono::{DateTime, Utc};
use eframe::egui;

use crate::ui::review::queue::Held;

use crate::ui::review::queue::RENEW_BEFORE;

use crate::ui::review::queue::Reclaim;

use crate::ui::review::queue::ReviewQueue;

use crate::app::review::Decision;
use crate::app::review::QueueItem;
use crate::app::review::Req;
use crate::app::review::Resp;
use crate::app::review::ReviewItem;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Request;
use crate::domain::review::Outcome;
use crate::ui::kit::widgets::Message;
use crate::ui::review::item::Action;
use crate::ui::review::item::PhotoSlot;
use crate::ui::review::item::ReviewView;
use crate::ui::review::queue::Writing;
use crate::ui::shell::outbox::Outbox;

/// What the reviewer decided on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    Approve,
    /// Approve despite a failed photo check, with the reason.
    Override(String),
    Reject,
}

impl ReviewQueue {
    pub(crate) fn claim_next(&mut self, out: &mut Outbox) {
        if self.writing.is_some() {
            return;
        }
        self.held = None;
        self.writing = Some(Writing::Claim);
        out.send(Request::Review(Req::ClaimNext { kind: self.kind }));
    }

    pub(crate) fn open(&mut self, row: &QueueItem, out: &mut Outbox) {
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

    pub(crate) fn act(&mut self, a: Action, out: &mut Outbox) {
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

    pub(crate) fn poll_photos(&mut self, ctx: &egui::Context) {
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

    /// The screen locked: the worker gives the claim back, so the ticket is
    /// dead; remember the application and the choices to take back.
    pub(crate) fn give_back_at_lock(&mut self) {
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

    /// The same clerk unlocked: open the application again (claimed anew if
    /// still free), with the reasons and note chosen before.
    pub(crate) fn take_back_at_unlock(&mut self, out: &mut Outbox) {
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

    /// Renews the claim when less than [`RENEW_BEFORE`] is left of it.
    pub(crate) fn renew_if_due(&mut self, now: DateTime<Utc>, out: &mut Outbox) {
        let Some(r) = &mut self.review else { return };
        let Some(t) = r.ticket else { return };
        if self.writing.is_none() && !r.deciding && t.until > now && t.until - now < RENEW_BEFORE {
            self.writing = Some(Writing::Renew);
            out.send(Request::Review(Req::Renew { ticket: t }));
        }
    }

    /// A reply to one of the review's writes.
    pub(crate) fn review_reply(&mut self, resp: Resp, out: &mut Outbox) {
        match resp {
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
            Resp::Page(_) | Resp::Counts(_) | Resp::Status(..) => {}
        }
    }

    /// A write failed: said where the clerk is looking.
    pub(crate) fn write_failed(&mut self, err: AppError) {
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
    }
}
