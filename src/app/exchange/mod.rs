//! 数据交换: application batches in (all or nothing, progress and cancel),
//! decisions, registrations, audit rows and notices out (signed manifest),
//! and the check of an export folder. The worker dispatches with one line:
//! `Request::Exchange(r) => exchange::handle(Call::new(store, now, actor), r)`.

pub mod batch_file;
pub mod dashboard;
pub mod demo_batch;
pub mod export;
pub mod import;
pub mod keys;
mod photos;
mod stream_file;
pub mod verify;

use crate::app::runtime::call::Call;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

use crate::app::clerks::access::require_role;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::clerk::Role;

pub use export::ExportSummary;
pub use import::{ImportError, ImportOptions, ImportRejection, ImportSummary};

const NOT_ALLOWED: &str = "只有审核岗和管理员可以导入批次和导出数据";

/// What a running import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Reading,
    Photos,
    Writing,
    Done,
}

/// Shared between the job and whoever shows it: progress and the cancel flag.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
    cancel: AtomicBool,
}

impl Progress {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Sets the phase and its counts (the job does; tests and demos may).
    pub fn set(&self, phase: Phase, done: u64, total: u64) {
        self.phase.store(phase as u8, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    pub(crate) fn advance(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Asks the job to stop at its next check; nothing it did is kept.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            0 => Phase::Reading,
            1 => Phase::Photos,
            2 => Phase::Writing,
            _ => Phase::Done,
        }
    }

    /// (done, total) of the current phase.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Time still to go at the pace so far, once there is a pace to go by
    /// (a few per cent done and at least two seconds spent).
    pub fn remaining(&self, elapsed: std::time::Duration) -> Option<std::time::Duration> {
        let f = f64::from(self.fraction());
        if !(0.02..1.0).contains(&f) || elapsed < std::time::Duration::from_secs(2) {
            return None;
        }
        Some(elapsed.mul_f64((1.0 - f) / f))
    }

    /// 0.0–1.0 over the whole job: reading counts for 30 %, the photo checks
    /// for 20 % (most of the time when every line brings its own photo),
    /// writing for 50 %.
    pub fn fraction(&self) -> f32 {
        let (d, t) = self.counts();
        let part = if t == 0 { 0.0 } else { d as f32 / t as f32 };
        match self.phase() {
            Phase::Reading => 0.3 * part,
            Phase::Photos => 0.3 + 0.2 * part,
            Phase::Writing => 0.5 + 0.5 * part,
            Phase::Done => 1.0,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Req {
    /// Import a batch file; the reply comes when it is done, rejected or cancelled.
    Import {
        path: PathBuf,
        progress: Arc<Progress>,
    },
    /// Export everything not yet exported into a new folder under `out`.
    Export { out: PathBuf },
    /// The workstation's public key (created if there is none yet).
    PublicKey,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resp {
    Imported(ImportSummary),
    ImportRejected(ImportRejection),
    ImportCancelled,
    Exported(ExportSummary),
    PublicKey { hex: String, path: PathBuf },
}

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let (store, now, actor) = (call.store, call.now, call.actor);
    match req {
        Req::PublicKey => {
            store.read_checked(|tx| require_role(tx, actor, Role::can_exchange, NOT_ALLOWED))?;
            let home = keys::home(store).map_err(|e| AppError::Rejected(e.to_string()))?;
            let key = keys::load_or_create(&home).map_err(|e| AppError::Rejected(e.to_string()))?;
            Ok(Resp::PublicKey {
                hex: keys::public_hex(&key),
                path: keys::key_path(&home),
            })
        }
        Req::Import { path, progress } => {
            store.read_checked(|tx| require_role(tx, actor, Role::can_exchange, NOT_ALLOWED))?;
            let opts = ImportOptions {
                op_key: Some(call.op.to_string()),
                ..ImportOptions::default()
            };
            match import::import_file(store, now, Some(actor), &path, &progress, &opts) {
                Ok(s) => Ok(Resp::Imported(s)),
                Err(ImportError::Rejected(r)) => Ok(Resp::ImportRejected(r)),
                Err(ImportError::Cancelled) => Ok(Resp::ImportCancelled),
                Err(ImportError::Store(e)) => Err(e.into()),
                Err(e) => Err(AppError::Rejected(e.to_string())),
            }
        }
        Req::Export { out } => {
            store.read_checked(|tx| require_role(tx, actor, Role::can_exchange, NOT_ALLOWED))?;
            export::export(store, now, Some(actor), &out)
                .map(Resp::Exported)
                .map_err(|e| match e {
                    export::ExportError::Store(s) => s.into(),
                    other => AppError::Rejected(other.to_string()),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_time_remaining_follows_the_pace_so_far() {
        let p = Progress::new();
        p.set(Phase::Writing, 1, 2); // 0.5 + 0.25 = 75 % done
        assert_eq!(
            p.remaining(Duration::from_secs(1)),
            None,
            "too early to tell"
        );
        let left = p.remaining(Duration::from_secs(70)).unwrap();
        assert!((left.as_secs_f64() - 70.0 / 3.0).abs() < 0.5, "{left:?}");
        p.set(Phase::Reading, 0, 100);
        assert_eq!(
            p.remaining(Duration::from_secs(60)),
            None,
            "nothing done yet"
        );
    }
}
