//! `check-photo FILE... [--json]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::photo::{self, PhotoError, PhotoReport, PhotoVerdict};

/// Environment variable that pins "today" (YYYY-MM-DD) for the 6-month rule,
/// so tests and re-checks of old cases are reproducible.
pub const TODAY_ENV: &str = "COUNTERDESK_TODAY";

/// Checks every file; a bad file never stops the others.
/// Exit code 0 when all pass or warn, 1 when any fails or cannot be read.
pub fn run(files: &[PathBuf], json: bool, out: &mut dyn Write) -> anyhow::Result<u8> {
    let today = std::env::var(TODAY_ENV)
        .ok()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| {
            crate::app::runtime::clock::today(&crate::app::runtime::clock::SystemClock)
        });
    run_with_today(files, json, today, out)
}

/// [`run`] with an explicit "today".
pub fn run_with_today(
    files: &[PathBuf],
    json: bool,
    today: NaiveDate,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let mut code = 0;
    for file in files {
        let started = Instant::now();
        let result = photo::check_file(file, today).map(|a| a.report);
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let bad = match &result {
            Ok(r) => r.verdict == PhotoVerdict::Fail,
            Err(_) => true,
        };
        if bad {
            code = 1;
        }
        if json {
            let v = to_json(file, &result, elapsed_ms);
            writeln!(out, "{}", serde_json::to_string(&v)?)?;
        } else {
            write_text(out, file, &result, elapsed_ms)?;
        }
    }
    Ok(code)
}

/// One JSON object per file.
pub fn to_json(file: &Path, result: &Result<PhotoReport, PhotoError>, elapsed_ms: f64) -> Value {
    let file = file.display().to_string();
    let elapsed_ms = (elapsed_ms * 10.0).round() / 10.0;
    match result {
        Ok(r) => json!({
            "file": file,
            "verdict": r.verdict.as_str(),
            "spec": r.spec,
            "width_px": r.width_px,
            "height_px": r.height_px,
            "face_count": r.face_count,
            "head_length_mm": r.geometry.head_length_mm.map(round2),
            "head_width_mm": r.geometry.head_width_mm.map(round2),
            "crown_margin_mm": r.geometry.crown_margin_mm.map(round2),
            "checks": r.checks.iter().map(|c| json!({
                "id": c.id,
                "verdict": c.verdict.as_str(),
                "value": c.value,
                "limit": c.limit,
                "message": c.message,
            })).collect::<Vec<_>>(),
            "geometry": r.geometry,
            "manual_checklist": r.manual_checklist,
            "elapsed_ms": elapsed_ms,
        }),
        Err(e) => json!({
            "file": file,
            "verdict": PhotoError::VERDICT,
            "message": e.to_string(),
            "width_px": null,
            "height_px": null,
            "face_count": null,
            "head_length_mm": null,
            "head_width_mm": null,
            "checks": [],
            "elapsed_ms": elapsed_ms,
        }),
    }
}

fn round2(v: f32) -> f64 {
    (f64::from(v) * 100.0).round() / 100.0
}

fn write_text(
    out: &mut dyn Write,
    file: &Path,
    result: &Result<PhotoReport, PhotoError>,
    elapsed_ms: f64,
) -> std::io::Result<()> {
    match result {
        Ok(r) => {
            writeln!(
                out,
                "{}：{}（{}，{}×{}，{:.0} ms）",
                file.display(),
                r.verdict.label(),
                r.spec.label(),
                r.width_px,
                r.height_px,
                elapsed_ms
            )?;
            for c in &r.checks {
                writeln!(
                    out,
                    "  [{}] {}：{}（要求 {}）— {}",
                    c.verdict.label(),
                    c.name,
                    c.value,
                    c.limit,
                    c.message
                )?;
            }
            let items: Vec<&str> = r.manual_checklist.iter().map(|m| m.text).collect();
            writeln!(out, "  需人工核对：{}", items.join("；"))?;
        }
        Err(e) => writeln!(out, "{}：无法检测 — {}", file.display(), e)?,
    }
    Ok(())
}
