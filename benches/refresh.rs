//! Two-window refresh latency (issue 19): the time from a commit in a second
//! process to the "store changed" signal in this one. Not criterion: each
//! sample waits for a real poll, so 20 samples, median and spread printed.
//! `cargo bench --bench refresh`.
//!
//! The bench starts itself again as the second process (env
//! `COUNTERDESK_REFRESH_CHILD`), which adds one application per line it reads
//! on stdin and prints the wall-clock time each write started.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use counterdesk::app::runtime::store_watch;

use counterdesk::app::demo;
use counterdesk::app::demo::queue as demo_queue;
use counterdesk::app::runtime::store_watch::ChangedFlag;
use counterdesk::store::Store;

const CHILD: &str = "COUNTERDESK_REFRESH_CHILD";
const SAMPLES: usize = 20;

fn unix_nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos()
}

fn child(path: &str) {
    let mut store = Store::open(std::path::Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
    let stdin = std::io::stdin();
    let mut seed = 1u64;
    for line in stdin.lock().lines() {
        if line.is_err() {
            break;
        }
        seed += 1;
        // The write may take several transactions, and the watcher may see
        // the first: time it from the start of the write (an upper bound).
        let started = unix_nanos(SystemTime::now());
        demo_queue::generate(&mut store, 1, seed, chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{e}"));
        println!("{started}");
    }
}

fn main() {
    if let Ok(path) = std::env::var(CHILD) {
        child(&path);
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("refresh.sqlite3");
    {
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        demo::seed(&mut store, chrono::Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    }
    let (tx, rx) = mpsc::channel::<SystemTime>();
    let flag = ChangedFlag::default();
    let alive = Arc::new(());
    let watch = Store::open_reader(&path)
        .and_then(|s| s.change_watch())
        .unwrap_or_else(|e| panic!("{e}"));
    store_watch::spawn(
        watch,
        flag.clone(),
        store_watch::LinkFlag::default(),
        Arc::downgrade(&alive),
        Arc::new(move || {
            let _ = tx.send(SystemTime::now());
        }),
    );
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(exe)
        .env(CHILD, &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut to_child = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    let mut from_child = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout")));
    let mut ms = Vec::new();
    for _ in 0..SAMPLES {
        // Let the watcher's quiet time after the last signal run out.
        std::thread::sleep(store_watch::QUIET_AFTER_SIGNAL + Duration::from_millis(300));
        while rx.try_recv().is_ok() {}
        flag.take();
        writeln!(to_child, "go").unwrap_or_else(|e| panic!("{e}"));
        let mut line = String::new();
        from_child
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("{e}"));
        let committed: u128 = line.trim().parse().unwrap_or_else(|e| panic!("{e}"));
        let seen = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("no signal: {e}"));
        ms.push(unix_nanos(seen).saturating_sub(committed) as f64 / 1e6);
    }
    drop(to_child);
    let _ = child.wait();
    ms.sort_by(f64::total_cmp);
    println!(
        "refresh latency between two processes, {SAMPLES} commits: median {:.0} ms, min {:.0} ms, max {:.0} ms (poll every {} ms)",
        ms[SAMPLES / 2],
        ms[0],
        ms[SAMPLES - 1],
        store_watch::POLL.as_millis()
    );
}
