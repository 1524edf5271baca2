//! Importing a batch: read and check every line first (nothing touches the
//! database), then load the photos, then write everything in one IMMEDIATE
//! transaction, checking the cancel flag between chunks. A rejected,
//! cancelled, failed or killed import leaves the database as it was: the
//! transaction never commits, and SQLite's WAL drops what it wrote.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Phase, Progress};
use crate::app::access::audit;
use crate::app::auth::SessionClerk;
use crate::app::demo_queue::{PhotoIntake, photo_intake};
use crate::domain::audit::AuditAction;
use crate::domain::exchange::batch::{
    CheckedLine, MAX_PHOTO_BYTES, Problems, parse_line, photo_mime, sha256_hex,
};
use crate::domain::exchange::limits;
use crate::domain::review::queue::{cst_date, due_for};
use crate::store::{ImportRecord, NewApplication, Store, StoreError};

/// What a finished import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub file_name: String,
    pub lines: u64,
    pub imported: u64,
    /// Application numbers already in the database.
    pub skipped: u64,
    /// Photos stored (new to the database).
    pub photos: u64,
}

/// A batch refused as a whole: nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRejection {
    pub file_name: String,
    pub lines: u64,
    pub problems: Problems,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("批次有 {} 处问题，未导入任何申请", .0.problems.total)]
    Rejected(ImportRejection),
    #[error("导入已取消，数据库未作任何修改")]
    Cancelled,
    #[error("无法读取批次文件 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Test hooks; the defaults are what the app and CLI use.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Fail (as a full disk would) after this many chunks have been written.
    pub fail_after_chunks: Option<usize>,
}

