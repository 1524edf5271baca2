//! Importing a batch: read and check every line first (nothing touches the
//! database), then decode and check each distinct photo once, then write
//! everything in one IMMEDIATE transaction, checking the cancel flag between
//! chunks. A rejected, cancelled, failed or killed import leaves the
//! application data as it was: the transaction never commits, and SQLite's
//! WAL drops what it wrote. Memory stays bounded for any input: lines and
//! the batch are capped, and photos are loaded one at a time.

use crate::domain::clerks::audit_target::AuditTarget;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::Digest;

use crate::app::exchange::batch_file::Line;

use crate::app::exchange::batch_file::LineReader;

use crate::app::exchange::batch_file::find_beside;

use crate::app::clerks::access::audit;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::exchange::Phase;
use crate::app::exchange::Progress;
use crate::app::exchange::batch_file::open_regular;
use crate::app::exchange::photos;
use crate::app::exchange::photos::CheckHooks;
use crate::app::exchange::photos::Photo;
use crate::app::exchange::photos::Source;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::exchange::batch::{CheckedLine, parse_line};
use crate::domain::exchange::batch_photo::photo_mime;
use crate::domain::exchange::limits;
use crate::domain::exchange::problems::Problems;
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

/// A batch refused as a whole: no application was written (the refusal
/// itself is audited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRejection {
    pub file_name: String,
    pub lines: u64,
    pub problems: Problems,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("批次有 {} 处问题，未导入任何申请（本次尝试已记入审计日志）", .0.problems.total)]
    Rejected(ImportRejection),
    #[error("导入已取消，数据库未作任何修改")]
    Cancelled,
    #[error("无法读取批次文件 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A photo checked a moment ago could no longer be read (moved, changed).
    #[error("{0}")]
    PhotoUnreadable(String),
    #[error("照片检测线程意外中止，批次未导入，申请数据未作任何修改。请把批次文件交信息科检查")]
    PhotoThread,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Test hooks; the defaults are what the app and CLI use.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Fail (as a full disk would) after this many chunks have been written.
    pub fail_after_chunks: Option<usize>,
    /// Panic inside a photo thread.
    pub panic_in_photo_check: bool,
    /// The request's client-generated key: a retry after a lost connection
    /// whose first attempt committed answers with that import's numbers.
    pub op_key: Option<String>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The lines that passed, the batch's photos, and what the reading found.
struct Read {
    lines: Vec<(u64, CheckedLine)>,
    photos: HashMap<String, Photo>,
    problems: Problems,
    line_no: u64,
    file_sha: String,
}

