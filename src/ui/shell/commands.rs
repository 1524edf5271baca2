//! Applying what screens and forms asked for, after the frame is drawn:
//! sending requests, navigating, locking, signing in and out.

use std::sync::Arc;

use eframe::egui;

use crate::ui::shell::app::CounterDeskApp;

use crate::app::clerks::audit_view;
use crate::app::clerks::drafts;
use crate::app::clerks::session as session_uc;
use crate::app::clerks::session::LockReason;
use crate::app::clerks::session::LoginPurpose;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::clock;
use crate::app::runtime::server_probe::ServerProbe;
use crate::app::runtime::worker::Request;
use crate::ui::gate::lock;
use crate::ui::gate::login;
use crate::ui::gate::password::PasswordForm;
use crate::ui::shell::app::Phase;
use crate::ui::shell::offline::OfflineTools;
use crate::ui::shell::outbox::Command;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::outbox::Sender;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::ScreenId;
use crate::ui::shell::session::Confirm;
use crate::ui::shell::session::Session;
use crate::ui::shell::session::WORKSPACE_DRAFT;

impl CounterDeskApp {
    /// Commands raised outside a frame (while delivering a reply).
    pub(crate) fn apply_later(&mut self, out: Outbox) {
        self.queued.extend(out.commands);
    }

    /// Commands raised while applying another: requests go to the worker now
    /// (their order matters), the rest wait for the end of the frame.
    fn send_now(&mut self, out: Outbox) {
        for cmd in out.commands {
            if let Command::Send { from, req } = cmd {
                self.send(from, req);
            } else {
                self.queued.push(cmd);
            }
        }
    }

