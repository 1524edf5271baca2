//! Exporting, exactly once. Steps (each a fault-injection point, see
//! [`Step`]):
//! 1. claim: one write transaction records the export's id and target
//!    folder and claims every queued row (`export_pending`) for it;
//! 2. files: the rows are written into a hidden `.NAME.partial` folder
//!    (0700, files 0600), each synced;
//! 3. manifest: the manifest (with the export id and final folder name) is
//!    signed and synced;
//! 4. rename: the folder takes its final name, the parent is synced;
//! 5. confirm: one write transaction drops the rows from the queue, logs and
//!    audits the export.
//!
//! A crash anywhere leaves the run recorded as `writing`. The next export
//! first settles those runs: one whose folder is in place and verifies is
//! confirmed; any other is redone with the same id and the same rows, after
//! its partial folder (recorded in this database, so never another
//! workstation's) is removed and named.

use crate::domain::clerks::audit_target::AuditTarget;
use std::fs::File;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;

use crate::app::exchange::keys;
use crate::app::exchange::stream_file::StreamFile;

use crate::app::clerks::access::audit;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::exchange::keys::KeyError;
use crate::app::exchange::verify::verify_folder;
use crate::app::runtime::clock;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::exchange::manifest::{
    FOLDER_PREFIX, FORMAT, FileEntry, MANIFEST_FILE, Manifest, SIGNATURE_FILE, STREAMS, hex,
    is_partial_name, partial_name,
};
use crate::store::{
    AnchorSource, ExportRecord, ExportRun, HallLock, NewAnchor, NewExport, STREAM_AUDIT,
    STREAM_DECISIONS, STREAM_NOTICES, STREAM_REGISTRATIONS, Store, StoreError, create_private_dir,
    create_private_file, sync_dir,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub folder: PathBuf,
    pub export_id: String,
    pub decisions: u64,
    pub registrations: u64,
    pub audit: u64,
    pub notices: u64,
    pub anchor: Option<String>,
    pub public_key: String,
    /// Earlier exports settled first: confirmed as found, or redone.
    pub settled: Vec<Settled>,
    /// Unfinished `.partial` folders of this database that were removed.
    pub removed_partials: Vec<PathBuf>,
}

/// What became of an export a crash had left unconfirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Its folder was in place and verified.
    Confirmed(PathBuf),
    /// Written again, same id and rows.
    Redone(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "无法写入导出目录 {path}：{source}。这些数据仍记为未导出，下次导出时会以同一导出编号重新写出，不会重复也不会遗漏。"
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "磁盘空间不足：无法写入导出目录 {path}。这些数据仍记为未导出，请换用空间充足的 U 盘或清理空间后重新导出。"
    )]
    DiskFull { path: PathBuf },
    #[error("另一个导出正在进行（同一数据库），请等它完成后再导出。")]
    Busy,
    /// Office mode: one export at a time per office.
    #[error("另一工作站正在导出（办公室一次只进行一个导出），请等它完成后再导出。")]
    BusyInOffice,
    #[error("导出在第 {0:?} 步后被中止（故障注入）")]
    Injected(Step),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The steps of an export, in order; a fault can be injected after each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Claim,
    Files,
    Manifest,
    Rename,
    Confirm,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Claim,
        Step::Files,
        Step::Manifest,
        Step::Rename,
        Step::Confirm,
    ];

    pub fn from_name(s: &str) -> Option<Step> {
        Self::ALL
            .into_iter()
            .find(|st| format!("{st:?}").eq_ignore_ascii_case(s.trim()))
    }
}

/// Fault injection (a library hook, so integration tests and the CLI's
/// crash points in debug builds use the same points).
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Stop right after this step, as a crash would.
    pub crash_after: Option<Step>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| {
        if source.kind() == std::io::ErrorKind::StorageFull {
            ExportError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            ExportError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }
}

pub fn export(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    export_with(store, now, actor, out, &ExportOptions::default())
}

/// Holds `<db>.export-lock` (office mode: `<data dir>/office.export-lock`,
/// see [`keys::home`]) while exporting: a second export from another
/// window or the command line would take a running export for a crashed one.
/// The OS drops the lock when the process dies.
fn lock(db: &Path) -> Result<File, ExportError> {
    let mut p = db.as_os_str().to_owned();
    p.push(".export-lock");
    let p = PathBuf::from(p);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .map_err(io_err(&p))?;
    // A lock just released can read as held for a moment: a process
    // spawned elsewhere in this program shares the open file between its
    // fork and its exec. Only a lock still held after a second is another
    // export.
    for _ in 0..LOCK_TRIES - 1 {
        match f.try_lock() {
            Ok(()) => return Ok(f),
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&p)(e)),
        }
    }
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(ExportError::Busy),
        Err(std::fs::TryLockError::Error(e)) => Err(io_err(&p)(e)),
    }
}