fn read_lines(
    path: &Path,
    today: chrono::NaiveDate,
    progress: &Progress,
) -> Result<Read, ImportError> {
    let file = open_regular(path).map_err(io_err(path))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.set(Phase::Reading, 0, size);
    let mut reader = LineReader::new(file);
    let mut problems = Problems::default();
    let mut lines: Vec<(u64, CheckedLine)> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut photos: HashMap<String, Photo> = HashMap::new();
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line_no: u64 = 0;
    let mut applications: u64 = 0;
    let too_big = size > limits::MAX_BATCH_BYTES;
    if too_big {
        problems.push(
            1,
            format!(
                "批次文件 {size} 字节，超过上限 {} GB：请分成几个批次",
                limits::MAX_BATCH_BYTES >> 30
            ),
        );
    }
    loop {
        if too_big {
            break;
        }
        let span = match reader.next_line(&mut buf).map_err(io_err(path))? {
            Line::End => break,
            Line::TooLong(_) => {
                line_no += 1;
                problems.push(
                    line_no,
                    format!(
                        "该行过长（超过 {} 字节，即最大照片的 base64 加 64 KB），已跳过",
                        limits::MAX_LINE_BYTES
                    ),
                );
                continue;
            }
            Line::Text(span) => span,
        };
        line_no += 1;
        if reader.over_size() {
            problems.push_first(
                line_no,
                format!("批次文件超过上限 {} GB", limits::MAX_BATCH_BYTES >> 30),
            );
            break;
        }
        if line_no.is_multiple_of(1024) {
            progress.advance(reader.read);
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
        applications += 1;
        if applications > limits::MAX_BATCH_LINES {
            problems.push_first(
                line_no,
                format!(
                    "批次超过 {} 件申请的上限：请分成几个批次",
                    limits::MAX_BATCH_LINES
                ),
            );
            break;
        }
        match parse_line(text, today) {
            Ok(mut l) => {
                let main = l.photo.as_mut().map(|(p, _)| (p, true)).into_iter();
                for (p, is_main) in main.chain(l.previous_photo.as_mut().map(|p| (p, false))) {
                    // The bytes are dropped here and read again when needed.
                    let carried = p.embedded.take().is_some();
                    let e = photos.entry(p.sha256.clone()).or_insert_with(|| Photo {
                        source: Source::Pending,
                        main: false,
                        lines: Vec::new(),
                        intake: None,
                    });
                    if carried && !matches!(e.source, Source::Embedded(_)) {
                        e.source = Source::Embedded(span);
                    }
                    e.main |= is_main;
                    if e.lines.len() < limits::MAX_PROBLEMS {
                        e.lines.push(line_no);
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
    Ok(Read {
        lines,
        photos,
        problems,
        line_no,
        file_sha: hex(&reader.hasher.finalize()),
    })
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
    let Read {
        mut lines,
        mut photos,
        mut problems,
        line_no,
        file_sha,
    } = read_lines(path, today, progress)?;
    let read_ms = started.elapsed().as_millis() as u64;
    let dir = path.parent().unwrap_or(Path::new("."));
    locate_photos(store, dir, &mut photos, &mut problems)?;
    let bad = photos::check_all(
        store,
        path,
        &mut photos,
        today,
        progress,
        CheckHooks {
            panic: opts.panic_in_photo_check,
        },
    )
    .map_err(|_| ImportError::PhotoThread)?;
    if progress.cancelled() {
        return Err(ImportError::Cancelled);
    }
    let mut bad: Vec<(String, String)> = bad.into_iter().collect();
    bad.sort();
    for (sha, msg) in bad {
        for no in photos.get(&sha).map(|p| p.lines.as_slice()).unwrap_or(&[]) {
            problems.push(*no, msg.clone());
        }
    }
    let photos_ms = started.elapsed().as_millis() as u64;
    if lines.is_empty() && problems.is_empty() {
        problems.push(1, "批次中没有申请");
    }
    if !problems.is_empty() {
        return Err(reject(store, now, actor, file_name, line_no, problems));
    }
    // In due order: the queue indexes then grow at their end instead of
    // splitting pages all over (ids follow due times, as for live intake).
    lines.sort_by(|a, b| (a.1.submitted_at, &a.1.app_no).cmp(&(b.1.submitted_at, &b.1.app_no)));
    let total = lines.len() as u64;
    progress.set(Phase::Writing, 0, total);
    store.tune_for_bulk()?;
    let result = store.write_checked(|tx| -> Result<_, ImportError> {
        if let Some(key) = &opts.op_key
            && let Some(done) = tx.import_by_op(key)?
        {
            return Ok(ImportSummary {
                file_name: done.file_name,
                lines: done.lines,
                imported: done.imported,
                skipped: done.skipped,
                photos: done.photos,
            });
        }
        let mut blob_ids: HashMap<&str, i64> = HashMap::new();
        let mut new_photos = 0u64;
        let mut shas: Vec<&String> = photos.keys().collect();
        shas.sort();
        for sha in shas {
            let id = match (&photos[sha].source, tx.blob_id(sha)?) {
                (Source::Stored(id), _) => *id,
                (_, Some(id)) => id,
                (source, None) => {
                    let b = photos::load_unstored(path, sha, source)
                        .map_err(ImportError::PhotoUnreadable)?;
                    new_photos += 1;
                    tx.put_blob(&b, photo_mime(&b).unwrap_or("image/jpeg"), now)?
                }
            };
            blob_ids.insert(sha.as_str(), id);
        }
        let mut imported = 0u64;
        let mut skipped = 0u64;
        let first_id = tx.max_application_id()? + 1;
        let bulk = tx.begin_bulk_insert()?;
        for (i, chunk) in lines.chunks(limits::IMPORT_CHUNK).enumerate() {
            if progress.cancelled() {
                return Err(ImportError::Cancelled);
            }
            if opts.fail_after_chunks == Some(i) {
                // As a disk that fills between chunks.
                return Err(ImportError::Store(StoreError::DiskFull {
                    path: path.to_path_buf(),
                    detail: "injected failure between chunks".into(),
                }));
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
        tx.end_bulk_insert(bulk, first_id)?;
        tx.record_import(
            &ImportRecord {
                file_name: file_name.clone(),
                file_sha256: file_sha.clone(),
                lines: line_no,
                imported,
                skipped,
                clerk_id: actor.map(|a| a.id),
                photos: new_photos,
                op_key: opts.op_key.clone(),
            },
            now,
        )?;
        audit(
            tx,
            actor,
            AuditAction::BatchImported,
            AuditTarget::Batch,
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
    let summary = result?;
    progress.set(Phase::Done, total, total);
    tracing::info!(
        lines = summary.lines,
        imported = summary.imported,
        skipped = summary.skipped,
        photos = photos.len(),
        read_ms,
        photos_ms,
        ms = started.elapsed().as_millis() as u64,
        "import done"
    );
    Ok(summary)
}

/// Audits the refusal (who tried what matters) and builds the error.
fn reject(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    file_name: String,
    line_no: u64,
    problems: Problems,
) -> ImportError {
    let detail = format!(
        "文件 {file_name}：{line_no} 行，{} 处问题，未导入",
        problems.total
    );
    let written = store.write(|tx| {
        audit(
            tx,
            actor,
            AuditAction::BatchRejected,
            AuditTarget::Batch,
            detail,
            now,
        )
    });
    if let Err(e) = written {
        return e.into();
    }
    tracing::info!(
        lines = line_no,
        problems = problems.total,
        "import rejected"
    );
    ImportError::Rejected(ImportRejection {
        file_name,
        lines: line_no,
        problems,
    })
}

fn hex(b: &[u8]) -> String {
    crate::domain::exchange::manifest::hex(b)
}

/// Finds every photo no line embeds: beside the batch, else in the
/// database; a missing one, or a link out of the folder, is a problem on
/// every line using it.
fn locate_photos(
    store: &mut Store,
    dir: &Path,
    photos: &mut HashMap<String, Photo>,
    problems: &mut Problems,
) -> Result<(), ImportError> {
    let mut shas: Vec<String> = photos
        .iter()
        .filter(|(_, p)| matches!(p.source, Source::Pending))
        .map(|(s, _)| s.clone())
        .collect();
    shas.sort();
    for sha in shas {
        let found = match find_beside(dir, &sha) {
            Ok(Some(p)) => Ok(Source::Beside(p)),
            Ok(None) => match store.read(|tx| tx.blob_id(&sha))? {
                Some(id) => Ok(Source::Stored(id)),
                None => Err(format!(
                    "照片 {}… 既未嵌入，也不在批次文件旁（{sha}.jpg），数据库中也没有",
                    &sha[..12]
                )),
            },
            Err(msg) => Err(msg),
        };
        match found {
            Ok(source) => {
                if let Some(p) = photos.get_mut(&sha) {
                    p.source = source;
                }
            }
            Err(msg) => {
                if let Some(p) = photos.remove(&sha) {
                    for no in p.lines {
                        problems.push(no, msg.clone());
                    }
                }
            }
        }
    }
    Ok(())
}

fn to_new(
    l: &CheckedLine,
    photos: &HashMap<String, Photo>,
    blob_ids: &HashMap<&str, i64>,
) -> NewApplication {
    let due = due_for(l.submitted_at);
    let intake = l
        .photo
        .as_ref()
        .and_then(|(p, _)| photos.get(&p.sha256))
        .and_then(|p| p.intake.clone());
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
