//! Office server (issue 22) under many counters, through the store seam:
//! 20 reviewers on their own connections claiming the next application and
//! deciding it (every claim distinct; the claim's own time reported), and
//! audit appends with 20 writers. Not criterion: the numbers
//! are per call across threads, so each round prints its median and p95
//! and the last line the medians of the rounds.
//! `cargo bench --bench office` (needs the PostgreSQL server binaries; the
//! cluster runs as a hall's server does: fsync, full-page writes and
//! synchronous commit on).

#[path = "../tests/common/pg.rs"]
mod pg;

use std::collections::BTreeSet;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use chrono::Utc;
use counterdesk::domain::clerks::audit::{AuditAction, AuditVerdict};
use counterdesk::domain::clerks::audit_target::AuditTarget;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::clerks::lockout::LockoutState;
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, LEASE, Outcome};
use counterdesk::store::Lease;
use counterdesk::store::postgres::{Prompt, Target};
use counterdesk::store::{NewApplication, NewAuditEvent, NewClerk, NewDecision, Store};

const WORKERS: usize = 20;
const CLAIMS_EACH: usize = 500;
const APPENDS_EACH: usize = 100;
const ROUNDS: usize = 3;

fn open(url: &str) -> Store {
    Store::open_office(
        Target::parse(url).unwrap_or_else(|e| panic!("{e}")),
        Prompt::Never,
    )
    .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and p95 of `samples` (sorted in place).
fn stats(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| ms(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    (at(0.5), at(0.95))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn clerks(store: &mut Store, prefix: &str, n: usize) -> Vec<i64> {
    store
        .write(|tx| {
            (0..n)
                .map(|i| {
                    tx.insert_clerk(
                        &NewClerk {
                            username: format!("{prefix}{i:02}"),
                            display_name: format!("{prefix}{i:02}"),
                            role: Role::Supervisor,
                            password_hash: "x".into(),
                            must_change_password: false,
                        },
                        Utc::now(),
                    )
                })
                .collect()
        })
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `n` free applications, numbered from `from`, counted by the bulk path.
fn fill(store: &mut Store, from: u64, n: u64) {
    let now = Utc::now();
    store
        .write(|tx| {
            let first = tx.max_application_id()? + 1;
            let bulk = tx.begin_bulk_insert()?;
            for i in from..from + n {
                let submitted =
                    now - chrono::Duration::days(2) + chrono::Duration::seconds(i as i64);
                let due = due_for(submitted);
                tx.insert_application(&NewApplication {
                    name: "测试".into(),
                    doc_no: format!("11010119900101{:04}", i % 10_000),
                    ..NewApplication::bare(
                        format!("SL{i:015}"),
                        AppKind::New,
                        submitted,
                        due.at,
                        due.day,
                        None,
                    )
                })?;
            }
            tx.end_bulk_insert(bulk, first)
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Each worker on its own connection runs `each` calls of `call` after a
/// common start; returns every call's duration and the wall time.
fn race<T: Send>(
    url: &str,
    who: &[i64],
    each: usize,
    call: impl Fn(&mut Store, i64, usize) -> T + Sync,
) -> (Vec<Duration>, Vec<T>, Duration) {
    let start = Barrier::new(who.len() + 1);
    let (call, start_ref) = (&call, &start);
    std::thread::scope(|s| {
        let handles: Vec<_> = who
            .iter()
            .map(|&w| {
                s.spawn(move || {
                    let mut store = open(url);
                    start_ref.wait();
                    let mut times = Vec::with_capacity(each);
                    let mut out = Vec::with_capacity(each);
                    for i in 0..each {
                        let t = Instant::now();
                        out.push(call(&mut store, w, i));
                        times.push(t.elapsed());
                    }
                    (times, out)
                })
            })
            .collect();
        start.wait();
        let t = Instant::now();
        let results: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| panic!("worker panicked")))
            .collect();
        let wall = t.elapsed();
        let mut times = Vec::new();
        let mut outs = Vec::new();
        for (t, o) in results {
            times.extend(t);
            outs.extend(o);
        }
        (times, outs, wall)
    })
}

fn event(who: i64, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        actor_id: Some(who),
        actor: format!("w{who}"),
        action: AuditAction::ReviewClaimed,
        target: AuditTarget::Clerk(who),
        detail,
    }
}

/// Each reviewer claims the next application and decides it (as
/// `office_load` will), `CLAIMS_EACH` times: leases stay few, as in a hall.
/// `as_app` adds the audit row to both transactions, appended last, as the
/// app does. Returns the claim's median; prints claims and decisions.
fn claims(url: &str, store: &mut Store, reviewers: &[i64], as_app: bool, round: usize) -> f64 {
    let n = (reviewers.len() * CLAIMS_EACH) as u64;
    fill(
        store,
        1_000_000 * (round as u64 + 1) + u64::from(as_app) * 100_000,
        n,
    );
    let (mut times, got, wall) = race(url, reviewers, CLAIMS_EACH, |s, who, _| {
        let now = Utc::now();
        let t = Instant::now();
        let claim = s
            .write(|tx| {
                let c = tx.claim_next(who, Lease::new(now, now + LEASE), None)?;
                if as_app && let Some(c) = c {
                    tx.append_audit(&event(who, format!("领取 {}", c.id)), now)?;
                }
                Ok(c)
            })
            .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()));
        let claim_time = t.elapsed();
        let Some(c) = claim else {
            return (None, claim_time);
        };
        let d = NewDecision {
            application_id: c.id,
            clerk: who,
            claim_seq: c.seq,
            outcome: Outcome::Approve,
            reasons: Vec::new(),
            free_text: String::new(),
            notice: String::new(),
            photo_report: String::new(),
            photo_override: None,
            op_key: None,
        };
        s.write(|tx| {
            let id = tx.decide(&d, &[], now)?;
            if as_app {
                tx.append_audit(&event(who, format!("通过 {}", c.id)), now)?;
            }
            Ok(id)
        })
        .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()))
        .unwrap_or_else(|| panic!("ticket of {} stale", c.id));
        (Some(c.id), claim_time)
    });
    let ids: Vec<i64> = got.iter().filter_map(|(id, _)| *id).collect();
    let distinct: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "double claims");
    assert_eq!(ids.len() as u64, n, "every worker got one per call");
    let mut claim_times: Vec<Duration> = got.iter().map(|(_, t)| *t).collect();
    let (c50, c95) = stats(&mut claim_times);
    let (p50, p95) = stats(&mut times);
    println!(
        "{} {}x{}: {} distinct; claim median {c50:.2} ms, p95 {c95:.2} ms; \
         claim + decide {:.0}/s, median {p50:.2} ms, p95 {p95:.2} ms",
        if as_app {
            "as the app (audit appended)"
        } else {
            "store calls only"
        },
        reviewers.len(),
        CLAIMS_EACH,
        distinct.len(),
        n as f64 / wall.as_secs_f64(),
    );
    c50
}

