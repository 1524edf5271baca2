//! The worker thread: owns the [`Store`], takes [`Request`]s from a bounded
//! channel, answers with [`Response`]s, and wakes the UI after each answer.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::thread;

use super::auth::{self, AccountInput, ClerkSummary, LoginOutcome, LoginPurpose, SessionClerk};
use super::clock::Clock;
use super::demo;
use crate::domain::settings::Settings;
use crate::store::{AuditRow, AuditVerdict, Store, StoreError};

/// Enough for a burst of clicks; a full queue is reported, never waited on.
const QUEUE_DEPTH: usize = 32;

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

#[derive(Debug, Clone)]
pub enum Request {
    CreateFirstAdmin {
        account: AccountInput,
        office_name: String,
    },
    Login {
        username: String,
        password: String,
        purpose: LoginPurpose,
    },
    Logout {
        clerk: SessionClerk,
        replaced_by: Option<String>,
    },
    IdleLocked {
        clerk: SessionClerk,
    },
    ChangeOwnPassword {
        clerk: SessionClerk,
        old: String,
        new: String,
    },
    ListClerks {
        actor: SessionClerk,
    },
    CreateAccount {
        actor: SessionClerk,
        account: AccountInput,
    },
    SetDisabled {
        actor: SessionClerk,
        clerk_id: i64,
        disabled: bool,
    },
    ResetPassword {
        actor: SessionClerk,
        clerk_id: i64,
        password: String,
    },
    SaveSettings {
        actor: SessionClerk,
        settings: Settings,
    },
    SaveDraft {
        clerk_id: i64,
        key: String,
        body: String,
    },
    LoadDraft {
        clerk_id: i64,
        key: String,
    },
    AuditTail {
        limit: usize,
    },
    VerifyAudit,
}

#[derive(Debug, Clone)]
pub enum Response {
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
    SignedIn(SessionClerk),
    /// The first administrator was created (and signed in) with these settings.
    SetUp {
        clerk: SessionClerk,
        settings: Settings,
    },
    Unlocked(SessionClerk),
    LoginRefused {
        purpose: LoginPurpose,
        message: String,
    },
    PasswordChanged(SessionClerk),
    Clerks(Vec<ClerkSummary>),
    AccountsChanged {
        message: String,
    },
    SettingsSaved(Settings),
    Draft {
        clerk_id: i64,
        key: String,
        body: Option<String>,
    },
    AuditTail(Vec<AuditRow>),
    AuditVerified(AuditVerdict),
    /// Done, nothing to show (logout, idle lock, draft saved).
    Ack,
    /// A request failed; a Chinese message for the clerk.
    Failed {
        message: String,
    },
    /// The worker thread has ended (it only does so after a failed open, or
    /// if it crashed); reported once.
    WorkerStopped,
}

/// The UI's end of the channels.
pub struct WorkerHandle {
    tx: SyncSender<Request>,
    rx: Receiver<Response>,
    in_flight: usize,
    stopped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("后台任务繁忙，请稍候再试")]
    Busy,
    #[error("后台任务已停止，请重新启动工作台")]
    Stopped,
}

impl WorkerHandle {
    /// Never blocks: a full queue is an error the UI can show.
    pub fn send(&mut self, req: Request) -> Result<(), SendError> {
        match self.tx.try_send(req) {
            Ok(()) => {
                self.in_flight += 1;
                Ok(())
            }
            Err(TrySendError::Full(_)) => Err(SendError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(SendError::Stopped),
        }
    }

    /// Next answer, if any; never blocks.
    pub fn try_recv(&mut self) -> Option<Response> {
        match self.rx.try_recv() {
            Ok(r) => {
                if !matches!(r, Response::Opened { .. } | Response::OpenFailed { .. }) {
                    self.in_flight = self.in_flight.saturating_sub(1);
                }
                Some(r)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) if self.stopped => None,
            Err(TryRecvError::Disconnected) => {
                self.stopped = true;
                self.in_flight = 0;
                Some(Response::WorkerStopped)
            }
        }
    }

    /// Requests sent and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

/// Starts the worker. It opens the database first and reports `Opened` or
/// `OpenFailed`; `wake` is called after every response (the UI passes
/// `ctx.request_repaint`).
pub fn spawn(target: DbTarget, clock: Arc<dyn Clock>, wake: Box<dyn Fn() + Send>) -> WorkerHandle {
    let (req_tx, req_rx) = sync_channel::<Request>(QUEUE_DEPTH);
    let (resp_tx, resp_rx) = sync_channel::<Response>(QUEUE_DEPTH * 2);
    let spawned = thread::Builder::new()
        .name("counterdesk-store".into())
        .spawn(move || run(target, clock, &req_rx, &resp_tx, &*wake));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the worker thread");
    }
    WorkerHandle {
        tx: req_tx,
        rx: resp_rx,
        in_flight: 0,
        stopped: false,
    }
}

fn open(target: &DbTarget, clock: &dyn Clock) -> Result<Store, StoreError> {
    match target {
        DbTarget::File(path) => Store::open(path),
        DbTarget::Demo(path) => {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
            let mut store = Store::open(path)?;
            demo::seed(&mut store, clock.now())?;
            Ok(store)
        }
    }
}

fn run(
    target: DbTarget,
    clock: Arc<dyn Clock>,
    requests: &Receiver<Request>,
    responses: &SyncSender<Response>,
    wake: &dyn Fn(),
) {
    let send = |r: Response| {
        let ok = responses.send(r).is_ok();
        wake();
        ok
    };
    let path = target.path().clone();
    let mut store = match open(&target, &*clock) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(title = e.title(), technical = ?e.technical(), "database could not be opened");
            send(Response::OpenFailed {
                path,
                title: e.title().to_owned(),
                message: e.to_string(),
                technical: e.technical(),
            });
            return;
        }
    };
    let opened = auth::needs_setup(&mut store).and_then(|needs_setup| {
        Ok(Response::Opened {
            path: path.clone(),
            needs_setup,
            settings: auth::settings(&mut store)?,
        })
    });
    let opened = opened.unwrap_or_else(|e| Response::OpenFailed {
        path: path.clone(),
        title: e.title().to_owned(),
        message: e.to_string(),
        technical: e.technical(),
    });
    let failed_open = matches!(opened, Response::OpenFailed { .. });
    if !send(opened) || failed_open {
        return;
    }
    while let Ok(req) = requests.recv() {
        let started = std::time::Instant::now();
        let kind = request_name(&req);
        let resp = handle(&mut store, &*clock, req).unwrap_or_else(|e| {
            tracing::warn!(request = kind, error_kind = e.title(), technical = ?e.technical(), "request failed");
            Response::Failed {
                message: e.to_string(),
            }
        });
        tracing::debug!(
            request = kind,
            ms = started.elapsed().as_millis() as u64,
            "handled"
        );
        if !send(resp) {
            break;
        }
    }
}

