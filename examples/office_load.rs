//! Load tool for office mode (issue 22): N reviewers on their own
//! connections claim (F2), renew and decide through the app's use cases, so
//! every claim and decision writes its audit row exactly as the window does.
//!
//!   office_load --db URL|FILE --workers N --claims M [--fill K]
//!   office_load --office-init postgres://postgres@HOST:PORT/DB
//!
//! - `--claims M` is per worker; `--fill K` first adds K demo applications
//!   (`app::demo::queue::generate`, the same as `counterdesk demo-data`).
//! - Clerks `load01…loadNN` (审核) are created if absent (password
//!   `Load-Test-2026`, argon2 like any account).
//! - `--office-init ADMIN_URL` prepares a database (what `counterdesk
//!   office-init` will do) and sets the workstation role's password from
//!   `OFFICE_LOAD_APP_PASSWORD` (never the command line).
//! - Progress goes to stderr; the last stdout line is one JSON object.
//!   `double_claims` is computed afterwards from the audit rows the run
//!   wrote (see [`double_claims`]), `audit_ok` from the chain verification.
//!
//! `tools/bench/office_load.sh` runs it against a throwaway cluster.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Parser;
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::review::{Decision, Req, Resp, ReviewItem, handle};
use counterdesk::app::runtime::call::Call;
use counterdesk::app::runtime::error::AppError;
use counterdesk::domain::clerks::audit::{AuditAction, AuditVerdict};
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::clerks::password::hash_password;
use counterdesk::domain::review::eligibility::PreVerdict;
use counterdesk::domain::review::{LEASE, Reason};
use counterdesk::store::postgres::{Connector, Prompt, Target, is_office_url};
use counterdesk::store::{AuditRow, NewClerk, Store};

const PASSWORD: &str = "Load-Test-2026";
const PASSWORD_ENV: &str = "OFFICE_LOAD_APP_PASSWORD";

#[derive(Parser, Debug)]
#[command(about = "Office-mode load: N reviewers claim, renew and decide")]
struct Args {
    /// postgres://counterdesk_app@host[:port]/db (password from a passfile) or a SQLite file.
    #[arg(long)]
    db: Option<String>,
    #[arg(long, default_value_t = 20)]
    workers: usize,
    /// Claims per worker.
    #[arg(long, default_value_t = 500)]
    claims: usize,
    /// Demo applications to add before the run.
    #[arg(long, default_value_t = 0)]
    fill: u64,
    /// Prepare this database as the superuser (office-init), then exit.
    #[arg(long, value_name = "ADMIN_URL")]
    office_init: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(admin) = &args.office_init {
        return office_init(admin);
    }
    let db = args.db.clone().context("--db URL|FILE is required")?;
    let mut store = open(&db)?;
    let offset = clock_offset(&mut store)?;
    if args.fill > 0 {
        let t = Instant::now();
        let s = counterdesk::app::demo::queue::generate(&mut store, args.fill, 7, now(offset))?;
        eprintln!(
            "filled {} applications in {:.1} s",
            s.inserted,
            t.elapsed().as_secs_f64()
        );
    }
    let clerks = ensure_clerks(&mut store, args.workers, now(offset))?;
    let head_before = store.read(|tx| tx.audit_head())?.map_or(0, |(seq, _)| seq);
    let report = run(&db, &clerks, args.claims, offset)?;
    let head_after = store.read(|tx| tx.audit_head())?.map_or(0, |(seq, _)| seq);
    let rows = store.read(|tx| tx.audit_tail((head_after - head_before) as usize))?;
    let doubles = double_claims(&rows);
    eprintln!("verifying the audit chain…");
    let verdict = store.read(|tx| tx.verify_audit())?;
    let audit_ok = matches!(verdict, AuditVerdict::Intact { .. });
    if !audit_ok {
        eprintln!("audit chain: {verdict:?}");
    }
    let mut times = report.claim_times;
    times.sort();
    let at = |q: f64| -> f64 {
        times
            .get(((times.len().max(1) - 1) as f64 * q).round() as usize)
            .map_or(0.0, |d| (d.as_secs_f64() * 1e5).round() / 100.0)
    };
    let json = serde_json::json!({
        "workers": args.workers,
        "claims": times.len(),
        "double_claims": doubles.multi_decided + doubles.overlapping,
        "decisions": report.decisions,
        "p50_claim_ms": at(0.5),
        "p95_claim_ms": at(0.95),
        "errors": report.errors,
        "audit_ok": audit_ok,
        "decisions_per_s": (report.decisions as f64 / report.wall.as_secs_f64()).round() as u64,
        "approved": report.approved,
        "rejected": report.decisions - report.approved,
        "renewals": report.renewals,
        "empty_queue": report.empty,
        "wall_ms": report.wall.as_millis() as u64,
        "multi_decided": doubles.multi_decided,
        "overlapping_claims": doubles.overlapping,
        "audit_rows": rows.len(),
    });
    println!("{json}");
    Ok(())
}

