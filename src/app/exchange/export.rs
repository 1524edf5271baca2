//! Exporting: everything after each stream's mark, read in one snapshot,
//! written as JSON Lines into a hidden temporary folder, synced, signed,
//! renamed into place — and only then the marks move. A failure anywhere
//! before that leaves the marks where they were, so the next export takes
//! the same rows again: nothing is lost (a receiver may see a row twice).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::keys::{self, KeyError};
use crate::app::access::audit;
use crate::app::auth::SessionClerk;
use crate::app::clock;
use crate::domain::audit::AuditAction;
use crate::domain::exchange::manifest::{
    FORMAT, FileEntry, MANIFEST_FILE, Manifest, SIGNATURE_FILE, STREAMS, hex,
};
use crate::store::{
    ExportPositions, ExportRecord, STREAM_AUDIT, STREAM_DECISIONS, STREAM_NOTICES,
    STREAM_REGISTRATIONS, Store, StoreError, StreamPos,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub folder: PathBuf,
    pub decisions: u64,
    pub registrations: u64,
    pub audit: u64,
    pub notices: u64,
    pub anchor: Option<String>,
    pub public_key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("无法写入导出目录 {path}：{source}。本次未标记为已导出，下次导出会重新包含这些数据。")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Test hooks; the defaults are what the app and CLI use.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Stop after the folder is in place but before the marks move (a crash there).
    pub fail_before_marking: bool,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One stream's file being written: bytes, hash and line count as it goes.
struct StreamFile {
    path: PathBuf,
    w: BufWriter<File>,
    hash: Sha256,
    count: u64,
    bytes: u64,
    line: Vec<u8>,
}

impl StreamFile {
    fn create(path: PathBuf) -> std::io::Result<Self> {
        let f = File::create(&path)?;
        Ok(StreamFile {
            path,
            w: BufWriter::with_capacity(1 << 20, f),
            hash: Sha256::new(),
            count: 0,
            bytes: 0,
            line: Vec::with_capacity(1024),
        })
    }

    fn push(&mut self, row: &impl Serialize) -> std::io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, row).map_err(std::io::Error::other)?;
        self.line.push(b'\n');
        self.w.write_all(&self.line)?;
        self.hash.update(&self.line);
        self.count += 1;
        self.bytes += self.line.len() as u64;
        Ok(())
    }

    /// Flushes and syncs; the entry for the manifest.
    fn finish(self, stream: &str, name: &str, pos: StreamPos) -> std::io::Result<FileEntry> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        Ok(FileEntry {
            stream: stream.to_owned(),
            name: name.to_owned(),
            count: self.count,
            bytes: self.bytes,
            sha256: hex(&self.hash.finalize()),
            after: pos.mark,
            upto: pos.head,
        })
    }
}

/// Syncs a directory's entries (a rename is durable only then). Windows
/// cannot open directories for this; NTFS journals renames itself.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    let _ = dir;
    Ok(())
}

pub fn export(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    out: &Path,
) -> Result<ExportSummary, ExportError> {
    export_with(store, now, actor, out, &ExportOptions::default())
}