/// For logs: the request's kind, never its content (passwords, names).
fn request_name(r: &Request) -> &'static str {
    match r {
        Request::CreateFirstAdmin { .. } => "create_first_admin",
        Request::Login { .. } => "login",
        Request::Logout { .. } => "logout",
        Request::IdleLocked { .. } => "idle_locked",
        Request::ChangeOwnPassword { .. } => "change_own_password",
        Request::ListClerks { .. } => "list_clerks",
        Request::CreateAccount { .. } => "create_account",
        Request::SetDisabled { .. } => "set_disabled",
        Request::ResetPassword { .. } => "reset_password",
        Request::SaveSettings { .. } => "save_settings",
        Request::SaveDraft { .. } => "save_draft",
        Request::LoadDraft { .. } => "load_draft",
        Request::AuditTail { .. } => "audit_tail",
        Request::VerifyAudit => "verify_audit",
    }
}

fn handle(store: &mut Store, clock: &dyn Clock, req: Request) -> Result<Response, StoreError> {
    let now = clock.now();
    Ok(match req {
        Request::CreateFirstAdmin {
            account,
            office_name,
        } => Response::SetUp {
            clerk: auth::create_first_admin(store, &account, &office_name, now)?,
            settings: auth::settings(store)?,
        },
        Request::Login {
            username,
            password,
            purpose,
        } => match auth::login(store, &username, &password, purpose, now)? {
            LoginOutcome::Success(c) if purpose == LoginPurpose::Unlock => Response::Unlocked(c),
            LoginOutcome::Success(c) => Response::SignedIn(c),
            LoginOutcome::Refused(message) => Response::LoginRefused { purpose, message },
        },
        Request::Logout { clerk, replaced_by } => {
            auth::end_session(store, &clerk, replaced_by.as_deref(), now)?;
            Response::Ack
        }
        Request::IdleLocked { clerk } => {
            auth::record_idle_lock(store, &clerk, now)?;
            Response::Ack
        }
        Request::ChangeOwnPassword { clerk, old, new } => {
            Response::PasswordChanged(auth::change_own_password(store, &clerk, &old, &new, now)?)
        }
        Request::ListClerks { actor } => Response::Clerks(auth::list_clerks(store, &actor, now)?),
        Request::CreateAccount { actor, account } => {
            auth::create_account(store, &actor, &account, now)?;
            Response::AccountsChanged {
                message: format!("已创建账号 {}，首次登录需修改密码", account.username.trim()),
            }
        }
        Request::SetDisabled {
            actor,
            clerk_id,
            disabled,
        } => {
            auth::set_disabled(store, &actor, clerk_id, disabled, now)?;
            Response::AccountsChanged {
                message: if disabled {
                    "账号已停用"
                } else {
                    "账号已启用"
                }
                .to_owned(),
            }
        }
        Request::ResetPassword {
            actor,
            clerk_id,
            password,
        } => {
            auth::reset_password(store, &actor, clerk_id, &password, now)?;
            Response::AccountsChanged {
                message: "密码已重置，该账号下次登录需修改密码".to_owned(),
            }
        }
        Request::SaveSettings { actor, settings } => {
            Response::SettingsSaved(auth::save_settings(store, &actor, settings, now)?)
        }
        Request::SaveDraft {
            clerk_id,
            key,
            body,
        } => {
            store.write(|tx| tx.save_draft(clerk_id, &key, &body, now))?;
            Response::Ack
        }
        Request::LoadDraft { clerk_id, key } => {
            let body = store.read(|tx| tx.draft(clerk_id, &key))?;
            Response::Draft {
                clerk_id,
                key,
                body,
            }
        }
        Request::AuditTail { limit } => Response::AuditTail(store.read(|tx| tx.audit_tail(limit))?),
        Request::VerifyAudit => Response::AuditVerified(store.read(|tx| tx.verify_audit())?),
    })
}