fn office_init(admin_url: &str) -> anyhow::Result<()> {
    let password = std::env::var(PASSWORD_ENV)
        .with_context(|| format!("{PASSWORD_ENV} must hold the workstation role's password"))?;
    let target = Target::parse(admin_url)?;
    let mut admin = Connector::new(target.clone(), Prompt::Never)?.connect()?;
    let report = counterdesk::store::postgres::office_init(&mut admin, &target)?;
    counterdesk::store::postgres::set_app_password(&mut admin, &target, &password)?;
    eprintln!("office-init {target}: {report:?}");
    Ok(())
}

fn open(db: &str) -> anyhow::Result<Store> {
    Ok(if is_office_url(db) {
        Store::open_office(Target::parse(db)?, Prompt::Never)
            .map_err(|e| anyhow::anyhow!("{e} {:?}", e.technical()))?
    } else {
        Store::open(Path::new(db))?
    })
}

/// Server minus workstation clock: the app passes the server's time in
/// office mode, keeping the offset it measured (zero on a file).
fn clock_offset(store: &mut Store) -> anyhow::Result<chrono::Duration> {
    let before = Utc::now();
    Ok(match store.server_time()? {
        Some(server) => server - before,
        None => chrono::Duration::zero(),
    })
}

fn now(offset: chrono::Duration) -> DateTime<Utc> {
    Utc::now() + offset
}

/// `load01…loadNN` as supervisors (审核), created when absent.
fn ensure_clerks(
    store: &mut Store,
    n: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<SessionClerk>> {
    let hash = hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let user = format!("load{i:02}");
        let rec = store.write(|tx| {
            if tx.clerk_by_username(&user)?.is_none() {
                tx.insert_clerk(
                    &NewClerk {
                        username: user.clone(),
                        display_name: format!("压测{i:02}"),
                        role: Role::Supervisor,
                        password_hash: hash.clone(),
                        must_change_password: false,
                    },
                    now,
                )?;
            }
            tx.clerk_by_username(&user)
        })?;
        let rec = rec.with_context(|| format!("clerk {user} missing after insert"))?;
        if !rec.role.can_decide() || rec.disabled {
            bail!("clerk {user} exists but may not decide");
        }
        out.push(SessionClerk::from(&rec));
    }
    Ok(out)
}

#[derive(Default)]
struct Report {
    claim_times: Vec<Duration>,
    decisions: u64,
    approved: u64,
    renewals: u64,
    errors: u64,
    empty: u64,
    wall: Duration,
}

/// Approve what may be approved: no blocking pre-check and no failed photo
/// check (approving those would need an override). Otherwise reject with
/// the reasons the checks pre-select that fit the kind, else 信息不符.
fn verdict(item: &ReviewItem) -> Decision {
    let blocked = item
        .pre_checks
        .items
        .iter()
        .any(|c| c.verdict == PreVerdict::Block);
    if !blocked && item.photo_failed.is_empty() {
        return Decision::Approve;
    }
    let mut reasons: Vec<Reason> = item
        .pre_checks
        .preselected
        .iter()
        .copied()
        .filter(|r| r.applies_to(item.kind))
        .collect();
    if reasons.is_empty() {
        reasons.push(Reason::InfoMismatch);
    }
    Decision::Reject {
        reasons,
        free_text: String::new(),
    }
}