/// Attempts, 50 ms apart, before an export lock counts as held.
const LOCK_TRIES: usize = 20;

pub fn export_with(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    out: &Path,
    opts: &ExportOptions,
) -> Result<ExportSummary, ExportError> {
    let home = keys::home(store)?;
    let _lock = lock(&home)?;
    // One export at a time per office (a no-op on a file, where the file
    // lock above is the whole story). Held by this connection's session, so
    // a workstation that dies mid-export lets it go.
    if !store.try_hall_lock(HallLock::Export)? {
        return Err(ExportError::BusyInOffice);
    }
    let result = export_locked(store, now, actor, out, opts, &home);
    if let Err(e) = store.release_hall_lock(HallLock::Export) {
        tracing::warn!(
            title = e.title(),
            "office export lock not released; it ends with the connection"
        );
    }
    result
}

fn export_locked(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    out: &Path,
    opts: &ExportOptions,
    home: &Path,
) -> Result<ExportSummary, ExportError> {
    let started = std::time::Instant::now();
    let key = keys::load_or_create(home)?;
    let public_key = keys::public_hex(&key);
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let mut ctx = Ctx {
        key: &key,
        public_key: &public_key,
        now,
        actor,
        opts,
        removed: Vec::new(),
    };
    ctx.clear_leftovers(store)?;
    let mut settled = Vec::new();
    // On the office server, only this workstation's runs: another's folder
    // is on its own PC (its out_dir means nothing here).
    let mine = store.file().is_none().then_some(public_key.as_str());
    for run in store.read(|tx| tx.unfinished_exports(mine))? {
        settled.push(ctx.settle(store, out, &run)?);
    }
    let name = free_name(out, now);
    let export_id = new_export_id();
    let run = store.write(|tx| {
        let begun = NewExport {
            export_id: &export_id,
            out_dir: &out.to_string_lossy(),
            folder: &name,
            clerk_id: actor.map(|a| a.id),
            signer: &public_key,
        };
        let id = tx.begin_export(&begun, now)?;
        Ok(ExportRun {
            id,
            export_id: export_id.clone(),
            out_dir: out.to_string_lossy().into_owned(),
            folder: name.clone(),
        })
    })?;
    ctx.fault(Step::Claim)?;
    let mut summary = ctx.write_run(store, out, &run)?;
    summary.settled = settled;
    summary.removed_partials = ctx.removed;
    tracing::info!(
        decisions = summary.decisions,
        registrations = summary.registrations,
        audit = summary.audit,
        notices = summary.notices,
        settled = summary.settled.len(),
        ms = started.elapsed().as_millis() as u64,
        "export done"
    );
    Ok(summary)
}

fn new_export_id() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    hex(&b)
}

/// `counterdesk-export-YYYYMMDD-HHMMSS`, with `-2`, `-3` … if taken.
fn free_name(out: &Path, now: DateTime<Utc>) -> String {
    let stamp = clock::to_local(now).format("%Y%m%d-%H%M%S").to_string();
    let mut name = format!("{FOLDER_PREFIX}{stamp}");
    let mut n = 1;
    while out.join(&name).exists() || out.join(partial_name(&name)).exists() {
        n += 1;
        name = format!("{FOLDER_PREFIX}{stamp}-{n}");
    }
    name
}

struct Ctx<'a> {
    key: &'a SigningKey,
    public_key: &'a str,
    now: DateTime<Utc>,
    actor: Option<&'a SessionClerk>,
    opts: &'a ExportOptions,
    removed: Vec<PathBuf>,
}

