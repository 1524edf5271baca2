//! The worker threads: a writer that owns the read-write [`Store`], and a
//! reader with its own read-only connection, so a page of a long list never
//! waits behind a write. Requests travel in an [`Envelope`] (id + acting
//! clerk); every [`Reply`] carries the id back, so the UI can deliver it to
//! whoever asked. Adding a request is its family's module plus one line in
//! [`dispatch`].

use crate::app::runtime::call::{Call, OpKey};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

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
use crate::app::runtime::record_clock::RecordClock;
use crate::app::runtime::store_watch::{LinkFlag, SkewFlag};
use crate::domain::clerks::settings::Settings;
use crate::store::postgres::Connector;
use crate::store::{Location, Store, StoreError};

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
    /// The office server, through a connector that keeps a typed password
    /// for reconnects.
    Office(Arc<Connector>),
}

impl DbTarget {
    /// Where the data lives, as the window shows it.
    pub fn location(&self) -> Location {
        match self {
            DbTarget::File(p) | DbTarget::Demo(p) => Location::File(p.clone()),
            DbTarget::Office(c) => Location::Office(c.target().to_string()),
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

/// A request with its id, the clerk acting (none before sign-in), and its
/// client-generated key, kept when the worker retries it.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: RequestId,
    pub actor: Option<SessionClerk>,
    pub op: OpKey,
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
        location: Location,
        needs_setup: bool,
        settings: Settings,
    },
    /// The database could not be opened; nothing was modified.
    OpenFailed {
        location: Location,
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
    op: &OpKey,
    req: Request,
) -> Result<Response, AppError> {
    let signed_in = || actor.ok_or_else(|| AppError::rejected("请先登录。"));
    match req {
        Request::Setup(r) => setup::handle(store, now, r).map(Response::Setup),
        Request::Session(r) => session::handle(store, now, actor, r).map(Response::Session),
        Request::Accounts(r) => {
            accounts::handle(Call::new(store, now, signed_in()?).with_op(op), r)
                .map(Response::Accounts)
        }
        Request::Settings(r) => {
            settings::handle(Call::new(store, now, signed_in()?).with_op(op), r)
                .map(Response::Settings)
        }
        Request::Drafts(r) => {
            drafts::handle(Call::new(store, now, signed_in()?).with_op(op), r).map(Response::Drafts)
        }
        Request::Audit(r) => audit_view::handle(Call::new(store, now, signed_in()?).with_op(op), r)
            .map(Response::Audit),
        Request::Review(r) => {
            review::handle(Call::new(store, now, signed_in()?).with_op(op), r).map(Response::Review)
        }
        Request::Registration(r) => {
            registration::handle(Call::new(store, now, signed_in()?).with_op(op), r)
                .map(Response::Registration)
        }
        Request::Exchange(r) => {
            exchange::handle(Call::new(store, now, signed_in()?).with_op(op), r)
                .map(Response::Exchange)
        }
        Request::Dashboard(r) => {
            dashboard::handle(Call::new(store, now, signed_in()?).with_op(op), r)
                .map(Response::Dashboard)
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
    /// Raised while the office server cannot be reached.
    link: LinkFlag,
    /// The workstation clock's offset from the office server's.
    skew: SkewFlag,
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
        match tx.try_send(Envelope {
            id,
            actor,
            op: OpKey::new(),
            req,
        }) {
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

    /// Whether the office server's connection is lost (the worker is
    /// reconnecting; requests wait and are answered once it is back).
    pub fn connection_lost(&self) -> bool {
        self.link.is_lost()
    }

    /// Seconds the workstation's clock is behind the office server's
    /// (negative: ahead), as last measured; 0 for a file.
    pub fn clock_skew_seconds(&self) -> i64 {
        self.skew.seconds()
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
    let link = LinkFlag::default();
    let skew = SkewFlag::default();
    let alive = Arc::new(());
    let watch = Watch {
        flag: changed.clone(),
        link: link.clone(),
        skew: skew.clone(),
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
        link,
        skew,
        _alive: alive,
    }
}

/// What the store-change watcher needs once the database is open.
#[derive(Clone)]
struct Watch {
    flag: crate::app::runtime::store_watch::ChangedFlag,
    link: LinkFlag,
    skew: SkewFlag,
    alive: Weak<()>,
}

fn open(target: &DbTarget, clock: &dyn Clock) -> Result<Store, AppError> {
    match target {
        DbTarget::File(path) => Ok(Store::open(path)?),
        DbTarget::Office(connector) => Ok(Store::open_office_with(connector.clone())?),
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

fn open_failed(location: Location, e: &AppError) -> Event {
    tracing::warn!(title = e.title(), technical = ?e.technical(), "database could not be opened");
    Event::OpenFailed {
        location,
        title: e.title().to_owned(),
        message: e.to_string(),
        technical: e.technical(),
    }
}

/// The longest pause between attempts to reach a lost office server.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(5);

/// Waits out a lost office connection: raises the link flag (the window's
/// calm line), then reconnects with growing pauses. False when the window
/// went away meanwhile.
fn reconnect(store: &mut Store, watch: &Watch, wake: &dyn Fn()) -> bool {
    if watch.link.set_lost(true) {
        tracing::warn!("office server connection lost; reconnecting");
        wake();
    }
    let mut pause = Duration::from_millis(250);
    loop {
        if watch.alive.upgrade().is_none() {
            return false;
        }
        thread::sleep(pause);
        match store.reconnect() {
            Ok(()) => {
                if watch.link.set_lost(false) {
                    tracing::info!("office server connection restored");
                    wake();
                }
                return true;
            }
            Err(e) => {
                tracing::debug!(title = e.title(), "office server still unreachable");
                pause = (pause * 2).min(MAX_RETRY_PAUSE);
            }
        }
    }
}

/// Answers envelopes until the UI hangs up. On the office server a request
/// that met a lost connection waits for the reconnect and runs again under
/// the same [`OpKey`], so a write whose COMMIT outcome was unknown finds
/// itself instead of writing twice (decisions, registrations and imports
/// look their key up first).
fn serve(
    store: &mut Store,
    clock: &mut RecordClock,
    requests: &Receiver<Envelope>,
    events: &SyncSender<Event>,
    wake: &dyn Fn(),
    watch: &Watch,
) {
    let office = matches!(store.location(), Location::Office(_));
    while let Ok(env) = requests.recv() {
        let started = Instant::now();
        let kind = env.req.name();
        let mut req = Some(env.req);
        let result = loop {
            // A file never retries, so the request moves in uncloned.
            let this = match (office, req.take()) {
                (true, Some(r)) => {
                    req = Some(r.clone());
                    r
                }
                (_, Some(r)) => r,
                (_, None) => break Err(AppError::rejected("请求无法重试，请再操作一次。")),
            };
            let now = clock.now(store);
            match dispatch(store, now, env.actor.as_ref(), &env.op, this) {
                Err(AppError::Store(e)) if office && e.is_connection_lost() => {
                    tracing::warn!(request = kind, "connection lost during the request");
                    if !reconnect(store, watch, wake) {
                        return;
                    }
                    clock.sync(store);
                }
                other => break other,
            }
        };
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
    let location = target.location();
    let send = |e: Event| {
        let ok = events.send(e).is_ok();
        wake();
        ok
    };
    let mut store = match open(&target, &*clock) {
        Ok(s) => s,
        Err(e) => {
            send(open_failed(location, &e));
            return;
        }
    };
    let opened = setup::needs_setup(&mut store).and_then(|needs_setup| {
        Ok(Event::Opened {
            location: location.clone(),
            needs_setup,
            settings: setup::settings(&mut store)?,
        })
    });
    let opened = opened.unwrap_or_else(|e| open_failed(location.clone(), &e));
    let failed_open = matches!(opened, Event::OpenFailed { .. });
    let delivered = send(opened);
    if failed_open || !delivered {
        // The reader never starts: its channel closes, and the UI sees `Stopped`.
        return;
    }
    // The reader and the watcher open only now, after the migrations have run.
    match store.change_watch() {
        Ok(w) => crate::app::runtime::store_watch::spawn(
            w,
            watch.flag.clone(),
            watch.link.clone(),
            watch.alive.clone(),
            wake.clone(),
        ),
        // The window still works; lists then refresh on input only.
        Err(e) => tracing::warn!(title = e.title(), "store-change watcher not started"),
    }
    let reader = store.another_reader();
    let reader_events = events.clone();
    let reader_wake = wake.clone();
    let reader_clock = clock.clone();
    let reader_watch = watch.clone();
    let _ = thread::Builder::new()
        .name("counterdesk-reader".into())
        .spawn(move || match reader {
            Ok(mut r) => serve(
                &mut r,
                &mut RecordClock::new(reader_clock, None),
                &reads,
                &reader_events,
                &*reader_wake,
                &reader_watch,
            ),
            Err(e) => {
                tracing::warn!(title = e.title(), "reader connection failed");
                let path = PathBuf::from(location.to_string());
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
    serve(
        &mut store,
        &mut RecordClock::new(clock, Some(watch.skew.clone())),
        &requests,
        &events,
        &*wake,
        &watch,
    );
}