    pub(crate) fn apply(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::Send { from, req } => {
                if from == Sender::Lock
                    && let Request::Session(session_uc::Req::Login {
                        purpose: LoginPurpose::SignIn,
                        ..
                    }) = &req
                    && let Some(s) = self.session()
                {
                    // A sign-in from the lock screen replaces the locked session.
                    self.pending_replacement = Some(s.clerk.clone());
                }
                self.send(from, req);
            }
            Command::Navigate(screen) => {
                let now = self.clock.now();
                if let Phase::Offline(tools) = &mut self.phase {
                    let mut out = Outbox::default();
                    tools.navigate(screen, &self.settings, &self.db, now, &mut out);
                    self.send_now(out);
                } else {
                    self.navigate(screen);
                }
            }
            Command::WorkOffline => self.work_offline(),
            Command::Reconnect => self.reconnect(ctx),
            Command::OpenRecord { screen, id, label } => {
                self.navigate(screen);
                let mut out = Outbox::default();
                if let Some(s) = self.session_mut()
                    && s.screen == screen
                {
                    out.scoped(Sender::Screen(screen), |out| {
                        s.screen_mut(screen).open_record(id, &label, out)
                    });
                }
                self.send_now(out);
            }
            Command::Lock(reason) => self.lock_now(reason),
            Command::Logout => {
                let unsaved = self.session().map(Session::unsaved).unwrap_or_default();
                if unsaved.is_empty() {
                    self.logout();
                } else if let Some(s) = self.session_mut() {
                    s.confirm = Some(Confirm::Logout { unsaved });
                }
            }
            Command::LogoutConfirmed => self.logout(),
            Command::CancelConfirm => {
                if let Some(s) = self.session_mut() {
                    s.confirm = None;
                }
            }
            Command::OpenPasswordDialog => {
                if let Some(s) = self.session_mut() {
                    s.password = Some(PasswordForm::default());
                }
            }
            Command::ClosePasswordDialog => {
                if let Some(s) = self.session_mut() {
                    s.password = s.password.take().filter(|p| p.forced);
                }
            }
            Command::Toast(m) => {
                let now = self.clock.now();
                match &mut self.phase {
                    Phase::Main(s) => s.toast = Some((m, now)),
                    Phase::Offline(t) => t.toast = Some((m, now)),
                    _ => {}
                }
            }
            Command::SettingsChanged(settings) => {
                let now = self.clock.now();
                self.settings = settings.clone();
                if let Some(s) = self.session_mut() {
                    s.idle =
                        crate::domain::clerks::idle::IdleTimer::new(settings.idle_minutes, now);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// From the database-error window: the two tools that need no database.
    fn work_offline(&mut self) {
        let Phase::DbError { message, .. } = &self.phase else {
            return;
        };
        let env = ScreenEnv {
            picker: self.picker.clone(),
            today: clock::to_local(self.clock.now()).date_naive(),
        };
        let mut tools = OfflineTools::new(&env, message.clone());
        tools.probe = self.start_probe();
        let mut out = Outbox::default();
        tools.navigate(
            crate::ui::shell::offline::TOOLS[0],
            &self.settings,
            &self.db,
            self.clock.now(),
            &mut out,
        );
        self.queued.extend(out.commands);
        tracing::info!("working offline: document and photo checks only");
        self.enter(Phase::Offline(Box::new(tools)));
    }

    /// Tries a lost office server in the background for the offline tools.
    pub(crate) fn start_probe(&self) -> Option<ServerProbe> {
        let ctx = self.ctx.clone();
        ServerProbe::start(
            &self.target,
            self.probe_every,
            Arc::new(move || ctx.request_repaint()),
        )
    }

    /// From the offline tools: a new worker opens the database again. The
    /// tools wait, as the clerk left them, in case it fails again.
    fn reconnect(&mut self, ctx: &egui::Context) {
        if !matches!(self.phase, Phase::Offline(_)) {
            return;
        }
        if let Phase::Offline(mut tools) = std::mem::replace(&mut self.phase, Phase::Opening) {
            // The new worker tries now; a new probe starts if it fails.
            tools.probe = None;
            self.parked_offline = Some(tools);
        }
        self.routes.clear();
        self.worker = CounterDeskApp::spawn_worker(&self.target, &self.clock, ctx);
        self.generation += 1;
    }

    fn navigate(&mut self, screen: ScreenId) {
        let now = self.clock.now();
        let settings = self.settings.clone();
        let db = self.db.clone();
        let mut out = Outbox::default();
        if let Some(s) = self.session_mut()
            && screen.allowed_for(s.clerk.role)
        {
            s.screen = screen;
            let clerk = s.clerk.clone();
            let cx = ScreenCx::new(&clerk, &settings, &db, now, false);
            out.scoped(Sender::Screen(screen), |out| {
                s.screen_mut(screen).on_open(&cx, out)
            });
            s.touched(now);
        }
        self.send_now(out);
    }

    pub(crate) fn save_draft(&mut self, body: String) {
        self.send(
            Sender::Shell,
            Request::Drafts(drafts::Req::Save {
                key: WORKSPACE_DRAFT.to_owned(),
                body,
            }),
        );
    }

    /// Saves the workspace now (lock, logout, take-over).
    pub(crate) fn flush_draft(&mut self) {
        let now = self.clock.now();
        if let Some(body) = self.session_mut().and_then(|s| s.draft_due(now, true)) {
            self.save_draft(body);
        }
    }

    pub(crate) fn lock_now(&mut self, reason: LockReason) {
        let Some(s) = self.session_mut() else {
            return;
        };
        if s.lock.is_some() {
            return;
        }
        s.lock = Some(lock::LockForm::new(reason));
        s.lock_all();
        s.password = s.password.take().filter(|p| p.forced);
        s.confirm = None;
        self.flush_draft();
        self.send(
            Sender::Shell,
            Request::Session(session_uc::Req::Locked(reason)),
        );
    }

    fn logout(&mut self) {
        self.flush_draft();
        self.send(
            Sender::Shell,
            Request::Session(session_uc::Req::Logout { replaced_by: None }),
        );
        self.enter(Phase::Login(login::LoginForm::default()));
    }

    /// A sign-in, unlock or first-run setup succeeded.
    pub(crate) fn signed_in(&mut self, clerk: SessionClerk) {
        let now = self.clock.now();
        // Same clerk signing in from the lock screen: that is an unlock.
        if let Some(s) = self.session_mut()
            && s.clerk.id == clerk.id
        {
            // The unlock took the session (back) over: its new token.
            s.clerk.session = clerk.session;
            s.lock = None;
            s.idle.touch(now);
            let mut out = Outbox::default();
            s.unlock_all(&mut out);
            self.pending_replacement = None;
            self.send_now(out);
            return;
        }
        if let Some(old) = self.pending_replacement.take() {
            // Recorded as the old clerk (the envelope's actor).
            let actor = Some(old);
            if let Err(e) = self.worker.send(
                actor,
                Request::Session(session_uc::Req::Logout {
                    replaced_by: Some(clerk.username.clone()),
                }),
            ) {
                self.last_error = Some(e.to_string());
            }
        }
        self.generation += 1;
        let env = ScreenEnv {
            picker: self.picker.clone(),
            today: clock::to_local(now).date_naive(),
        };
        let role = clerk.role;
        let session = Session::new(clerk, self.generation, &self.settings, now, env);
        self.phase = Phase::Main(Box::new(session));
        self.send(
            Sender::Shell,
            Request::Drafts(drafts::Req::Load {
                key: WORKSPACE_DRAFT.to_owned(),
            }),
        );
        if role.can_view_audit() {
            // A broken chain is announced at sign-in, not discovered by chance.
            self.send(Sender::Shell, Request::Audit(audit_view::Req::Verify));
        }
    }
}
