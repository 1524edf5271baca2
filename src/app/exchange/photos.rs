//! The photos of a batch: where each distinct photo (by SHA-256) comes
//! from, and its check. Every photo a batch carries is decoded once, with the
//! photo module's limits; an applicant's photo also gets the intake check.
//! Bytes are never all held at once: each photo is loaded when checked and
//! again when written, so memory stays bounded however many photos come.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use chrono::NaiveDate;

use crate::app::exchange::Progress;
use crate::app::exchange::batch_file::Span;
use crate::app::exchange::batch_file::read_beside;
use crate::app::exchange::batch_file::read_span;
use crate::app::photo::intake::PhotoIntake;
use crate::domain::digest::sha256_hex;
use crate::domain::exchange::batch::BatchLine;
use crate::store::Store;

/// Where a photo's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    /// No line read so far embeds it: looked for beside the batch, then in
    /// the database.
    Pending,
    /// Embedded (base64) in the batch line at this place.
    Embedded(Span),
    /// A file beside the batch.
    Beside(PathBuf),
    /// Already in the database.
    Stored(i64),
}

/// One distinct photo of the batch.
#[derive(Debug, Clone)]
pub struct Photo {
    pub source: Source,
    /// An applicant's photo (intake check) rather than only a previous one.
    pub main: bool,
    /// Lines using it (the first hundred), for the problems.
    pub lines: Vec<u64>,
    pub intake: Option<PhotoIntake>,
}

/// Memory the photo checks may hold at once (decoded pixels, estimated from
/// each header). One photo larger than this still runs, alone.
const CHECK_BUDGET: u64 = 160 * 1024 * 1024;

/// Counts memory in flight; `acquire` waits until `want` fits.
struct Budget {
    used: Mutex<u64>,
    freed: Condvar,
}

impl Budget {
    fn acquire(&self, want: u64) -> u64 {
        let want = want.min(CHECK_BUDGET);
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used + want > CHECK_BUDGET {
            used = self.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += want;
        want
    }

    fn release(&self, n: u64) {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(n);
        self.freed.notify_all();
    }
}

/// Loads a photo's bytes and checks they still match the hash.
pub fn load(
    batch: &Path,
    store: &mut Store,
    sha: &str,
    source: &Source,
) -> Result<Vec<u8>, String> {
    match source {
        Source::Stored(id) => store
            .read(|tx| tx.blob(*id))
            .map_err(|e| e.to_string())?
            .map(|b| b.bytes)
            .ok_or_else(|| format!("照片 {}… 已不在数据库中", &sha[..12])),
        other => load_unstored(batch, sha, other),
    }
}

/// A photo the batch carries (embedded or beside it), read again.
pub fn load_unstored(batch: &Path, sha: &str, source: &Source) -> Result<Vec<u8>, String> {
    match source {
        Source::Beside(p) => read_beside(p, sha),
        Source::Embedded(span) => embedded(batch, sha, *span),
        Source::Stored(_) | Source::Pending => Err(format!("照片 {}… 未随批次提供", &sha[..12])),
    }
}

/// The photo embedded in the batch line at `span`, decoded again.
fn embedded(batch: &Path, sha: &str, span: Span) -> Result<Vec<u8>, String> {
    let changed = || "批次文件在导入过程中被改动，请重新导入".to_owned();
    let text = read_span(batch, span).map_err(|e| format!("无法再次读取批次文件：{e}"))?;
    let line: BatchLine = serde_json::from_slice(
        text.strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&text)
            .trim_ascii(),
    )
    .map_err(|_| changed())?;
    let b64 = [line.photo, line.previous_photo]
        .into_iter()
        .flatten()
        .find(|p| p.sha256 == sha)
        .and_then(|p| p.base64)
        .ok_or_else(changed)?;
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| changed())?;
    if sha256_hex(&bytes) != sha {
        return Err(changed());
    }
    Ok(bytes)
}

/// Test hooks for the photo phase.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckHooks {
    /// Panic inside a photo thread (a bug in a decoder, say).
    pub panic: bool,
}