impl Ctx<'_> {
    fn fault(&self, step: Step) -> Result<(), ExportError> {
        if self.opts.crash_after == Some(step) {
            return Err(ExportError::Injected(step));
        }
        fault_injection::maybe_abort(step);
        Ok(())
    }

    /// Removes (and names) the partial folders of earlier interrupted
    /// exports that were out of reach when those were redone, now that they
    /// can be reached again. Only `.counterdesk-export-….partial` folders
    /// this database recorded are ever removed; one that cannot be removed
    /// stays recorded (a read-only stick) and does not stop the export.
    fn clear_leftovers(&mut self, store: &mut Store) -> Result<(), ExportError> {
        for l in store.read(|tx| tx.export_leftovers())? {
            let p = PathBuf::from(&l.path);
            let partial = p
                .file_name()
                .is_some_and(|n| is_partial_name(&n.to_string_lossy()));
            let here = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir());
            if !partial {
                store.write(|tx| tx.forget_leftover(l.id, self.now))?;
            } else if here {
                match std::fs::remove_dir_all(&p) {
                    Ok(()) => {
                        store.write(|tx| tx.forget_leftover(l.id, self.now))?;
                        self.removed.push(p);
                    }
                    Err(e) => tracing::warn!(error = %e, "leftover export folder not removed"),
                }
            }
        }
        Ok(())
    }

    /// Finishes an export a crash left `writing`.
    fn settle(
        &mut self,
        store: &mut Store,
        out: &Path,
        run: &ExportRun,
    ) -> Result<Settled, ExportError> {
        let old_dir = PathBuf::from(&run.out_dir);
        let folder = old_dir.join(&run.folder);
        if folder.is_dir() {
            let r = verify_folder(&folder, Some(self.public_key));
            let intact = r.intact;
            let ours = r
                .manifest
                .filter(|m| intact && m.export_id.as_deref() == Some(run.export_id.as_str()));
            if let Some(m) = ours {
                let bytes = std::fs::read(folder.join(MANIFEST_FILE)).map_err(io_err(&folder))?;
                self.confirm(store, run, &m, &bytes)?;
                return Ok(Settled::Confirmed(folder));
            }
        }
        let partial = old_dir.join(partial_name(&run.folder));
        let reached = partial.is_dir();
        if reached {
            std::fs::remove_dir_all(&partial).map_err(io_err(&partial))?;
            self.removed.push(partial.clone());
        }
        // Redo into today's folder: a name of its own, recorded before writing.
        let name = free_name(out, self.now);
        let redo = ExportRun {
            id: run.id,
            export_id: run.export_id.clone(),
            out_dir: out.to_string_lossy().into_owned(),
            folder: name,
        };
        // A partial not found may be on a stick that is not plugged in: the
        // run will name the new folder, so the old one is remembered apart.
        let unreached = (!reached && partial != out.join(partial_name(&redo.folder)))
            .then(|| partial.to_string_lossy().into_owned());
        store.write(|tx| {
            if let Some(p) = &unreached {
                tx.record_leftover(run.id, p, self.now)?;
            }
            tx.retarget_export(redo.id, &redo.out_dir, &redo.folder)
        })?;
        let s = self.write_run(store, out, &redo)?;
        Ok(Settled::Redone(s.folder))
    }

    /// Steps 2–5 for a claimed run.
    fn write_run(
        &mut self,
        store: &mut Store,
        out: &Path,
        run: &ExportRun,
    ) -> Result<ExportSummary, ExportError> {
        let tmp = out.join(partial_name(&run.folder));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
        }
        create_private_dir(&tmp).map_err(io_err(&tmp))?;
        let (files, anchor, office) = match write_files(store, &tmp, run.id) {
            Ok(x) => x,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        };
        self.fault(Step::Files)?;
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            office,
            created_at: crate::store::format_time(self.now),
            audit_anchor: anchor.as_ref().map(ToString::to_string),
            public_key: self.public_key.to_owned(),
            files,
            export_id: Some(run.export_id.clone()),
            folder: Some(run.folder.clone()),
        };
        let bytes = manifest.to_bytes();
        let write_signed = || -> std::io::Result<()> {
            let mut f = create_private_file(&tmp.join(MANIFEST_FILE))?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            let mut s = create_private_file(&tmp.join(SIGNATURE_FILE))?;
            s.write_all(format!("{}\n", keys::sign(self.key, &bytes)).as_bytes())?;
            s.sync_all()?;
            sync_dir(&tmp)
        };
        if let Err(e) = write_signed() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(io_err(&tmp)(e));
        }
        self.fault(Step::Manifest)?;
        let folder = out.join(&run.folder);
        std::fs::rename(&tmp, &folder).map_err(io_err(&folder))?;
        sync_dir(out).map_err(io_err(out))?;
        self.fault(Step::Rename)?;
        let summary = self.confirm(store, run, &manifest, &bytes)?;
        self.fault(Step::Confirm)?;
        Ok(ExportSummary { folder, ..summary })
    }

    /// Step 5: the rows leave the queue; logged, audited, anchor recorded.
    fn confirm(
        &self,
        store: &mut Store,
        run: &ExportRun,
        manifest: &Manifest,
        bytes: &[u8],
    ) -> Result<ExportSummary, ExportError> {
        let manifest_sha = crate::domain::digest::sha256_hex(bytes);
        let record = ExportRecord {
            decisions: manifest.count(STREAM_DECISIONS),
            registrations: manifest.count(STREAM_REGISTRATIONS),
            audit: manifest.count(STREAM_AUDIT),
            notices: manifest.count(STREAM_NOTICES),
            manifest_sha256: manifest_sha.clone(),
        };
        let name = &run.folder;
        store.write(|tx| {
            tx.finish_export(run.id, &record, self.now)?;
            if let Some(a) = manifest
                .audit_anchor
                .as_deref()
                .and_then(|t| crate::domain::clerks::anchor::Anchor::find_all(t.as_bytes()).pop())
            {
                tx.record_anchor(&NewAnchor::new(&a, AnchorSource::Export, name), self.now)?;
            }
            audit(
                tx,
                self.actor,
                AuditAction::DataExported,
                AuditTarget::Export,
                format!(
                    "{name}（导出编号 {}）：审核决定 {} 条，面签 {} 条，审计 {} 条，通知 {} 条；清单 SHA-256 {}…",
                    &run.export_id[..run.export_id.len().min(12)],
                    record.decisions,
                    record.registrations,
                    record.audit,
                    record.notices,
                    &manifest_sha[..12]
                ),
                self.now,
            )
        })?;
        Ok(ExportSummary {
            folder: PathBuf::from(&run.out_dir).join(name),
            export_id: run.export_id.clone(),
            decisions: record.decisions,
            registrations: record.registrations,
            audit: record.audit,
            notices: record.notices,
            anchor: manifest.audit_anchor.clone(),
            public_key: self.public_key.to_owned(),
            settled: Vec::new(),
            removed_partials: Vec::new(),
        })
    }
}

