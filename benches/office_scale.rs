//! Office server (issue 22), the hall's reads at scale and the live refresh:
//! - the review queue's first page, its overdue page, its counts and the
//!   工作台 dashboard (the app's use case, on a reader connection) at
//!   1 000 and 1 000 000 applications on PostgreSQL, and their ratio;
//! - "store changed" across two processes: this process watches
//!   (`Store::change_watch`), a child process (this binary again) adds an
//!   application when told; the time from the child's write to the watch
//!   saying so, 20 times.
//!
//! Not criterion (a million rows are loaded once; two processes). Each
//! measurement runs in two rounds and prints medians.
//! `cargo bench --bench office_scale [-- notify|scale]` (needs the
//! PostgreSQL server binaries; the cluster runs with fsync on).

#[path = "../tests/common/pg.rs"]
mod pg;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::demo::queue::{demo_photos, offline};
use counterdesk::app::exchange::dashboard;
use counterdesk::app::photo::intake::PhotoIntake;
use counterdesk::app::runtime::call::Call;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, LEASE, Outcome, Scope};
use counterdesk::store::Lease;
use counterdesk::store::postgres::{Prompt, Target};
use counterdesk::store::{NewApplication, NewClerk, NewDecision, PageQuery, QueueClock, Store};

const SIZES: [u64; 2] = [1_000, 1_000_000];
const ROUNDS: usize = 2;
const REPEAT: usize = 30;
const NOTICES: usize = 20;
const DECIDED: usize = 200;

