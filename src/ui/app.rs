//! The application state machine: opening → (database error | first-run setup
//! | login) → main window, which may be idle-locked. Screens push
//! [`Request`]s into an outbox; the app sends them to the worker at frame end
//! and applies the worker's [`Response`]s in `logic()` before the next frame.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui;
use serde::{Deserialize, Serialize};

use super::id_check::IdCheckPanel;
use super::photo_check::{FilePicker, PhotoCheckPanel, RfdPicker};
use super::widgets::Message;
use super::{accounts, audit_log, lock, login, password, screen::Screen, setup, shell};
use crate::app::auth::{LoginPurpose, SessionClerk};
use crate::app::clock::Clock;
use crate::app::worker::{self, DbTarget, Request, Response, WorkerHandle};
use crate::domain::idle::IdleTimer;
use crate::domain::settings::Settings;

/// Makes the file-dialog picker for a new session's 照片检测 panel.
pub type PickerFactory = Arc<dyn Fn() -> Box<dyn FilePicker> + Send + Sync>;

/// Native rfd dialogs on a helper thread.
pub fn native_picker() -> PickerFactory {
    Arc::new(|| Box::new(RfdPicker::default()))
}

/// How the window is started (the tests pass a manual clock, a temp file and
/// a scripted picker).
pub struct AppConfig {
    pub target: DbTarget,
    pub clock: Arc<dyn Clock>,
    pub picker: PickerFactory,
    /// Repaint every second for the status-bar clock and the idle check.
    /// Off in screenshot tests, which advance the clock themselves.
    pub live_clock: bool,
    /// Shown on the first login form (e.g. after a crash).
    pub startup_notice: Option<String>,
}

/// Draft key under which a clerk's unfinished work is stored.
const WORKSPACE_DRAFT: &str = "workspace";

/// Work in progress that belongs to one clerk: saved when their session ends
/// or locks, restored when they sign in again, never shown to anyone else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub screen: Screen,
    /// What was typed into 证件核验.
    #[serde(default)]
    pub id_check_text: String,
}

pub enum Phase {
    Opening,
    DbError {
        path: PathBuf,
        title: String,
        message: String,
        technical: Option<String>,
    },
    Setup(setup::SetupForm),
    Login(login::LoginForm),
    Main(Box<Session>),
}

/// A signed-in clerk's session.
pub struct Session {
    pub clerk: SessionClerk,
    pub workspace: Workspace,
    pub idle: IdleTimer,
    /// Set while the screen is idle-locked.
    pub lock: Option<lock::LockForm>,
    pub accounts: accounts::AccountsState,
    pub audit: audit_log::AuditState,
    pub password: Option<password::PasswordForm>,
    pub toast: Option<(Message, DateTime<Utc>)>,
    /// Per-session panels: a new clerk gets fresh ones, so nothing carries over.
    pub id_check: IdCheckPanel,
    pub photo_check: PhotoCheckPanel,
}

impl Session {
    fn new(
        clerk: SessionClerk,
        settings: &Settings,
        now: DateTime<Utc>,
        picker: &PickerFactory,
    ) -> Self {
        Self {
            id_check: IdCheckPanel::new(),
            photo_check: PhotoCheckPanel::new(
                picker(),
                crate::app::clock::to_local(now).date_naive(),
            ),
            password: clerk
                .must_change_password
                .then(password::PasswordForm::forced),
            clerk,
            workspace: Workspace::default(),
            idle: IdleTimer::new(settings.idle_minutes, now),
            lock: None,
            accounts: accounts::AccountsState::default(),
            audit: audit_log::AuditState::default(),
            toast: None,
        }
    }
}

/// What screens ask the app to do, applied after the frame is drawn.
#[derive(Debug, Clone)]
pub enum Command {
    Send(Request),
    Navigate(Screen),
    LockNow,
    Logout,
    OpenPasswordDialog,
    ClosePasswordDialog,
    Quit,
}

#[derive(Default)]
pub struct Outbox(pub Vec<Command>);

impl Outbox {
    pub fn send(&mut self, r: Request) {
        self.0.push(Command::Send(r));
    }
    pub fn push(&mut self, c: Command) {
        self.0.push(c);
    }
}