/// One photo's outcome: its intake (applicants' photos) or why it cannot be used.
type Slot = Mutex<Option<Result<Option<PhotoIntake>, String>>>;

/// A photo thread stopped by a panic: the batch is not imported.
#[derive(Debug)]
pub struct ThreadPanicked;

/// Decodes every photo once and runs the intake check on applicants'
/// photos, on every core (each thread with its own reader beside `store`,
/// on the file or the office server, for stored photos). Returns, per
/// photo, the problem if it cannot be read.
pub fn check_all(
    store: &Store,
    batch: &Path,
    photos: &mut HashMap<String, Photo>,
    today: NaiveDate,
    progress: &Progress,
    hooks: CheckHooks,
) -> Result<HashMap<String, String>, ThreadPanicked> {
    let mut jobs: Vec<(&String, &mut Photo)> = photos.iter_mut().collect();
    // Stored previous photos were checked when they were stored.
    jobs.retain(|(_, p)| p.main || !matches!(p.source, Source::Stored(_)));
    jobs.sort_by(|a, b| a.0.cmp(b.0));
    let total = jobs.len() as u64;
    progress.set(crate::app::exchange::Phase::Photos, 0, total);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let budget = Budget {
        used: Mutex::new(0),
        freed: Condvar::new(),
    };
    let slots: Vec<Slot> = jobs.iter().map(|_| Mutex::new(None)).collect();
    // Opened here: a connection cannot be shared between threads, but can
    // be handed to one.
    let readers: Vec<Mutex<Option<Store>>> = (0..threads)
        .map(|_| Mutex::new(store.another_reader().ok()))
        .collect();
    let work = |t: usize| {
        let first = t == 0;
        let mut store = readers[t].lock().ok().and_then(|mut r| r.take());
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((sha, photo)) = jobs.get(i) else {
                break;
            };
            if stop.load(Ordering::Relaxed) || progress.cancelled() {
                break;
            }
            if hooks.panic && first {
                panic!("injected photo thread panic");
            }
            let result = match &mut store {
                Some(s) => check_one(batch, s, sha, photo, today, &budget),
                None => Err("无法打开数据库读取已存照片".to_owned()),
            };
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(result);
            }
            progress.advance(done.fetch_add(1, Ordering::Relaxed) + 1);
        }
    };
    let panicked = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let work = &work;
                let stop = &stop;
                s.spawn(move || {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(t)));
                    if r.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    r.is_err()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(true))
            .fold(false, |a, b| a | b)
    });
    if panicked {
        tracing::error!("a photo thread panicked during import");
        return Err(ThreadPanicked);
    }
    let mut problems = HashMap::new();
    for ((sha, photo), slot) in jobs.into_iter().zip(slots) {
        match slot.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(Ok(intake)) => photo.intake = intake,
            Some(Err(e)) => {
                problems.insert(sha.clone(), e);
            }
            // Cancelled before it ran: the caller sees the cancel flag.
            None => {}
        }
    }
    Ok(problems)
}

fn check_one(
    batch: &Path,
    store: &mut Store,
    sha: &str,
    photo: &Photo,
    today: NaiveDate,
    budget: &Budget,
) -> Result<Option<PhotoIntake>, String> {
    let bytes = load(batch, store, sha, &photo.source)?;
    // Pixels, and about as much again for the analysis' working copies.
    let want = crate::photo::dimensions(&bytes)
        .map(|(w, h)| u64::from(w) * u64::from(h) * 6)
        .unwrap_or(0)
        + bytes.len() as u64;
    let held = budget.acquire(want);
    let result = if photo.main {
        crate::photo::check_bytes(&bytes, today).map(|a| Some(PhotoIntake::from_report(&a.report)))
    } else {
        crate::photo::decode(&bytes).map(|_| None)
    };
    budget.release(held);
    result.map_err(|e| format!("照片 {}… 无法使用：{e}", &sha[..12]))
}
