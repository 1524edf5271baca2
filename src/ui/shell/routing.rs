//! Delivering the worker's replies to whoever asked. A reply whose sender is
//! gone (another phase, another clerk's session) is dropped and logged,
//! never shown somewhere else.

use crate::ui::shell::app::CounterDeskApp;

use crate::app::clerks::audit_view;
use crate::app::clerks::drafts;
use crate::app::clerks::session as session_uc;
use crate::app::clerks::session::LoginPurpose;
use crate::app::clerks::setup as setup_uc;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Event;
use crate::app::runtime::worker::Reply;
use crate::app::runtime::worker::Response;
use crate::domain::clerks::audit::AuditVerdict;
use crate::ui::gate::login;
use crate::ui::gate::setup;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::app::Phase;
use crate::ui::shell::outbox::Command;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::outbox::Sender;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::session::Session;
use crate::ui::shell::session::WORKSPACE_DRAFT;
use crate::ui::shell::session::Workspace;

impl CounterDeskApp {
    pub(crate) fn handle_event(&mut self, event: Event) {
        match event {
            Event::Opened {
                location,
                needs_setup,
                settings,
            } => {
                self.db = location;
                self.settings = settings;
                self.parked_offline = None;
                let phase = if needs_setup {
                    Phase::Setup(setup::SetupForm::default())
                } else {
                    let mut form = login::LoginForm::default();
                    if let Some(n) = self.startup_notice.take() {
                        form.message = Some(Message::error(n));
                    }
                    Phase::Login(form)
                };
                self.enter(phase);
            }
            Event::OpenFailed {
                location,
                title,
                message,
                technical,
            } => match self.parked_offline.take() {
                // A reconnect from the offline tools failed: back to them.
                Some(mut tools) => {
                    tools.reason = message;
                    tools.probe = self.start_probe();
                    tools.toast = Some((
                        Message::error("仍无法打开数据库，请稍后再按 F5 重试"),
                        self.clock.now(),
                    ));
                    self.db = location;
                    self.enter(Phase::Offline(tools));
                }
                None => self.enter(Phase::DbError {
                    location,
                    title,
                    message,
                    technical,
                }),
            },
            Event::Reply(reply) => self.deliver(reply),
            Event::Stopped => {
                self.routes.clear();
                match &self.phase {
                    // After a failed open the error window is already up.
                    Phase::DbError { .. } | Phase::Offline(_) => {}
                    Phase::Opening if self.parked_offline.is_some() => {}
                    Phase::Opening => self.enter(Phase::DbError {
                        location: self.db.clone(),
                        title: "后台任务异常退出".to_owned(),
                        message: "打开数据库的后台任务意外退出，未做任何修改。请重新启动工作台；如仍出现，请联系信息科。".to_owned(),
                        technical: None,
                    }),
                    _ => {
                        self.last_error = Some(
                            "后台任务异常退出，请保存手头信息后重新启动工作台。".to_owned(),
                        )
                    }
                }
            }
        }
    }

    /// The clerk signed in at another counter: this window's session is
    /// over. Typed work was saved as a draft (kept per workstation), and no
    /// logout is recorded, since the session now belongs to the other counter.
    fn signed_in_elsewhere(&mut self, message: Option<String>) {
        self.flush_draft();
        tracing::info!("session taken over by another workstation");
        let mut form = login::LoginForm::default();
        if let Some(m) = message {
            form.message = Some(Message::error(m));
        }
        self.enter(Phase::Login(form));
    }

