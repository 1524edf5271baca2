//! The phase machine: opening → (database error | first-run setup | login)
//! → main window, which may be locked. Commands are applied in
//! `commands.rs`, replies delivered to their sender in `routing.rs`, the
//! session's screens and drafts live in `session.rs`.

use crate::store::Location;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use eframe::egui;

use crate::ui::kit::file_picker::FilePicker;

use crate::ui::kit::file_picker::PickerFactory;

use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::clock::Clock;
use crate::app::runtime::worker;
use crate::app::runtime::worker::DbTarget;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::RequestId;
use crate::app::runtime::worker::WorkerHandle;
use crate::domain::clerks::settings::Settings;
use crate::ui::gate::lock;
use crate::ui::gate::login;
use crate::ui::gate::setup;
use crate::ui::kit::file_picker::RfdPicker;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::frame as shell;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::outbox::Sender;
use crate::ui::shell::session::Session;

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
    /// How often the offline tools try a lost office server again
    /// (`server_probe::PROBE_EVERY`; tests shorten it).
    pub probe_every: std::time::Duration,
}

pub enum Phase {
    Opening,
    DbError {
        location: Location,
        title: String,
        message: String,
        technical: Option<String>,
    },
    Setup(setup::SetupForm),
    Login(login::LoginForm),
    Main(Box<Session>),
    /// No database: 证件核验 and 照片检测 only, nobody signed in.
    Offline(Box<crate::ui::shell::offline::OfflineTools>),
}

/// Where a reply goes: its sender, in the session (or phase) that sent it.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub from: Sender,
    pub generation: u64,
}