type Written = (
    Vec<FileEntry>,
    Option<crate::domain::clerks::anchor::Anchor>,
    String,
);

/// Step 2: the run's rows, read in one snapshot, into the partial folder.
fn write_files(store: &mut Store, tmp: &Path, run: i64) -> Result<Written, ExportError> {
    store.read_checked(|tx| -> Result<_, ExportError> {
        let office = tx.settings()?.office_name;
        let mut entries = Vec::new();
        let fail = |e: std::io::Error, p: &Path| io_err(p)(e);
        macro_rules! stream {
            ($stream:expr, $file:expr, $method:ident) => {{
                let path = tmp.join($file);
                let range = tx.run_stream(run, $stream)?;
                let mut f = match StreamFile::create(&path) {
                    Ok(f) => f,
                    Err(e) => return Err(fail(e, &path)),
                };
                let mut err = None;
                tx.$method(run, &mut |row| match f.push(&row) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(e) => {
                        err = Some(e);
                        ControlFlow::Break(())
                    }
                })?;
                if let Some(e) = err.take() {
                    return Err(fail(e, &path));
                }
                match f.finish($stream, $file, range.first, range.last) {
                    Ok(entry) => entries.push(entry),
                    Err(e) => return Err(fail(e, &path)),
                }
                range
            }};
        }
        stream!(STREAM_DECISIONS, STREAMS[0].1, export_decisions);
        stream!(STREAM_REGISTRATIONS, STREAMS[1].1, export_registrations);
        let audit = stream!(STREAM_AUDIT, STREAMS[2].1, export_audit);
        stream!(STREAM_NOTICES, STREAMS[3].1, export_notices);
        // The chain head as of the newest audit row carried, or the current
        // head when the export carries none.
        let anchor = if audit.count > 0 {
            tx.anchor_at(audit.last)?
        } else {
            tx.audit_anchor()?
        };
        Ok((entries, anchor, office))
    })
}

/// The CLI's crash points: in a debug build (what `cargo test` runs) the
/// process aborts (no unwinding, no cleanup, as a kill) right after the step
/// named in `COUNTERDESK_CRASH_AFTER` (claim, files, manifest, rename,
/// confirm). Release builds, the ones installed at counters, have none: one
/// build for the tests instead of a second one with a feature.
#[cfg(debug_assertions)]
mod fault_injection {
    pub fn maybe_abort(step: super::Step) {
        let wanted = std::env::var("COUNTERDESK_CRASH_AFTER")
            .ok()
            .and_then(|s| super::Step::from_name(&s));
        if wanted == Some(step) {
            eprintln!("fault injection: abort after {step:?}");
            std::process::abort();
        }
    }
}

#[cfg(not(debug_assertions))]
mod fault_injection {
    pub fn maybe_abort(_step: super::Step) {}
}