pub struct CounterDeskApp {
    pub phase: Phase,
    pub settings: Settings,
    pub db_path: PathBuf,
    clock: Arc<dyn Clock>,
    worker: WorkerHandle,
    picker: PickerFactory,
    live_clock: bool,
    /// When the oldest unanswered request was sent (for the progress indicator).
    busy_since: Option<DateTime<Utc>>,
    /// A clerk signing in from the lock screen ends the locked clerk's
    /// session; remembered until the worker confirms the new sign-in.
    pending_replacement: Option<SessionClerk>,
    last_error: Option<String>,
    startup_notice: Option<String>,
    /// `COUNTERDESK_STARTUP_PROBE=1`: print when the first login frame has been
    /// presented, then close (used to measure start-up time; see README).
    startup_probe: StartupProbe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartupProbe {
    Off,
    Waiting,
    LoginDrawn,
    Done,
}

impl CounterDeskApp {
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        super::setup_context(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let db_path = config.target.path().clone();
        let worker = worker::spawn(
            config.target,
            config.clock.clone(),
            Box::new(move || ctx.request_repaint()),
        );
        Self {
            phase: Phase::Opening,
            settings: Settings::default(),
            db_path,
            clock: config.clock,
            worker,
            picker: config.picker,
            live_clock: config.live_clock,
            busy_since: None,
            pending_replacement: None,
            last_error: None,
            startup_notice: config.startup_notice,
            startup_probe: if std::env::var_os("COUNTERDESK_STARTUP_PROBE").is_some() {
                StartupProbe::Waiting
            } else {
                StartupProbe::Off
            },
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Requests sent and not yet answered (tests wait on this).
    pub fn in_flight(&self) -> usize {
        self.worker.in_flight()
    }

    pub fn session(&self) -> Option<&Session> {
        match &self.phase {
            Phase::Main(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_locked(&self) -> bool {
        self.session().is_some_and(|s| s.lock.is_some())
    }

    fn send(&mut self, r: Request) {
        match self.worker.send(r) {
            Ok(()) => {
                self.busy_since.get_or_insert(self.clock.now());
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }

    fn apply_response(&mut self, resp: Response) {
        let now = self.clock.now();
        match resp {
            Response::Opened {
                path,
                needs_setup,
                settings,
            } => {
                self.db_path = path;
                self.settings = settings;
                self.phase = if needs_setup {
                    Phase::Setup(setup::SetupForm::default())
                } else {
                    let mut form = login::LoginForm::default();
                    if let Some(n) = self.startup_notice.take() {
                        form.message = Some(Message::error(n));
                    }
                    Phase::Login(form)
                };
            }
            Response::OpenFailed {
                path,
                title,
                message,
                technical,
            } => {
                self.phase = Phase::DbError {
                    path,
                    title,
                    message,
                    technical,
                }
            }
            Response::SignedIn(clerk) => self.signed_in(clerk, now),
            Response::SetUp { clerk, settings } => {
                self.settings = settings;
                self.signed_in(clerk, now);
            }
            // An unlock names the locked clerk, so `signed_in` takes its unlock path.
            Response::Unlocked(clerk) => self.signed_in(clerk, now),
            Response::LoginRefused { purpose, message } => {
                self.pending_replacement = None;
                match (&mut self.phase, purpose) {
                    (Phase::Login(f), _) => f.fail(message),
                    (Phase::Main(s), LoginPurpose::Unlock) => {
                        if let Some(l) = &mut s.lock {
                            l.fail_unlock(message);
                        }
                    }
                    (Phase::Main(s), LoginPurpose::SignIn) => {
                        if let Some(l) = &mut s.lock {
                            l.fail_switch(message);
                        }
                    }
                    _ => {}
                }
            }
            Response::PasswordChanged(clerk) => {
                if let Phase::Main(s) = &mut self.phase {
                    s.clerk = clerk;
                    s.password = None;
                    s.toast = Some((Message::success("密码已修改"), now));
                }
            }
            Response::Clerks(list) => {
                if let Phase::Main(s) = &mut self.phase {
                    s.accounts.set_clerks(list);
                }
            }
            Response::AccountsChanged { message } => {
                if let Phase::Main(s) = &mut self.phase {
                    s.accounts.changed(message);
                    let actor = s.clerk.clone();
                    self.send(Request::ListClerks { actor });
                }
            }
            Response::SettingsSaved(settings) => {
                self.settings = settings.clone();
                if let Phase::Main(s) = &mut self.phase {
                    s.idle = IdleTimer::new(settings.idle_minutes, now);
                    s.accounts.settings_saved(&settings);
                }
            }
            Response::Draft {
                clerk_id,
                key,
                body,
            } => {
                if let Phase::Main(s) = &mut self.phase
                    && s.clerk.id == clerk_id
                    && key == WORKSPACE_DRAFT
                    && let Some(ws) = body.and_then(|b| serde_json::from_str::<Workspace>(&b).ok())
                    && ws.screen.allowed_for(s.clerk.role)
                {
                    s.workspace = ws;
                }
            }
            Response::AuditTail(rows) => {
                if let Phase::Main(s) = &mut self.phase {
                    s.audit.set_rows(rows);
                }
            }
            Response::AuditVerified(v) => {
                if let Phase::Main(s) = &mut self.phase {
                    s.audit.set_verdict(v);
                }
            }
            Response::Ack => {}
            Response::WorkerStopped => match &mut self.phase {
                // After a failed open the error window is already up.
                Phase::DbError { .. } => {}
                Phase::Opening => {
                    self.phase = Phase::DbError {
                        path: self.db_path.clone(),
                        title: "后台任务异常退出".to_owned(),
                        message: "打开数据库的后台任务意外退出，未做任何修改。请重新启动工作台；如仍出现，请联系信息科。".to_owned(),
                        technical: None,
                    }
                }
                _ => self.last_error = Some("后台任务异常退出，请保存手头信息后重新启动工作台".to_owned()),
            },
            Response::Failed { message } => match &mut self.phase {
                Phase::Setup(f) => f.fail(message),
                Phase::Login(f) => f.fail(message),
                Phase::Main(s) => {
                    if let Some(p) = &mut s.password {
                        p.fail(message);
                    } else if s.workspace.screen == Screen::Accounts {
                        s.accounts.failed(message);
                    } else {
                        s.toast = Some((Message::error(message), now));
                    }
                }
                _ => self.last_error = Some(message),
            },
        }
    }

    fn signed_in(&mut self, clerk: SessionClerk, now: DateTime<Utc>) {
        // Same clerk signing in from the lock screen: that is an unlock.
        if let Phase::Main(s) = &mut self.phase
            && s.clerk.id == clerk.id
        {
            s.lock = None;
            s.idle.touch(now);
            self.pending_replacement = None;
            return;
        }
        if let Some(old) = self.pending_replacement.take() {
            self.send(Request::Logout {
                clerk: old,
                replaced_by: Some(clerk.username.clone()),
            });
        }
        let id = clerk.id;
        self.phase = Phase::Main(Box::new(Session::new(
            clerk,
            &self.settings,
            now,
            &self.picker,
        )));
        self.send(Request::LoadDraft {
            clerk_id: id,
            key: WORKSPACE_DRAFT.to_owned(),
        });
    }

    fn save_workspace(&mut self) {
        if let Phase::Main(s) = &mut self.phase {
            s.workspace.id_check_text = s.id_check.text().to_owned();
        }
        if let Phase::Main(s) = &self.phase
            && let Ok(body) = serde_json::to_string(&s.workspace)
        {
            let clerk_id = s.clerk.id;
            self.send(Request::SaveDraft {
                clerk_id,
                key: WORKSPACE_DRAFT.to_owned(),
                body,
            });
        }
    }

    fn lock_now(&mut self) {
        let clerk = match &mut self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                s.lock = Some(lock::LockForm::default());
                s.password = s.password.take().filter(|p| p.forced);
                s.clerk.clone()
            }
            _ => return,
        };
        self.save_workspace();
        self.send(Request::IdleLocked { clerk });
    }

    fn apply(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::Send(r) => {
                if let Request::Login {
                    purpose: LoginPurpose::SignIn,
                    ..
                } = &r
                    && let Phase::Main(s) = &self.phase
                {
                    // A sign-in from the lock screen replaces the locked session.
                    self.pending_replacement = Some(s.clerk.clone());
                }
                self.send(r)
            }
            Command::Navigate(screen) => {
                if let Phase::Main(s) = &mut self.phase
                    && screen.allowed_for(s.clerk.role)
                {
                    s.workspace.screen = screen;
                    if screen == Screen::DocumentCheck {
                        s.id_check.request_focus();
                    }
                    let actor = s.clerk.clone();
                    match screen {
                        Screen::Accounts => self.send(Request::ListClerks { actor }),
                        Screen::AuditLog => self.send(Request::AuditTail { limit: 200 }),
                        _ => {}
                    }
                }
            }
            Command::LockNow => self.lock_now(),
            Command::Logout => {
                self.save_workspace();
                if let Phase::Main(s) = &self.phase {
                    let clerk = s.clerk.clone();
                    self.send(Request::Logout {
                        clerk,
                        replaced_by: None,
                    });
                }
                self.phase = Phase::Login(login::LoginForm::default());
            }
            Command::OpenPasswordDialog => {
                if let Phase::Main(s) = &mut self.phase {
                    s.password = Some(password::PasswordForm::default());
                }
            }
            Command::ClosePasswordDialog => {
                if let Phase::Main(s) = &mut self.phase {
                    s.password = s.password.take().filter(|p| p.forced);
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    /// Any key, click, scroll or pointer movement counts as activity.
    fn track_activity(&mut self, ctx: &egui::Context) {
        let now = self.clock.now();
        let active = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::PointerMoved(_)
                        | egui::Event::MouseWheel { .. }
                        | egui::Event::Paste(_)
                )
            })
        });
        let due = match &mut self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                if active {
                    s.idle.touch(now);
                }
                s.idle.should_lock(now)
            }
            _ => false,
        };
        if due {
            self.lock_now();
        }
    }
}

impl eframe::App for CounterDeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Some(resp) = self.worker.try_recv() {
            self.apply_response(resp);
        }
        if self.worker.in_flight() == 0 {
            self.busy_since = None;
        }
        self.track_activity(ctx);
        if self.startup_probe == StartupProbe::LoginDrawn {
            // The previous pass drew the login form and eframe has presented it.
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            eprintln!("first-login-frame-unix-ms {ms}");
            self.startup_probe = StartupProbe::Done;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if self.live_clock {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut out = Outbox::default();
        let now = self.clock.now();
        // Show progress only for work slower than ~200 ms, so quick answers don't flicker.
        let busy = self
            .busy_since
            .is_some_and(|t| now - t > chrono::Duration::milliseconds(200));
        if busy {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        match &mut self.phase {
            Phase::Opening => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.centered_and_justified(|ui| ui.label("正在打开数据库…"));
                });
            }
            Phase::DbError {
                path,
                title,
                message,
                technical,
            } => super::db_error::show(ui, path, title, message, technical.as_deref(), &mut out),
            Phase::Setup(form) => setup::show(ui, form, &self.db_path, busy, &mut out),
            Phase::Login(form) => {
                login::show(ui, form, &self.settings, busy, &mut out);
                if self.startup_probe == StartupProbe::Waiting {
                    self.startup_probe = StartupProbe::LoginDrawn;
                    ui.ctx().request_repaint();
                }
            }
            Phase::Main(session) => {
                if let Some(lock_form) = &mut session.lock {
                    lock::show(
                        ui,
                        lock_form,
                        &session.clerk,
                        &self.settings,
                        busy,
                        &mut out,
                    );
                } else {
                    let ctx = shell::ShellContext {
                        settings: &self.settings,
                        db_path: &self.db_path,
                        now,
                        busy,
                    };
                    shell::show(ui, session, &ctx, &mut out);
                }
            }
        }
        if let Some(err) = self.last_error.take() {
            tracing::warn!("ui error shown to clerk");
            match &mut self.phase {
                Phase::Main(s) => s.toast = Some((Message::error(err), now)),
                Phase::Login(f) => f.fail(err),
                Phase::Setup(f) => f.fail(err),
                Phase::Opening | Phase::DbError { .. } => {}
            }
        }
        if !out.0.is_empty() {
            // Commands change what the next frame shows: draw it now, not at the next input.
            ui.ctx().request_repaint();
        }
        for cmd in out.0 {
            self.apply(ui.ctx(), cmd);
        }
    }
}