pub struct CounterDeskApp {
    pub phase: Phase,
    pub settings: Settings,
    pub db: Location,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) worker: WorkerHandle,
    /// What the worker opens (kept to try again from the offline tools).
    pub(crate) target: DbTarget,
    /// The offline tools while a reconnect is tried: back to them, as the
    /// clerk left them, if it fails.
    pub(crate) parked_offline: Option<Box<crate::ui::shell::offline::OfflineTools>>,
    pub(crate) probe_every: std::time::Duration,
    /// Wakes the window from background threads.
    pub(crate) ctx: egui::Context,
    pub(crate) picker: PickerFactory,
    live_clock: bool,
    /// Requests sent and not yet answered, and who sent each.
    pub(crate) routes: HashMap<RequestId, Route>,
    /// Bumped whenever the phase or the session changes, so replies meant
    /// for a form or session that is gone are dropped, never misrouted.
    pub(crate) generation: u64,
    /// When the oldest unanswered request was sent (for the progress indicator).
    busy_since: Option<DateTime<Utc>>,
    /// A clerk signing in from the lock screen ends the locked clerk's
    /// session; remembered until the worker confirms the new sign-in.
    pub(crate) pending_replacement: Option<SessionClerk>,
    pub(crate) last_error: Option<String>,
    pub(crate) startup_notice: Option<String>,
    /// Commands raised while delivering replies, applied before the next frame.
    pub(crate) queued: Vec<crate::ui::shell::outbox::Command>,
    /// Replies dropped because their sender was gone (tests look at it).
    pub dropped_replies: usize,
    /// `COUNTERDESK_STARTUP_PROBE=1`: print when the first login frame has been
    /// presented, then close (used to measure start-up time; see README).
    startup_probe: StartupProbe,
    /// `COUNTERDESK_FRAME_LOG=N`: frame-time medians every N frames.
    frame_timer: Option<crate::ui::shell::frame_timer::FrameTimer>,
    /// The daily automatic backup (系统设置), while anyone is signed in.
    auto_backup: crate::ui::clerks::backup::AutoBackup,
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
        crate::ui::setup_context(&cc.egui_ctx);
        let db = config.target.location();
        let worker = Self::spawn_worker(&config.target, &config.clock, &cc.egui_ctx);
        let target = config.target;
        Self {
            phase: Phase::Opening,
            settings: Settings::default(),
            db,
            clock: config.clock,
            worker,
            target,
            parked_offline: None,
            probe_every: config.probe_every,
            ctx: cc.egui_ctx.clone(),
            // Every dialog gives the keyboard focus back when it closes.
            picker: {
                let base = config.picker;
                let ctx = cc.egui_ctx.clone();
                Arc::new(move || {
                    Box::new(crate::ui::kit::picker_focus::FocusReturn::new(
                        base(),
                        ctx.clone(),
                    )) as Box<dyn FilePicker>
                })
            },
            live_clock: config.live_clock,
            routes: HashMap::new(),
            generation: 0,
            busy_since: None,
            pending_replacement: None,
            last_error: None,
            startup_notice: config.startup_notice,
            queued: Vec::new(),
            dropped_replies: 0,
            startup_probe: if std::env::var_os("COUNTERDESK_STARTUP_PROBE").is_some() {
                StartupProbe::Waiting
            } else {
                StartupProbe::Off
            },
            frame_timer: crate::ui::shell::frame_timer::FrameTimer::from_env(),
            auto_backup: crate::ui::clerks::backup::AutoBackup::default(),
        }
    }

    /// The worker that opens `target`; its replies wake the window.
    pub(crate) fn spawn_worker(
        target: &DbTarget,
        clock: &Arc<dyn Clock>,
        ctx: &egui::Context,
    ) -> WorkerHandle {
        let ctx = ctx.clone();
        worker::spawn(
            target.clone(),
            clock.clone(),
            Arc::new(move || ctx.request_repaint()),
        )
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Requests sent and not yet answered (tests wait on this).
    pub fn in_flight(&self) -> usize {
        self.routes.len()
    }

    /// Requests or background jobs still running (tests wait on this).
    pub fn is_working(&self) -> bool {
        !self.routes.is_empty()
            || self.session().is_some_and(Session::any_busy)
            || matches!(&self.phase, Phase::Offline(t) if t.is_busy())
    }

    pub fn session(&self) -> Option<&Session> {
        match &self.phase {
            Phase::Main(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn session_mut(&mut self) -> Option<&mut Session> {
        match &mut self.phase {
            Phase::Main(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_locked(&self) -> bool {
        self.session().is_some_and(|s| s.lock.is_some())
    }

    /// Moves to a new phase; replies for the old one are dropped.
    pub(crate) fn enter(&mut self, phase: Phase) {
        self.generation += 1;
        self.phase = phase;
    }

    /// Sends on behalf of `from`, acting as the signed-in clerk (if any).
    pub(crate) fn send(&mut self, from: Sender, req: Request) {
        let actor = self.session().map(|s| s.clerk.clone());
        match self.worker.send(actor, req) {
            Ok(id) => {
                self.routes.insert(
                    id,
                    Route {
                        from,
                        generation: self.generation,
                    },
                );
                self.busy_since.get_or_insert(self.clock.now());
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }
}

impl eframe::App for CounterDeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Some(event) = self.worker.try_recv() {
            self.handle_event(event);
        }
        if self.worker.take_store_changed() {
            self.store_changed();
        }
        for cmd in std::mem::take(&mut self.queued) {
            self.apply(ctx, cmd);
        }
        if self.routes.is_empty() {
            self.busy_since = None;
        }
        for cmd in self.take_shortcuts(ctx) {
            self.apply(ctx, cmd);
        }
        if let Phase::Offline(tools) = &mut self.phase {
            let mut out = Outbox::default();
            tools.tick(&self.settings, &self.db, self.clock.now(), &mut out);
            self.queued.extend(out.commands);
        }
        if self.session().is_some_and(|s| s.lock.is_none()) {
            self.tick_screens();
            if !self.queued.is_empty() {
                ctx.request_repaint();
            }
        }
        self.track_activity(ctx);
        if self.session().is_some() {
            let now = self.clock.now();
            self.auto_backup
                .tick(self.db.file(), self.settings.backup_daily, now);
        }
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
            // Sleep until something is due: the status-bar clock's next
            // minute, the idle lock, a draft save, a toast's end, a claim's
            // renewal. Everything else wakes the window by itself (input, a
            // worker reply, a finished job, the store-change watcher).
            let now = self.clock.now();
            let next_minute = 60 - i64::from(now.second().min(59));
            let mut wait = chrono::Duration::seconds(next_minute)
                - chrono::Duration::nanoseconds(i64::from(now.nanosecond() % 1_000_000_000));
            if let Some(at) = self.session().and_then(|s| s.wake_at(now)) {
                wait = wait.min(at - now);
            }
            let wait = wait
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_millis(50));
            ctx.request_repaint_after(wait);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let started = std::time::Instant::now();
        let mut out = Outbox::default();
        let now = self.clock.now();
        // Show progress only for work slower than ~200 ms, so quick answers don't flicker.
        let busy = self
            .busy_since
            .is_some_and(|t| now - t > chrono::Duration::milliseconds(200));
        if busy {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        if self.worker.connection_lost() {
            crate::ui::shell::db_error::link_lost_bar(ui);
        }
        let skew = self.worker.clock_skew_seconds();
        if skew.abs() > crate::app::runtime::record_clock::MAX_SKEW_SECONDS {
            crate::ui::shell::db_error::clock_skew_bar(ui, skew);
        }
        match &mut self.phase {
            Phase::Opening => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.centered_and_justified(|ui| ui.label("正在打开数据库…"));
                });
            }
            Phase::DbError {
                location,
                title,
                message,
                technical,
            } => crate::ui::shell::db_error::show(
                ui,
                location,
                title,
                message,
                technical.as_deref(),
                &mut out,
            ),
            Phase::Offline(tools) => {
                crate::ui::shell::offline::show(ui, tools, &self.settings, &self.db, now, &mut out)
            }
            Phase::Setup(form) => out.scoped(Sender::Setup, |out| {
                setup::show(ui, form, &self.db, busy, out)
            }),
            Phase::Login(form) => {
                out.scoped(Sender::Login, |out| {
                    login::show(ui, form, &self.settings, busy, out)
                });
                if self.startup_probe == StartupProbe::Waiting {
                    self.startup_probe = StartupProbe::LoginDrawn;
                    ui.ctx().request_repaint();
                }
            }
            Phase::Main(session) => {
                if let Some(lock_form) = &mut session.lock {
                    let clerk = session.clerk.clone();
                    out.scoped(Sender::Lock, |out| {
                        lock::show(ui, lock_form, &clerk, &self.settings, busy, out)
                    });
                } else {
                    let cx = shell::ShellContext {
                        settings: &self.settings,
                        db: &self.db,
                        now,
                        busy,
                    };
                    shell::show(ui, session, &cx, &mut out);
                }
            }
        }
        if let Some(err) = self.last_error.take() {
            tracing::warn!("ui error shown to clerk");
            match &mut self.phase {
                Phase::Main(s) => s.toast = Some((Message::error(err), now)),
                Phase::Login(f) => f.fail(err),
                Phase::Setup(f) => f.fail(err),
                Phase::Offline(t) => t.toast = Some((Message::error(err), now)),
                Phase::Opening | Phase::DbError { .. } => {}
            }
        }
        if !out.is_empty() {
            // Commands change what the next frame shows: draw it now, not at the next input.
            ui.ctx().request_repaint();
        }
        for cmd in out.commands {
            self.apply(ui.ctx(), cmd);
        }
        if let Some(t) = &mut self.frame_timer {
            t.record(frame.info().cpu_usage, started.elapsed());
        }
    }
}