/// A photo the batch needs: its bytes (from the line or a file beside the
/// batch) or the id of the same photo already stored.
enum PhotoData {
    Bytes(Vec<u8>),
    Stored(i64),
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Imports the batch at `path` (see docs/exchange.md for the format).
pub fn import_file(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    path: &Path,
    progress: &Progress,
    opts: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
    let started = std::time::Instant::now();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let today = cst_date(now);
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.set(Phase::Reading, 0, size);
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    let mut problems = Problems::default();
    let mut lines: Vec<(u64, CheckedLine)> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut embedded: HashMap<String, Vec<u8>> = HashMap::new();
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut read: u64 = 0;
    let mut line_no: u64 = 0;
    loop {
        buf.clear();
        let n = (&mut reader)
            .take(limits::MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf);
        read += n as u64;
        line_no += 1;
        if buf.len() > limits::MAX_LINE_BYTES {
            problems.push(line_no, "该行过长（超过 12 MB）");
            // Skip the rest of the over-long line.
            let mut rest = Vec::new();
            let skipped = reader.read_until(b'\n', &mut rest).map_err(io_err(path))?;
            hasher.update(&rest);
            read += skipped as u64;
            continue;
        }
        if line_no.is_multiple_of(1024) {
            progress.advance(read);
            if progress.cancelled() {
                return Err(ImportError::Cancelled);
            }
        }
        let mut text: &[u8] = &buf;
        if line_no == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        let text = text.trim_ascii();
        if text.is_empty() {
            continue;
        }
        match parse_line(text, today) {
            Ok(mut l) => {
                // Keep one copy of each embedded photo, not one per line.
                let refs = l.photo.as_mut().map(|(p, _)| p).into_iter();
                for p in refs.chain(l.previous_photo.as_mut()) {
                    if let Some(b) = p.embedded.take() {
                        embedded.entry(p.sha256.clone()).or_insert(b);
                    }
                }
                if let Some(first) = seen.get(&l.app_no) {
                    problems.push(line_no, format!("受理号 {} 与第 {first} 行重复", l.app_no));
                } else {
                    seen.insert(l.app_no.clone(), line_no);
                    lines.push((line_no, l));
                }
            }
            Err(errs) => {
                for e in errs {
                    problems.push(line_no, e);
                }
            }
        }
    }
    drop(seen);
    let read_ms = started.elapsed().as_millis() as u64;
    progress.set(Phase::Photos, 0, 0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let photos = gather_photos(store, dir, &lines, embedded, &mut problems, today)?;
    if lines.is_empty() && problems.is_empty() {
        problems.push(1, "批次中没有申请");
    }
    if !problems.is_empty() {
        let rejection = ImportRejection {
            file_name: file_name.clone(),
            lines: line_no,
            problems,
        };
        // The refusal is audited; the batch itself changed nothing.
        let detail = format!(
            "文件 {file_name}：{} 行，{} 处问题，未导入",
            line_no, rejection.problems.total
        );
        store.write(|tx| {
            audit(
                tx,
                actor,
                AuditAction::BatchRejected,
                "batch".into(),
                detail,
                now,
            )
        })?;
        tracing::info!(
            lines = line_no,
            problems = rejection.problems.total,
            "import rejected"
        );
        return Err(ImportError::Rejected(rejection));
    }
    // In due order: the queue indexes then grow at their end instead of
    // splitting pages all over (ids follow due times, as for live intake).
    lines.sort_by(|a, b| (a.1.submitted_at, &a.1.app_no).cmp(&(b.1.submitted_at, &b.1.app_no)));
    let total = lines.len() as u64;
    let checked_ms = started.elapsed().as_millis() as u64;
    progress.set(Phase::Writing, 0, total);
    let file_sha = hex(&hasher.finalize());
    store.tune_for_bulk()?;
    let cancelled = std::cell::Cell::new(false);
    let result = store.write(|tx| {
        let mut blob_ids: HashMap<&str, i64> = HashMap::new();
        let mut new_photos = 0u64;
        for (sha, (data, _)) in &photos {
            let id = match data {
                PhotoData::Stored(id) => *id,
                PhotoData::Bytes(b) => match tx.blob_id(sha)? {
                    Some(id) => id,
                    None => {
                        new_photos += 1;
                        tx.put_blob(b, photo_mime(b).unwrap_or("image/jpeg"), now)?
                    }
                },
            };
            blob_ids.insert(sha.as_str(), id);
        }
        let mut imported = 0u64;
        let mut skipped = 0u64;
        let first_id = tx.max_application_id()? + 1;
        let trigger = tx.suspend_count_trigger()?;
        for (i, chunk) in lines.chunks(limits::IMPORT_CHUNK).enumerate() {
            if progress.cancelled() {
                cancelled.set(true);
                return Err(StoreError::Rejected("cancelled".into()));
            }
            if opts.fail_after_chunks == Some(i) {
                return Err(StoreError::Rejected(
                    "injected failure between chunks".into(),
                ));
            }
            for (_, l) in chunk {
                if tx.application_exists(&l.app_no)? {
                    skipped += 1;
                    continue;
                }
                tx.insert_application(&to_new(l, &photos, &blob_ids))?;
                imported += 1;
            }
            progress.advance(imported + skipped);
        }
        if let Some(sql) = &trigger {
            tx.resume_count_trigger(sql, first_id)?;
        }
        tx.record_import(
            &ImportRecord {
                file_name: file_name.clone(),
                file_sha256: file_sha.clone(),
                lines: line_no,
                imported,
                skipped,
                clerk_id: actor.map(|a| a.id),
            },
            now,
        )?;
        audit(
            tx,
            actor,
            AuditAction::BatchImported,
            "batch".into(),
            format!(
                "文件 {file_name}（SHA-256 {}…）：导入 {imported} 件，已存在跳过 {skipped} 件",
                &file_sha[..12]
            ),
            now,
        )?;
        Ok(ImportSummary {
            file_name: file_name.clone(),
            lines: line_no,
            imported,
            skipped,
            photos: new_photos,
        })
    });
    let _ = store.end_bulk();
    if cancelled.get() {
        return Err(ImportError::Cancelled);
    }
    let summary = result?;
    progress.set(Phase::Done, total, total);
    tracing::info!(
        lines = summary.lines,
        imported = summary.imported,
        skipped = summary.skipped,
        read_ms,
        checked_ms,
        ms = started.elapsed().as_millis() as u64,
        "import done"
    );
    Ok(summary)
}

fn hex(b: &[u8]) -> String {
    crate::domain::exchange::manifest::hex(b)
}

/// Every photo the lines refer to: embedded, a file beside the batch, or
/// already in the database. Each new photo is checked once (intake check);
/// a missing, mismatched or unreadable photo is a problem on every line using it.
fn gather_photos(
    store: &mut Store,
    dir: &Path,
    lines: &[(u64, CheckedLine)],
    embedded: HashMap<String, Vec<u8>>,
    problems: &mut Problems,
    today: chrono::NaiveDate,
) -> Result<HashMap<String, (PhotoData, Option<PhotoIntake>)>, ImportError> {
    // sha → (lines using it, whether the intake check is needed)
    let mut wanted: HashMap<String, (Vec<u64>, bool)> = HashMap::new();
    let mut out: HashMap<String, (PhotoData, Option<PhotoIntake>)> = embedded
        .into_iter()
        .map(|(sha, b)| (sha, (PhotoData::Bytes(b), None)))
        .collect();
    for (no, l) in lines {
        let refs = l
            .photo
            .as_ref()
            .map(|(p, _)| (p, true))
            .into_iter()
            .chain(l.previous_photo.as_ref().map(|p| (p, false)));
        for (p, main) in refs {
            let e = wanted.entry(p.sha256.clone()).or_default();
            if e.0.len() < limits::MAX_PROBLEMS {
                e.0.push(*no);
            }
            e.1 |= main;
        }
    }
    let mut keys: Vec<&String> = wanted.keys().collect();
    keys.sort();
    let mut to_check: Vec<(String, Vec<u8>)> = Vec::new();
    for sha in keys {
        let (used_by, main) = &wanted[sha];
        if !out.contains_key(sha) {
            match read_beside(dir, sha) {
                Ok(Some(bytes)) => {
                    out.insert(sha.clone(), (PhotoData::Bytes(bytes), None));
                }
                Ok(None) => match store.read(|tx| tx.blob_id(sha))? {
                    Some(id) => {
                        out.insert(sha.clone(), (PhotoData::Stored(id), None));
                    }
                    None => {
                        for no in used_by {
                            problems.push(
                                *no,
                                format!(
                                    "照片 {}… 既未嵌入，也不在批次文件旁（{sha}.jpg），数据库中也没有",
                                    &sha[..12]
                                ),
                            );
                        }
                        continue;
                    }
                },
                Err(msg) => {
                    for no in used_by {
                        problems.push(*no, msg.clone());
                    }
                    continue;
                }
            }
        }
        if !main {
            continue;
        }
        // The intake photo check, once per photo, as the 12123 intake would.
        let bytes = match &out[sha].0 {
            PhotoData::Bytes(b) => b.clone(),
            PhotoData::Stored(id) => match store.read(|tx| tx.blob(*id))? {
                Some(b) => b.bytes,
                None => continue,
            },
        };
        to_check.push((sha.clone(), bytes));
    }
    // Face detection dominates: check the photos on every core.
    for (sha, result) in check_all(to_check, today) {
        match result {
            Ok(intake) => {
                if let Some(slot) = out.get_mut(&sha) {
                    slot.1 = Some(intake);
                }
            }
            Err(e) => {
                for no in &wanted[&sha].0 {
                    problems.push(*no, format!("照片 {}… 无法读取：{e}", &sha[..12]));
                }
            }
        }
    }
    Ok(out)
}

/// Runs the intake check on each photo, spread over the available cores.
fn check_all(
    photos: Vec<(String, Vec<u8>)>,
    today: chrono::NaiveDate,
) -> Vec<(String, Result<PhotoIntake, String>)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let per = photos.len().div_ceil(threads).max(1);
    let check = |(sha, bytes): &(String, Vec<u8>)| {
        let r = crate::photo::check_bytes(bytes, today)
            .map(|a| photo_intake(&a.report))
            .map_err(|e| e.to_string());
        (sha.clone(), r)
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = photos
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// `<sha>.jpg`, `.jpeg`, `.png` or no extension, beside the batch; checked
/// against its name. `Ok(None)`: no such file.
fn read_beside(dir: &Path, sha: &str) -> Result<Option<Vec<u8>>, String> {
    for ext in ["jpg", "jpeg", "png", ""] {
        let name = if ext.is_empty() {
            sha.to_owned()
        } else {
            format!("{sha}.{ext}")
        };
        let p = dir.join(&name);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(_) => continue,
        };
        if !meta.is_file() || meta.len() == 0 || meta.len() > MAX_PHOTO_BYTES as u64 {
            return Err(format!("照片文件 {name} 不是 1 字节至 8 MB 的普通文件"));
        }
        let bytes = std::fs::read(&p).map_err(|e| format!("照片文件 {name} 无法读取：{e}"))?;
        if sha256_hex(&bytes) != sha {
            return Err(format!(
                "照片文件 {name} 的内容与文件名中的 SHA-256 不符（已损坏或被改动）"
            ));
        }
        if photo_mime(&bytes).is_none() {
            return Err(format!("照片文件 {name} 不是 JPEG 或 PNG 图片"));
        }
        return Ok(Some(bytes));
    }
    Ok(None)
}

fn to_new(
    l: &CheckedLine,
    photos: &HashMap<String, (PhotoData, Option<PhotoIntake>)>,
    blob_ids: &HashMap<&str, i64>,
) -> NewApplication {
    let due = due_for(l.submitted_at);
    let intake = l
        .photo
        .as_ref()
        .and_then(|(p, _)| photos.get(&p.sha256))
        .and_then(|(_, i)| i.clone());
    let lic = l.licence.as_ref();
    NewApplication {
        app_no: l.app_no.clone(),
        kind: l.kind,
        doc_no: l.doc_no.clone(),
        name: l.name.clone(),
        mobile: l.mobile.clone(),
        licence_no: lic.map(|x| x.number.clone()).unwrap_or_default(),
        classes: lic.map(|x| x.classes.clone()).unwrap_or_default(),
        licence_status: lic.map(|x| x.status.clone()).unwrap_or_default(),
        valid_from: lic.and_then(|x| x.valid_from),
        valid_until: lic.and_then(|x| x.valid_until),
        authority: lic.map(|x| x.authority.clone()).unwrap_or_default(),
        photo_blob: l
            .photo
            .as_ref()
            .and_then(|(p, _)| blob_ids.get(p.sha256.as_str()).copied()),
        photo_source: l.photo.as_ref().map(|(_, s)| *s),
        last_photo_change: l.last_photo_change,
        previous_photo_blob: l
            .previous_photo
            .as_ref()
            .and_then(|p| blob_ids.get(p.sha256.as_str()).copied()),
        issued: l.issued.clone(),
        photo_verdict: intake.as_ref().map(|i| i.verdict.clone()),
        photo_failed: intake
            .as_ref()
            .map(|i| i.failed.clone())
            .unwrap_or_default(),
        photo_summary: intake.map(|i| i.summary).unwrap_or_default(),
        submitted_at: l.submitted_at,
        due_at: due.at,
        due_day: due.day,
        created_by: None,
    }
}