/// One worker: `claims` rounds of claim-next, renew, decide.
fn worker(
    db: &str,
    clerk: &SessionClerk,
    claims: usize,
    offset: chrono::Duration,
    start: &Barrier,
    done: &AtomicU64,
) -> anyhow::Result<Report> {
    let mut store = open(db)?;
    let mut r = Report::default();
    start.wait();
    let note = |r: &mut Report, what: &str, e: AppError| {
        r.errors += 1;
        if r.errors <= 3 {
            eprintln!("{} {what}: {e} {:?}", clerk.username, technical(&e));
        }
    };
    for _ in 0..claims {
        let t = Instant::now();
        let got = handle(
            Call::new(&mut store, now(offset), clerk),
            Req::ClaimNext { kind: None },
        );
        let took = t.elapsed();
        let item = match got {
            Ok(Resp::Claimed(Some(item))) => item,
            Ok(Resp::Claimed(None)) => {
                r.empty += 1;
                break;
            }
            Ok(other) => bail!("unexpected reply {other:?}"),
            Err(e) => {
                note(&mut r, "claim", e);
                continue;
            }
        };
        r.claim_times.push(took);
        let Some(ticket) = item.ticket else {
            bail!("claimed {} without a ticket", item.app_no);
        };
        let ticket = match handle(
            Call::new(&mut store, now(offset), clerk),
            Req::Renew { ticket },
        ) {
            Ok(Resp::Renewed(t)) => {
                r.renewals += 1;
                t
            }
            Ok(other) => bail!("unexpected reply {other:?}"),
            Err(e) => {
                note(&mut r, "renew", e);
                ticket
            }
        };
        let v = verdict(&item);
        let approve = v == Decision::Approve;
        match handle(
            Call::new(&mut store, now(offset), clerk),
            Req::Decide {
                ticket,
                verdict: v,
                then_next: false,
            },
        ) {
            Ok(Resp::Decided { .. }) => {
                r.decisions += 1;
                r.approved += u64::from(approve);
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(other) => bail!("unexpected reply {other:?}"),
            Err(e) => note(&mut r, "decide", e),
        }
    }
    Ok(r)
}

fn technical(e: &AppError) -> Option<String> {
    match e {
        AppError::Store(s) => s.technical(),
        _ => None,
    }
}

fn run(
    db: &str,
    clerks: &[SessionClerk],
    claims: usize,
    offset: chrono::Duration,
) -> anyhow::Result<Report> {
    let start = Barrier::new(clerks.len() + 1);
    let done = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let total = (clerks.len() * claims) as u64;
    std::thread::scope(|s| {
        let handles: Vec<_> = clerks
            .iter()
            .map(|c| {
                let (start, done) = (&start, &done);
                s.spawn(move || worker(db, c, claims, offset, start, done))
            })
            .collect();
        let progress = s.spawn(|| {
            let mut last = Instant::now();
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if last.elapsed() >= Duration::from_secs(2) {
                    last = Instant::now();
                    eprintln!("{} / {total} decided", done.load(Ordering::Relaxed));
                }
            }
        });
        start.wait();
        let t = Instant::now();
        let mut all = Report::default();
        let mut failed = None;
        for h in handles {
            match h.join() {
                Ok(Ok(r)) => {
                    all.claim_times.extend(r.claim_times);
                    all.decisions += r.decisions;
                    all.approved += r.approved;
                    all.renewals += r.renewals;
                    all.errors += r.errors;
                    all.empty += r.empty;
                }
                Ok(Err(e)) => failed = Some(e),
                Err(_) => failed = Some(anyhow::anyhow!("a worker panicked")),
            }
        }
        all.wall = t.elapsed();
        finished.store(true, Ordering::Relaxed);
        let _ = progress.join();
        eprintln!(
            "{} decided in {:.1} s",
            all.decisions,
            all.wall.as_secs_f64()
        );
        match failed {
            Some(e) => Err(e),
            None => Ok(all),
        }
    })
}

#[derive(Debug, Default)]
struct Doubles {
    /// Applications with more than one decision row in the audit.
    multi_decided: u64,
    /// Pairs of claims of one application by different clerks, the later
    /// one taken while the earlier one's lease still ran and nothing
    /// (decision, release) ended it in between.
    overlapping: u64,
}

/// Double claims from the database, not from the workers' own counts. The
/// schema keeps no claim history (an application holds only its current
/// claim: `claimed_by`, `claim_seq`, `lease_until`), but every claim and
/// decision is an audit row written in the same transaction, with the
/// clerk, the application and the time. Renewals are not audited, so a
/// lease is taken as running `LEASE` from its claim (the tool renews at
/// once, so that is its real end within milliseconds). The decisions table
/// has a unique key on the application, so the decision audit rows are the
/// only place a second decision could show.
fn double_claims(rows: &[AuditRow]) -> Doubles {
    let mut per_app: BTreeMap<&str, Vec<&AuditRow>> = BTreeMap::new();
    for r in rows {
        if r.target.starts_with("application:") {
            per_app.entry(r.target.as_str()).or_default().push(r);
        }
    }
    let mut d = Doubles::default();
    for rows in per_app.values_mut() {
        rows.sort_by_key(|r| r.seq);
        let decided = |r: &AuditRow| {
            matches!(
                r.action,
                Some(AuditAction::ReviewApproved | AuditAction::ReviewReturned)
            )
        };
        if rows.iter().filter(|r| decided(r)).count() > 1 {
            d.multi_decided += 1;
        }
        for (i, a) in rows.iter().enumerate() {
            if a.action != Some(AuditAction::ReviewClaimed) {
                continue;
            }
            for b in &rows[i + 1..] {
                let ends = decided(b)
                    || matches!(
                        b.action,
                        Some(AuditAction::ReviewReleased | AuditAction::ReviewReleasedForOther)
                    );
                if ends {
                    break;
                }
                if b.action == Some(AuditAction::ReviewClaimed)
                    && b.actor != a.actor
                    && b.at < a.at + LEASE
                {
                    d.overlapping += 1;
                }
            }
        }
    }
    d
}