fn open(url: &str) -> Store {
    Store::open_office(
        Target::parse(url).unwrap_or_else(|e| panic!("{e}")),
        Prompt::Never,
    )
    .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn supervisor(store: &mut Store, now: DateTime<Utc>) -> SessionClerk {
    let rec = store
        .write(|tx| {
            if tx.clerk_by_username("scale01")?.is_none() {
                tx.insert_clerk(
                    &NewClerk {
                        username: "scale01".into(),
                        display_name: "规模".into(),
                        role: Role::Supervisor,
                        password_hash: "x".into(),
                        must_change_password: false,
                    },
                    now,
                )?;
            }
            tx.clerk_by_username("scale01")
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no clerk"));
    SessionClerk::from(&rec)
}

/// `n` demo applications (the generator's mix of kinds, photos and due
/// days) through the bulk path, in transactions of 50 000, then `DECIDED`
/// of them decided so the dashboard has something to sum.
fn fill(store: &mut Store, n: u64, who: i64, now: DateTime<Utc>) {
    let today = counterdesk::domain::review::queue::cst_date(now);
    let photos: Vec<(i64, PhotoIntake)> = demo_photos()
        .map(|(_, bytes)| {
            let report =
                counterdesk::photo::check_bytes(bytes, today).unwrap_or_else(|e| panic!("{e}"));
            let id = store
                .write(|tx| tx.put_blob(bytes, "image/jpeg", now))
                .unwrap_or_else(|e| panic!("{e}"));
            (id, PhotoIntake::from_report(&report.report))
        })
        .collect();
    let started = Instant::now();
    let mut apps = offline(n, 20261123, now, 1).peekable();
    while apps.peek().is_some() {
        store
            .write(|tx| {
                let first = tx.max_application_id()? + 1;
                let bulk = tx.begin_bulk_insert()?;
                for mut a in apps.by_ref().take(50_000) {
                    // `offline` numbers the demo photos; here they are blobs
                    // with their intake checks, as `generate` stores them.
                    if let Some(i) = a.photo_blob {
                        let (id, intake) = &photos[i as usize];
                        a.photo_blob = Some(*id);
                        a.photo_verdict = Some(intake.verdict.clone());
                        a.photo_failed = intake.failed.clone();
                        a.photo_summary = intake.summary.clone();
                    }
                    a.previous_photo_blob = a.previous_photo_blob.map(|i| photos[i as usize].0);
                    tx.insert_application(&a)?;
                }
                tx.end_bulk_insert(bulk, first)
            })
            .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()));
    }
    for _ in 0..DECIDED {
        store
            .write(|tx| {
                let Some(c) = tx.claim_next(who, Lease::new(now, now + LEASE), None)? else {
                    return Ok(());
                };
                tx.decide(
                    &NewDecision {
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
                    },
                    &[],
                    now,
                )
                .map(drop)
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    eprintln!(
        "filled {n} applications in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn time(f: &mut impl FnMut()) -> Duration {
    for _ in 0..3 {
        f();
    }
    let mut v: Vec<Duration> = (0..REPEAT)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

/// Median ms of (first page, overdue page, counts, dashboard) on a reader.
fn reads(url: &str, actor: &SessionClerk, now: DateTime<Utc>) -> [f64; 4] {
    let mut reader = open(url);
    let clock = QueueClock::at(now, actor.id);
    let q = |scope| PageQuery {
        scope,
        kind: None,
        search: None,
        after: None,
        offset: 0,
        limit: 50,
    };
    let (first, overdue) = (q(Scope::Open), q(Scope::Overdue));
    let page = |reader: &mut Store, q: &PageQuery| {
        let rows = reader
            .read(|tx| tx.queue_page(q, &clock))
            .unwrap_or_else(|e| panic!("{e}"));
        rows.len()
    };
    eprintln!(
        "rows on the first page {}, on the overdue page {}",
        page(&mut reader, &first),
        page(&mut reader, &overdue)
    );
    let a = time(&mut || {
        page(&mut reader, &first);
    });
    let b = time(&mut || {
        page(&mut reader, &overdue);
    });
    let c = time(&mut || {
        reader
            .read(|tx| tx.queue_counts(&clock))
            .unwrap_or_else(|e| panic!("{e}"));
    });
    let d = time(&mut || {
        dashboard::handle(Call::new(&mut reader, now, actor), dashboard::Req::Load)
            .unwrap_or_else(|e| panic!("{e}"));
    });
    [a, b, c, d].map(|d| d.as_secs_f64() * 1000.0)
}

fn scale(cluster: &pg::Cluster) {
    let now = Utc::now();
    let names = ["first page", "overdue page", "counts", "dashboard"];
    let mut by_size = Vec::new();
    for n in SIZES {
        let db = format!("scale{n}");
        cluster.init_db(&db);
        let url = cluster.app_url(&db);
        let mut store = open(&url);
        let actor = supervisor(&mut store, now);
        fill(&mut store, n, actor.id, now);
        cluster
            .admin(&db)
            .batch_execute("VACUUM ANALYZE")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut rounds: Vec<[f64; 4]> = Vec::new();
        for round in 1..=ROUNDS {
            let r = reads(&url, &actor, now);
            println!(
                "{n} applications, round {round} (load {}): {}",
                load_avg(),
                names
                    .iter()
                    .zip(r)
                    .map(|(k, v)| format!("{k} {v:.2} ms"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            rounds.push(r);
        }
        let med: Vec<f64> = (0..4)
            .map(|i| median(rounds.iter().map(|r| r[i]).collect()))
            .collect();
        by_size.push(med);
    }
    for (i, k) in names.iter().enumerate() {
        println!(
            "{k}: {:.2} ms at {}, {:.2} ms at {}, ratio {:.2}",
            by_size[0][i],
            SIZES[0],
            by_size[1][i],
            SIZES[1],
            by_size[1][i] / by_size[0][i]
        );
    }
}

fn epoch_us() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros()
}

/// The child: one new application per line on stdin; answers the time its
/// write began and the time its COMMIT returned (µs since the epoch).
fn child(url: &str) {
    let mut store = open(url);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for (i, line) in stdin.lock().lines().enumerate() {
        if line.is_err() {
            break;
        }
        let now = Utc::now();
        let due = due_for(now);
        let began = epoch_us();
        store
            .write(|tx| {
                tx.insert_application(&NewApplication::bare(
                    format!("NT{}{i:06}", std::process::id()),
                    AppKind::New,
                    now,
                    due.at,
                    due.day,
                    None,
                ))
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let done = epoch_us();
        let _ = writeln!(out, "{began} {done}");
        let _ = out.flush();
    }
}

fn notify(cluster: &pg::Cluster) {
    cluster.init_db("notify");
    let url = cluster.app_url("notify");
    let store = open(&url);
    let mut watch = store.change_watch().unwrap_or_else(|e| panic!("{e}"));
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut medians = (Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        let mut kid = Command::new(&exe)
            .args(["--notify-child", &url])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut to = kid.stdin.take().unwrap_or_else(|| panic!("stdin"));
        let mut from = BufReader::new(kid.stdout.take().unwrap_or_else(|| panic!("stdout")));
        // Starting point, and whatever init_db and the child's connect sent.
        while watch
            .changed(Duration::from_millis(300))
            .unwrap_or_else(|e| panic!("{e}"))
        {}
        let (mut from_write, mut from_commit) = (Vec::new(), Vec::new());
        for _ in 0..NOTICES {
            writeln!(to, "go").unwrap_or_else(|e| panic!("{e}"));
            to.flush().unwrap_or_else(|e| panic!("{e}"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while !watch
                .changed(Duration::from_millis(250))
                .unwrap_or_else(|e| panic!("{e}"))
            {
                assert!(Instant::now() < deadline, "no notice within 10 s");
            }
            let seen = epoch_us();
            let mut line = String::new();
            from.read_line(&mut line).unwrap_or_else(|e| panic!("{e}"));
            let t: Vec<u128> = line
                .split_whitespace()
                .map(|s| s.parse().unwrap_or_else(|e| panic!("{e}")))
                .collect();
            from_write.push((seen as f64 - t[0] as f64) / 1000.0);
            // Negative: the notice came before the writer's call returned
            // (it waits for the disk after the commit is visible).
            from_commit.push((seen as f64 - t[1] as f64) / 1000.0);
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(to);
        let _ = kid.wait();
        let (w, c) = (median(from_write), median(from_commit));
        println!(
            "refresh across processes, round {round} (load {}): median of {NOTICES} \
             {w:.2} ms from the write's start, {c:.2} ms after the writer's call returned",
            load_avg()
        );
        medians.0.push(w);
        medians.1.push(c);
    }
    println!(
        "refresh across processes: {:.2} ms from the write's start, {:.2} ms after the call returned \
         (medians of {ROUNDS} rounds)",
        median(medians.0),
        median(medians.1)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--notify-child") {
        child(&args[i + 1]);
        return;
    }
    let only = |what: &str| {
        let picked: Vec<&String> = args
            .iter()
            .skip(1)
            .filter(|a| *a == "notify" || *a == "scale")
            .collect();
        picked.is_empty() || picked.iter().any(|a| *a == what)
    };
    let Some(cluster) = pg::Cluster::start_durable(true) else {
        return;
    };
    println!("load average at start: {}", load_avg());
    if only("notify") {
        notify(&cluster);
    }
    if only("scale") {
        scale(&cluster);
    }
}