fn appends(url: &str, writers: &[i64]) -> (f64, f64, f64) {
    let (mut times, _, wall) = race(url, writers, APPENDS_EACH, |s, who, i| {
        s.write(|tx| {
            // The transaction's own write first, the append last.
            tx.set_lockout(
                who,
                LockoutState {
                    failures: i as u32 % 5,
                    locked_until: None,
                },
            )?;
            tx.append_audit(&event(who, format!("第{i}次")), Utc::now())
        })
        .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()))
    });
    let rate = times.len() as f64 / wall.as_secs_f64();
    let (p50, p95) = stats(&mut times);
    println!(
        "audit appends {}x{}: {rate:.0} appends/s, median {p50:.2} ms, p95 {p95:.2} ms",
        writers.len(),
        APPENDS_EACH
    );
    (rate, p50, p95)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Some(cluster) = pg::Cluster::start_durable(true) else {
        return;
    };
    cluster.init_db("bench");
    let url = cluster.app_url("bench");
    let mut store = open(&url);
    let reviewers = clerks(&mut store, "load", WORKERS);
    let writers = clerks(&mut store, "audit", WORKERS);

    let mut claim_p50 = Vec::new();
    let mut claim_audit_p50 = Vec::new();
    let mut rates = Vec::new();
    let mut append_p50 = Vec::new();
    let mut append_p95 = Vec::new();
    for round in 0..ROUNDS {
        println!("-- round {}", round + 1);
        claim_p50.push(claims(&url, &mut store, &reviewers, false, round));
        claim_audit_p50.push(claims(&url, &mut store, &reviewers, true, round));
        let (rate, p50, p95) = appends(&url, &writers);
        rates.push(rate);
        append_p50.push(p50);
        append_p95.push(p95);
    }
    // What the "store changed" NOTIFY triggers cost: a transaction that
    // notified takes a cluster-wide lock at commit and holds it through its
    // WAL flush, so notifying commits cannot share a flush.
    println!("-- the same without the NOTIFY triggers (comparison only)");
    let mut admin = cluster.admin("bench");
    let notify = [
        ("clerks", "clerks_changed"),
        ("audit_log", "audit_log_changed"),
        ("applications", "applications_notify"),
        ("decisions", "decisions_notify"),
        ("outbox", "outbox_notify"),
    ];
    let switch = |admin: &mut postgres::Client, on: &str| {
        for (table, trigger) in notify {
            admin
                .batch_execute(&format!(
                    "ALTER TABLE counterdesk.{table} {on} TRIGGER {trigger}"
                ))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    };
    switch(&mut admin, "DISABLE");
    claims(&url, &mut store, &reviewers, false, ROUNDS + 1);
    claims(&url, &mut store, &reviewers, true, ROUNDS + 1);
    appends(&url, &writers);
    switch(&mut admin, "ENABLE");
    println!("-- one worker, for comparison");
    claims(&url, &mut store, &reviewers[..1], true, ROUNDS);
    appends(&url, &writers[..1]);
    let verdict = store
        .read(|tx| tx.verify_audit())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(verdict, AuditVerdict::Intact { .. }),
        "{verdict:?}"
    );
    println!(
        "medians of {ROUNDS} rounds, {WORKERS} connections: claim {:.2} ms, claim as the app {:.2} ms; \
         audit appends {:.0}/s, median {:.2} ms, p95 {:.2} ms; chain {verdict:?}",
        median(claim_p50),
        median(claim_audit_p50),
        median(rates),
        median(append_p50),
        median(append_p95),
    );
}
