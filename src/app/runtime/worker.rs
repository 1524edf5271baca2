//! The worker threads: a writer that owns the read-write [`Store`], and a
//! reader with its own read-only connection, so a page of a long list never
//! waits behind a write. Requests travel in an [`Envelope`] (id + acting
//! clerk); every [`Reply`] carries the id back, so the UI can deliver it to
//! whoever asked. Adding a request is its family's module plus one line in
//! [`dispatch`].

use crate::app::runtime::call::Call;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::thread;

use chrono::{DateTime, Utc};

use crate::app::clerks::accounts;
use crate::app::clerks::audit_view;
use crate::app::clerks::drafts;
use crate::app::clerks::session;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::clerks::settings;
use crate::app::clerks::setup;
use crate::app::demo;
use crate::app::demo::queue as demo_queue;
use crate::app::exchange;
use crate::app::exchange::dashboard;
use crate::app::registration;
use crate::app::review;
use crate::app::runtime::clock::Clock;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::settings::Settings;
use crate::store::{Store, StoreError};

/// Applications `--demo` adds to its throwaway database.
const DEMO_APPLICATIONS: u64 = 300;
const DEMO_SEED: u64 = 20261123;

/// Enough for a burst of clicks; a full queue is reported, never waited on.
const QUEUE_DEPTH: usize = 32;

pub type RequestId = u64;

/// Which database to open.
#[derive(Debug, Clone)]
pub enum DbTarget {
    /// An existing or new file.
    File(PathBuf),
    /// A fresh file seeded with the demo clerks (removed first if present).
    Demo(PathBuf),
}

impl DbTarget {
    pub fn path(&self) -> &PathBuf {
        match self {
            DbTarget::File(p) | DbTarget::Demo(p) => p,
        }
    }
}

/// Every request, by family.
#[derive(Debug, Clone)]
pub enum Request {
    Setup(setup::Req),
    Session(session::Req),
    Accounts(accounts::Req),
    Settings(settings::Req),
    Drafts(drafts::Req),
    Audit(audit_view::Req),
    Review(review::Req),
    Registration(registration::Req),
    Exchange(exchange::Req),
    Dashboard(dashboard::Req),
}

/// Every answer, by family.
#[derive(Debug, Clone)]
pub enum Response {
    Setup(setup::Resp),
    Session(session::Resp),
    Accounts(accounts::Resp),
    Settings(settings::Resp),
    Drafts(drafts::Resp),
    Audit(audit_view::Resp),
    Review(review::Resp),
    Registration(registration::Resp),
    Exchange(exchange::Resp),
    Dashboard(dashboard::Resp),
}

impl Request {
    /// For logs: the request's kind, never its content (passwords, names).
    pub fn name(&self) -> &'static str {
        match self {
            Request::Setup(_) => "setup",
            Request::Session(session::Req::Login { .. }) => "session.login",
            Request::Session(_) => "session",
            Request::Accounts(_) => "accounts",
            Request::Settings(_) => "settings",
            Request::Drafts(drafts::Req::Save { .. }) => "drafts.save",
            Request::Drafts(_) => "drafts.load",
            Request::Audit(_) => "audit",
            Request::Review(r) if r.is_read_only() => "review.read",
            Request::Review(_) => "review",
            Request::Registration(r) if r.is_read_only() => "registration.read",
            Request::Registration(_) => "registration",
            Request::Exchange(_) => "exchange",
            Request::Dashboard(_) => "dashboard.read",
        }
    }

    /// Pure reads go to the reader thread.
    fn is_read(&self) -> bool {
        matches!(
            self,
            Request::Accounts(accounts::Req::List)
                | Request::Audit(_)
                | Request::Drafts(drafts::Req::Load { .. })
        ) || matches!(self, Request::Review(r) if r.is_read_only())
            || matches!(self, Request::Registration(r) if r.is_read_only())
            || matches!(self, Request::Dashboard(r) if r.is_read_only())
    }
}

/// A request with its id and the clerk acting (none before sign-in).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: RequestId,
    pub actor: Option<SessionClerk>,
    pub req: Request,
}

#[derive(Debug)]
pub struct Reply {
    pub id: RequestId,
    pub result: Result<Response, AppError>,
}

/// What the UI receives.
#[derive(Debug)]
pub enum Event {
    /// The database is open: whether the first administrator must be created.
    Opened {
        path: PathBuf,
        needs_setup: bool,
        settings: Settings,
    },
    /// The database could not be opened; nothing was modified.
    OpenFailed {
        path: PathBuf,
        title: String,
        message: String,
        /// The driver's or the OS's own words, for the 详情 expander.
        technical: Option<String>,
    },
    Reply(Reply),
    /// The worker has ended (only after a failed open, or if it crashed).
    Stopped,
}