pub fn export_with(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    out: &Path,
    opts: &ExportOptions,
) -> Result<ExportSummary, ExportError> {
    let started = std::time::Instant::now();
    let key = keys::load_or_create(store.path())?;
    let public_key = keys::public_hex(&key);
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let stamp = clock::to_local(now).format("%Y%m%d-%H%M%S").to_string();
    let mut name = format!("counterdesk-export-{stamp}");
    let mut n = 1;
    while out.join(&name).exists() {
        n += 1;
        name = format!("counterdesk-export-{stamp}-{n}");
    }
    let tmp = out.join(format!(".{name}.partial"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;

    // One read snapshot: the rows, the positions and the chain head agree.
    let mut io_failure: Option<ExportError> = None;
    let snapshot = store.read(|tx| {
        let pos = tx.export_positions()?;
        let anchor = tx.audit_anchor()?;
        let office = tx.settings()?.office_name;
        let mut entries = Vec::new();
        let mut fail = |e: std::io::Error, p: &Path| {
            io_failure = Some(io_err(p)(e));
            StoreError::Rejected("export write failed".into())
        };
        macro_rules! stream {
            ($stream:expr, $file:expr, $pos:expr, $method:ident) => {{
                let path = tmp.join($file);
                let mut f = match StreamFile::create(path.clone()) {
                    Ok(f) => f,
                    Err(e) => return Err(fail(e, &path)),
                };
                let mut err = None;
                tx.$method($pos.mark, $pos.head, |row| {
                    f.push(&row).map_err(|e| {
                        err = Some(e);
                        StoreError::Rejected("export write failed".into())
                    })
                })
                .or_else(|e| match err.take() {
                    Some(io) => Err(fail(io, &f.path.clone())),
                    None => Err(e),
                })?;
                match f.finish($stream, $file, $pos) {
                    Ok(entry) => entries.push(entry),
                    Err(e) => return Err(fail(e, &path)),
                }
            }};
        }
        stream!(
            STREAM_DECISIONS,
            STREAMS[0].1,
            pos.decisions,
            export_decisions
        );
        stream!(
            STREAM_REGISTRATIONS,
            STREAMS[1].1,
            pos.registrations,
            export_registrations
        );
        stream!(STREAM_AUDIT, STREAMS[2].1, pos.audit, export_audit);
        stream!(STREAM_NOTICES, STREAMS[3].1, pos.notices, export_notices);
        Ok((pos, anchor, office, entries))
    });
    let (pos, anchor, office, files) = match snapshot {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(io_failure.unwrap_or(ExportError::Store(e)));
        }
    };
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        office,
        created_at: crate::store::format_time(now),
        audit_anchor: anchor.as_ref().map(ToString::to_string),
        public_key: public_key.clone(),
        files,
    };
    let bytes = manifest.to_bytes();
    let write_signed = || -> std::io::Result<()> {
        let mut f = File::create(tmp.join(MANIFEST_FILE))?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        let mut s = File::create(tmp.join(SIGNATURE_FILE))?;
        s.write_all(format!("{}\n", keys::sign(&key, &bytes)).as_bytes())?;
        s.sync_all()?;
        sync_dir(&tmp)
    };
    if let Err(e) = write_signed() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(io_err(&tmp)(e));
    }
    let folder = out.join(&name);
    std::fs::rename(&tmp, &folder).map_err(io_err(&folder))?;
    sync_dir(out).map_err(io_err(out))?;
    if opts.fail_before_marking {
        return Err(ExportError::Io {
            path: folder,
            source: std::io::Error::other("injected failure before marking"),
        });
    }
    let summary = ExportSummary {
        folder: folder.clone(),
        decisions: manifest.count(STREAM_DECISIONS),
        registrations: manifest.count(STREAM_REGISTRATIONS),
        audit: manifest.count(STREAM_AUDIT),
        notices: manifest.count(STREAM_NOTICES),
        anchor: manifest.audit_anchor.clone(),
        public_key,
    };
    let manifest_sha = crate::domain::exchange::batch::sha256_hex(&bytes);
    store.write(|tx| {
        mark(tx, &pos)?;
        tx.record_export(
            &ExportRecord {
                folder: name.clone(),
                clerk_id: actor.map(|a| a.id),
                decisions: summary.decisions,
                registrations: summary.registrations,
                audit: summary.audit,
                notices: summary.notices,
                manifest_sha256: manifest_sha.clone(),
            },
            now,
        )?;
        audit(
            tx,
            actor,
            AuditAction::DataExported,
            "export".into(),
            format!(
                "{name}：审核决定 {} 条，面签 {} 条，审计 {} 条，通知 {} 条；清单 SHA-256 {}…",
                summary.decisions,
                summary.registrations,
                summary.audit,
                summary.notices,
                &manifest_sha[..12]
            ),
            now,
        )
    })?;
    tracing::info!(
        decisions = summary.decisions,
        registrations = summary.registrations,
        audit = summary.audit,
        notices = summary.notices,
        ms = started.elapsed().as_millis() as u64,
        "export done"
    );
    Ok(summary)
}

fn mark(tx: &crate::store::Tx<'_>, pos: &ExportPositions) -> Result<(), StoreError> {
    tx.set_export_mark(STREAM_DECISIONS, pos.decisions.head)?;
    tx.set_export_mark(STREAM_REGISTRATIONS, pos.registrations.head)?;
    tx.set_export_mark(STREAM_AUDIT, pos.audit.head)?;
    tx.set_export_mark(STREAM_NOTICES, pos.notices.head)
}
