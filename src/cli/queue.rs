//! `queue [--json] [--filter …] [--search TEXT] [--limit N]` and
//! `demo-data --applications N`: the review queue from the command line.

use crate::domain::clerks::audit_target::AuditTarget;
use std::io::Write;
use std::time::Instant;

use super::db::Db;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::app::demo::queue as demo_queue;
use crate::app::review::classify_search;
use crate::app::runtime::clock::fmt_minute;
use crate::domain::mask::mask_document;
use crate::domain::review::{AppState, QueueCounts, Scope};
use crate::store::{PageQuery, QueueClock, Store};

/// Environment variable that pins "now" (RFC 3339) so output is reproducible.
pub const NOW_ENV: &str = "COUNTERDESK_NOW";

/// `now` from [`NOW_ENV`], or the database's clock (the office server's
/// once a command opened it, else this PC's).
pub fn now() -> DateTime<Utc> {
    std::env::var(NOW_ENV)
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(super::db::db_now)
}

/// Parses a `--filter` value.
pub fn parse_filter(s: &str) -> Result<Scope, String> {
    Ok(match s {
        "pending" | "open" => Scope::Open,
        "in-review" => Scope::InReview,
        "due-today" => Scope::DueToday,
        "overdue" => Scope::Overdue,
        "approved" => Scope::Approved,
        "returned" => Scope::Returned,
        other => {
            return Err(format!(
                "未知的筛选「{other}」：可用 pending、in-review、due-today、overdue、approved、returned"
            ));
        }
    })
}

fn scope_code(s: Scope) -> &'static str {
    match s {
        Scope::Open => "pending",
        Scope::InReview => "in_review",
        Scope::DueToday => "due_today",
        Scope::Overdue => "overdue",
        Scope::Mine => "mine",
        Scope::Approved => "approved",
        Scope::Returned => "returned",
    }
}

fn counts_json(c: &QueueCounts) -> serde_json::Value {
    let mut per_kind = serde_json::Map::new();
    for (k, v) in &c.per_kind {
        per_kind.insert(k.code().to_owned(), json!(v));
    }
    json!({
        "pending": c.total.open,
        "in_review": c.in_review,
        "due_today": c.total.due_today,
        "overdue": c.total.overdue,
        "approved": c.total.approved,
        "returned": c.total.returned,
        "per_kind": per_kind,
    })
}

/// Prints one page of the queue (document numbers masked) and the counts.
pub fn run_queue(
    db: &Db,
    json: bool,
    scope: Scope,
    search: Option<&str>,
    limit: u32,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    // Open (and migrate a file) once through the writer's checks, then read
    // on a read-only connection like the screen does.
    let mut reader = db.open_reader()?;
    let now = now();
    let clock = QueueClock::at(now, 0);
    let key = search.and_then(classify_search);
    let q = PageQuery {
        scope,
        kind: None,
        search: key.clone().map(|(k, _)| k),
        after: None,
        offset: 0,
        limit,
    };
    let started = Instant::now();
    let (rows, counts) =
        reader.read(|tx| Ok((tx.queue_page(&q, &clock)?, tx.queue_counts(&clock)?)))?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let state = |r: &crate::store::QueueRow| AppState::derive(r.status, r.lease_until, now);
    if json {
        let rows: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "app_no": r.app_no,
                    "kind": r.kind.code(),
                    "state": state(r),
                    "name": r.name,
                    "doc_no": mask_document(&r.doc_no),
                    "licence_status": r.licence_status,
                    "photo_verdict": r.photo_verdict,
                    "submitted_at": r.submitted_at.to_rfc3339(),
                    "due_at": r.due_at.to_rfc3339(),
                    "held_by": (state(r) == AppState::InReview).then(|| r.claimed_by_name.clone()).flatten(),
                })
            })
            .collect();
        let doc = json!({
            "filter": scope_code(scope),
            "search_as": key.map(|(_, l)| l),
            "counts": counts_json(&counts),
            "rows": rows,
            "elapsed_ms": elapsed_ms,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(0);
    }
    let t = &counts.total;
    writeln!(
        out,
        "待审核 {}  审核中 {}  今日到期 {}  已超期 {}  已通过 {}  已退回 {}",
        t.open, counts.in_review, t.due_today, t.overdue, t.approved, t.returned
    )?;
    let title = match &key {
        // A search spans every state.
        Some((_, how)) => format!("按{how}搜索"),
        None => format!("筛选：{}", scope.label()),
    };
    writeln!(out, "{title}（{} 行，{elapsed_ms:.1} ms）", rows.len())?;
    for r in &rows {
        writeln!(
            out,
            "{}  {:<8}  {:<4}  {:<6}  {}  到期 {}{}",
            r.app_no,
            r.kind.label(),
            state(r).label(),
            r.name,
            mask_document(&r.doc_no),
            fmt_minute(r.due_at),
            if state(r) == AppState::InReview {
                format!("  ({} 审核中)", r.claimed_by_name.as_deref().unwrap_or(""))
            } else {
                String::new()
            }
        )?;
    }
    Ok(0)
}

/// Fills `db` with `applications` synthetic applications.
pub fn run_demo_data(
    db: &Db,
    applications: u64,
    seed: u64,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mut store = db.open()?;
    let s = demo_queue::generate(&mut store, applications, seed, now())?;
    audit_demo(
        &mut store,
        format!("命令行 demo-data：演示申请 {} 件", s.inserted),
    )?;
    writeln!(
        out,
        "已生成 {} 件申请（其中 {} 件已审核，{} 件审核中），用时 {:.1} 秒：{}",
        s.inserted,
        s.decided,
        s.claimed,
        started.elapsed().as_secs_f64(),
        db.label()
    )?;
    Ok(0)
}

/// Demo data changes the database: audited with the OS account that ran it.
pub fn audit_demo(store: &mut Store, detail: String) -> anyhow::Result<()> {
    store.write(|tx| {
        crate::app::clerks::access::audit(
            tx,
            None,
            crate::domain::clerks::audit::AuditAction::DemoDataAdded,
            AuditTarget::Demo,
            detail,
            now(),
        )
    })?;
    Ok(())
}