/// One use case, routed by family.
pub fn dispatch(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    req: Request,
) -> Result<Response, AppError> {
    let signed_in = || actor.ok_or_else(|| AppError::rejected("请先登录。"));
    match req {
        Request::Setup(r) => setup::handle(store, now, r).map(Response::Setup),
        Request::Session(r) => session::handle(store, now, actor, r).map(Response::Session),
        Request::Accounts(r) => {
            accounts::handle(Call::new(store, now, signed_in()?), r).map(Response::Accounts)
        }
        Request::Settings(r) => {
            settings::handle(Call::new(store, now, signed_in()?), r).map(Response::Settings)
        }
        Request::Drafts(r) => {
            drafts::handle(Call::new(store, now, signed_in()?), r).map(Response::Drafts)
        }
        Request::Audit(r) => {
            audit_view::handle(Call::new(store, now, signed_in()?), r).map(Response::Audit)
        }
        Request::Review(r) => {
            review::handle(Call::new(store, now, signed_in()?), r).map(Response::Review)
        }
        Request::Registration(r) => {
            registration::handle(Call::new(store, now, signed_in()?), r).map(Response::Registration)
        }
        Request::Exchange(r) => {
            exchange::handle(Call::new(store, now, signed_in()?), r).map(Response::Exchange)
        }
        Request::Dashboard(r) => {
            dashboard::handle(Call::new(store, now, signed_in()?), r).map(Response::Dashboard)
        }
    }
}

/// The UI's end of the channels.
pub struct WorkerHandle {
    write_tx: SyncSender<Envelope>,
    read_tx: SyncSender<Envelope>,
    rx: Receiver<Event>,
    next_id: RequestId,
    in_flight: usize,
    stopped: bool,
    /// Raised by the store-change watcher (another window or process committed).
    changed: crate::app::runtime::store_watch::ChangedFlag,
    /// The watcher runs while this lives.
    _alive: Arc<()>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("后台任务繁忙，请稍候再试。")]
    Busy,
    #[error("后台任务已停止，请重新启动工作台。")]
    Stopped,
}

impl WorkerHandle {
    /// Never blocks: a full queue is an error the UI can show. Returns the
    /// id the reply will carry.
    pub fn send(
        &mut self,
        actor: Option<SessionClerk>,
        req: Request,
    ) -> Result<RequestId, SendError> {
        self.next_id += 1;
        let id = self.next_id;
        let tx = if req.is_read() {
            &self.read_tx
        } else {
            &self.write_tx
        };
        match tx.try_send(Envelope { id, actor, req }) {
            Ok(()) => {
                self.in_flight += 1;
                Ok(id)
            }
            Err(TrySendError::Full(_)) => Err(SendError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(SendError::Stopped),
        }
    }

    /// Next event, if any; never blocks.
    pub fn try_recv(&mut self) -> Option<Event> {
        match self.rx.try_recv() {
            Ok(e) => {
                if matches!(e, Event::Reply(_)) {
                    self.in_flight = self.in_flight.saturating_sub(1);
                }
                Some(e)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) if self.stopped => None,
            Err(TryRecvError::Disconnected) => {
                self.stopped = true;
                self.in_flight = 0;
                Some(Event::Stopped)
            }
        }
    }

    /// Requests sent and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Whether the database changed since the last call (once per burst).
    pub fn take_store_changed(&self) -> bool {
        self.changed.take()
    }
}

/// Starts the worker. It opens the database first and reports `Opened` or
/// `OpenFailed`; `wake` is called after every event (the UI passes
/// `ctx.request_repaint`).
pub fn spawn(
    target: DbTarget,
    clock: Arc<dyn Clock>,
    wake: Arc<dyn Fn() + Send + Sync>,
) -> WorkerHandle {
    let (write_tx, write_rx) = sync_channel::<Envelope>(QUEUE_DEPTH);
    let (read_tx, read_rx) = sync_channel::<Envelope>(QUEUE_DEPTH);
    let (event_tx, event_rx) = sync_channel::<Event>(QUEUE_DEPTH * 4);
    let changed = crate::app::runtime::store_watch::ChangedFlag::default();
    let alive = Arc::new(());
    let watch = Watch {
        flag: changed.clone(),
        alive: Arc::downgrade(&alive),
    };
    let spawned = thread::Builder::new()
        .name("counterdesk-store".into())
        .spawn(move || run_writer(target, clock, write_rx, read_rx, event_tx, wake, watch));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the worker thread");
    }
    WorkerHandle {
        write_tx,
        read_tx,
        rx: event_rx,
        next_id: 0,
        in_flight: 0,
        stopped: false,
        changed,
        _alive: alive,
    }
}