    fn deliver(&mut self, reply: Reply) {
        let Some(route) = self.routes.remove(&reply.id) else {
            tracing::debug!(id = reply.id, "reply with no sender dropped");
            self.dropped_replies += 1;
            return;
        };
        if route.generation != self.generation {
            if let Err(e) = &reply.result {
                tracing::warn!(error_kind = e.title(), "reply for a closed form failed");
            }
            tracing::debug!(id = reply.id, "stale reply dropped");
            self.dropped_replies += 1;
            return;
        }
        let now = self.clock.now();
        if let Err(AppError::SignedInElsewhere { .. }) = &reply.result {
            self.signed_in_elsewhere(reply.result.err().map(|e| e.to_string()));
            return;
        }
        match (route.from, reply.result) {
            (Sender::Setup, Ok(Response::Setup(setup_uc::Resp::SetUp { clerk, settings }))) => {
                self.settings = settings;
                self.signed_in(clerk);
            }
            (Sender::Setup, Err(e)) => {
                if let Phase::Setup(f) = &mut self.phase {
                    f.fail(e.to_string());
                }
            }
            (Sender::Login, Ok(Response::Session(session_uc::Resp::SignedIn(clerk)))) => {
                self.signed_in(clerk)
            }
            (
                Sender::Login,
                Ok(Response::Session(session_uc::Resp::LoginRefused { message, .. })),
            )
            | (Sender::Login, Err(AppError::Rejected(message))) => {
                if let Phase::Login(f) = &mut self.phase {
                    f.fail(message);
                }
            }
            (Sender::Login, Err(e)) => {
                if let Phase::Login(f) = &mut self.phase {
                    f.fail(e.to_string());
                }
            }
            (Sender::Lock, Ok(Response::Session(session_uc::Resp::Unlocked(clerk)))) => {
                self.signed_in(clerk)
            }
            (Sender::Lock, Ok(Response::Session(session_uc::Resp::SignedIn(clerk)))) => {
                self.signed_in(clerk)
            }
            (
                Sender::Lock,
                Ok(Response::Session(session_uc::Resp::LoginRefused { purpose, message })),
            ) => {
                self.pending_replacement = None;
                if let Some(l) = self.session_mut().and_then(|s| s.lock.as_mut()) {
                    match purpose {
                        LoginPurpose::Unlock => l.fail_unlock(message),
                        LoginPurpose::SignIn => l.fail_switch(message),
                    }
                }
            }
            (Sender::Lock, Err(e)) => {
                self.pending_replacement = None;
                if let Some(l) = self.session_mut().and_then(|s| s.lock.as_mut()) {
                    l.fail_unlock(e.to_string());
                }
            }
            (Sender::Password, Ok(Response::Session(session_uc::Resp::PasswordChanged(clerk)))) => {
                if let Some(s) = self.session_mut() {
                    s.clerk = clerk;
                    s.password = None;
                    s.toast = Some((Message::success("密码已修改。"), now));
                }
            }
            (Sender::Password, Err(e)) => {
                if let Some(p) = self.session_mut().and_then(|s| s.password.as_mut()) {
                    p.fail(e.to_string());
                }
            }
            (Sender::Shell, Ok(r)) => self.shell_reply(r),
            (Sender::Shell, Err(e)) => {
                if let Some(s) = self.session_mut() {
                    s.toast = Some((Message::error(e.to_string()), now));
                }
            }
            (Sender::Screen(id), result) => {
                let mut out = Outbox::default();
                if let Some(s) = self.session_mut() {
                    let screen = s.screen_mut(id);
                    out.scoped(Sender::Screen(id), |out| match result {
                        Ok(r) => screen.on_reply(r, out),
                        Err(e) => screen.on_failed(e, out),
                    });
                }
                self.apply_later(out);
            }
            (from, Ok(_)) => tracing::warn!(?from, "unexpected reply kind dropped"),
        }
    }

    /// Replies to the session's own requests: the draft to restore, the
    /// chain check at sign-in.
    fn shell_reply(&mut self, r: Response) {
        let now = self.clock.now();
        let settings = self.settings.clone();
        let db = self.db.clone();
        let Some(s) = self.session_mut() else {
            return;
        };
        match r {
            Response::Drafts(drafts::Resp::Loaded {
                key,
                body: Some(body),
            }) if key == WORKSPACE_DRAFT => {
                if let Some(ws) = Workspace::parse(&body)
                    && let Some(screen) = restore(s, ws, &settings, &db, now)
                {
                    self.queued.push(Command::Navigate(screen));
                }
            }
            Response::Audit(audit_view::Resp::Verdict(AuditVerdict::Broken { seq, reason })) => {
                s.alert = Some(format!(
                    "审计日志哈希链自第 {seq} 条起断裂：{reason}。请立即报告信息科，并在审计日志中核对。"
                ));
            }
            _ => {}
        }
    }
}

fn restore(
    s: &mut Session,
    ws: Workspace,
    settings: &crate::domain::clerks::settings::Settings,
    db: &crate::store::Location,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<crate::ui::shell::screen_id::ScreenId> {
    let clerk = s.clerk.clone();
    let cx = ScreenCx::new(&clerk, settings, db, now, false);
    s.restore(ws, &cx)
}
