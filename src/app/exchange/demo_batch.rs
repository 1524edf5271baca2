//! `demo-data --out FILE --applications N`: a valid batch of synthetic
//! applications with the demo photos beside it (named by SHA-256); every
//! 10 000th line (and the first) carries its photo embedded instead, so both
//! ways are exercised.

use std::io::{BufWriter, Write};
use std::path::Path;

use base64::Engine;
use chrono::{DateTime, Utc};

use crate::app::demo::queue::demo_photos;

use crate::app::demo::queue::offline;
use crate::domain::digest::sha256_hex;
use crate::domain::documents::licence::valid_until_text;
use crate::domain::exchange::batch::{BatchIssued, BatchLicence, BatchLine};
use crate::domain::exchange::batch_photo::BatchPhoto;
use crate::domain::review::AppKind;
use crate::store::NewApplication;

/// Lines between two embedded photos.
const EMBED_EVERY: u64 = 10_000;
/// Batch numbers count from here, so they never meet the numbers a demo
/// database gives its own applications (1, 2, 3, …, the same days).
pub const FIRST_BATCH_SEQ: i64 = 8_000_001;

/// Writes the batch and its photo files; returns the number of lines.
pub fn write_batch(out: &Path, n: u64, seed: u64, now: DateTime<Utc>) -> std::io::Result<u64> {
    let photos: Vec<(String, &'static [u8])> = demo_photos()
        .map(|(_, bytes)| (sha256_hex(bytes), bytes))
        .collect();
    let dir = out.parent().unwrap_or(Path::new("."));
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir)?;
    }
    for (sha, bytes) in &photos {
        std::fs::write(dir.join(format!("{sha}.jpg")), bytes)?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let mut line = Vec::with_capacity(1024);
    // Batches carry 12123's online applications only (单位注册复核 is made here).
    let online = offline(n.saturating_mul(2), seed, now, FIRST_BATCH_SEQ)
        .filter(|a| a.kind != AppKind::CompanyRegistration)
        .take(usize::try_from(n).unwrap_or(usize::MAX));
    for (i, a) in online.enumerate() {
        let embed = (i as u64).is_multiple_of(EMBED_EVERY);
        line.clear();
        serde_json::to_writer(&mut line, &to_line(&a, &photos, embed))
            .map_err(std::io::Error::other)?;
        line.push(b'\n');
        w.write_all(&line)?;
    }
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    Ok(n)
}

fn photo(photos: &[(String, &'static [u8])], i: i64, embed: bool) -> Option<BatchPhoto> {
    let (sha, bytes) = photos.get(usize::try_from(i).ok()?)?;
    Some(BatchPhoto {
        sha256: sha.clone(),
        source: None,
        base64: embed.then(|| base64::engine::general_purpose::STANDARD.encode(bytes)),
    })
}

/// One application as a batch line.
pub fn to_line(a: &NewApplication, photos: &[(String, &'static [u8])], embed: bool) -> BatchLine {
    BatchLine {
        batch_version: None,
        app_no: a.app_no.clone(),
        kind: a.kind.code().to_owned(),
        submitted_at: crate::store::format_time(a.submitted_at),
        doc_no: a.doc_no.clone(),
        name: a.name.clone(),
        mobile: a.mobile.clone(),
        licence: a.kind.has_licence().then(|| BatchLicence {
            number: a.licence_no.clone(),
            classes: a.classes.clone(),
            status: a.licence_status.clone(),
            valid_from: a.valid_from.map(|d| d.to_string()),
            valid_until: a.valid_until.map(valid_until_text),
            authority: a.authority.clone(),
        }),
        photo: a
            .photo_blob
            .and_then(|i| photo(photos, i, embed))
            .map(|p| BatchPhoto {
                source: a.photo_source.map(|s| s.code().to_owned()),
                ..p
            }),
        previous_photo: a.previous_photo_blob.and_then(|i| photo(photos, i, false)),
        last_photo_change: a.last_photo_change.map(|d| d.to_string()),
        issued: a.issued.as_ref().map(|i| BatchIssued {
            classes: i.classes.clone(),
            valid_until: valid_until_text(i.valid_until),
            authority: i.authority.clone(),
            photo_source: i.photo_source.code().to_owned(),
        }),
    }
}