/// What the store-change watcher needs once the database is open.
struct Watch {
    flag: crate::app::runtime::store_watch::ChangedFlag,
    alive: std::sync::Weak<()>,
}

fn open(target: &DbTarget, clock: &dyn Clock) -> Result<Store, AppError> {
    match target {
        DbTarget::File(path) => Ok(Store::open(path)?),
        DbTarget::Demo(path) => {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
            let mut store = Store::open(path)?;
            demo::seed(&mut store, clock.now())?;
            // A live queue to work through; a failure leaves the clerks usable.
            if let Err(e) =
                demo_queue::generate(&mut store, DEMO_APPLICATIONS, DEMO_SEED, clock.now())
            {
                tracing::warn!(error = %e, "demo applications not generated");
            }
            if let Err(e) = demo::company_with_scans(&mut store, clock.now()) {
                tracing::warn!(error = %e, "demo company registration not made");
            }
            Ok(store)
        }
    }
}

fn open_failed(path: PathBuf, e: &AppError) -> Event {
    tracing::warn!(title = e.title(), technical = ?e.technical(), "database could not be opened");
    Event::OpenFailed {
        path,
        title: e.title().to_owned(),
        message: e.to_string(),
        technical: e.technical(),
    }
}

/// Answers envelopes until the UI hangs up.
fn serve(
    store: &mut Store,
    clock: &dyn Clock,
    requests: &Receiver<Envelope>,
    events: &SyncSender<Event>,
    wake: &dyn Fn(),
) {
    while let Ok(env) = requests.recv() {
        let started = std::time::Instant::now();
        let kind = env.req.name();
        let result = dispatch(store, clock.now(), env.actor.as_ref(), env.req);
        if let Err(e) = &result {
            tracing::warn!(request = kind, error_kind = e.title(), "request failed");
            if let AppError::Store(s) = e {
                tracing::debug!(technical = ?s.technical(), "store error");
            }
        }
        tracing::debug!(
            request = kind,
            ms = started.elapsed().as_millis() as u64,
            "handled"
        );
        let sent = events.send(Event::Reply(Reply { id: env.id, result }));
        wake();
        if sent.is_err() {
            break;
        }
    }
}

fn run_writer(
    target: DbTarget,
    clock: Arc<dyn Clock>,
    requests: Receiver<Envelope>,
    reads: Receiver<Envelope>,
    events: SyncSender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
    watch: Watch,
) {
    let path = target.path().clone();
    let send = |e: Event| {
        let ok = events.send(e).is_ok();
        wake();
        ok
    };
    let mut store = match open(&target, &*clock) {
        Ok(s) => s,
        Err(e) => {
            send(open_failed(path, &e));
            return;
        }
    };
    let opened = setup::needs_setup(&mut store).and_then(|needs_setup| {
        Ok(Event::Opened {
            path: path.clone(),
            needs_setup,
            settings: setup::settings(&mut store)?,
        })
    });
    let opened = opened.unwrap_or_else(|e| open_failed(path.clone(), &e));
    let failed_open = matches!(opened, Event::OpenFailed { .. });
    let delivered = send(opened);
    if failed_open || !delivered {
        // The reader never starts: its channel closes, and the UI sees `Stopped`.
        return;
    }
    // The reader and the watcher open only now, after the migrations have run.
    crate::app::runtime::store_watch::spawn(&path, watch.flag, watch.alive, wake.clone());
    let reader_events = events.clone();
    let reader_wake = wake.clone();
    let reader_clock = clock.clone();
    let _ = thread::Builder::new()
        .name("counterdesk-reader".into())
        .spawn(move || match Store::open_reader(&path) {
            Ok(mut r) => serve(
                &mut r,
                &*reader_clock,
                &reads,
                &reader_events,
                &*reader_wake,
            ),
            Err(e) => {
                tracing::warn!(title = e.title(), "reader connection failed");
                // Answer every read with the error rather than leaving it waiting.
                while let Ok(env) = reads.recv() {
                    let reply = Reply {
                        id: env.id,
                        result: Err(AppError::Store(StoreError::Busy { path: path.clone() })),
                    };
                    if reader_events.send(Event::Reply(reply)).is_err() {
                        break;
                    }
                    reader_wake();
                }
            }
        });
    serve(&mut store, &*clock, &requests, &events, &*wake);
}
