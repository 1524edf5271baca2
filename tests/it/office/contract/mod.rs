//! The store contract: every family of the seam exercised through `Store`
//! and `Tx` only, once on a SQLite file and once on an office-server
//! database (a throwaway PostgreSQL cluster; skipped loudly without one,
//! a failure under `COUNTERDESK_REQUIRE_PG=1`). Anything a backend must
//! keep (numbers, ordering, concurrency, refusals) is asserted the same
//! way for both; where they differ on purpose (the audit row's time is the
//! server's) the test says so.

mod claims;
mod clerks;
mod decisions;
mod exchange;
mod queue;
mod registrations;
mod trail;

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, PhotoSource};
use counterdesk::store::postgres::{Prompt, Target};
use counterdesk::store::{NewApplication, NewClerk, Store, StoreError};

use super::pg;

/// Which backend a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// One database of the contract suite, on either backend.
pub struct Db {
    pub kind: Kind,
    pub store: Store,
    place: Place,
}

enum Place {
    /// The directory is removed with the value.
    File {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Server(pg::TestDb),
}

/// How to open another connection to a [`Db`]; shared by threads.
#[derive(Debug, Clone)]
pub enum Opener {
    File(PathBuf),
    Server(String),
}

impl Opener {
    /// Another connection to the same database (its own writer), as a
    /// second counter has.
    pub fn open(&self) -> Store {
        match self {
            Opener::File(path) => Store::open(path).unwrap(),
            Opener::Server(url) => Store::open_office(Target::parse(url).unwrap(), Prompt::Never)
                .unwrap_or_else(|e| panic!("{e} {:?}", e.technical())),
        }
    }
}

impl Db {
    pub fn opener(&self) -> Opener {
        match &self.place {
            Place::File { path, .. } => Opener::File(path.clone()),
            Place::Server(db) => Opener::Server(db.app_url()),
        }
    }

    /// Another connection to the same database.
    pub fn connect(&self) -> Store {
        self.opener().open()
    }

    /// A superuser's connection to the server database (PostgreSQL only).
    pub fn server_admin(&self) -> Option<postgres::Client> {
        match &self.place {
            Place::Server(db) => Some(db.admin()),
            Place::File { .. } => None,
        }
    }

    /// The SQLite file (SQLite only).
    pub fn file(&self) -> Option<&std::path::Path> {
        match &self.place {
            Place::File { path, .. } => Some(path),
            Place::Server(_) => None,
        }
    }
}

fn sqlite(label: &str) -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{label}.sqlite3"));
    let store = Store::open(&path).unwrap();
    Db {
        kind: Kind::Sqlite,
        store,
        place: Place::File { _dir: dir, path },
    }
}

fn postgres(label: &str) -> Option<Db> {
    let db = pg::test_db(label)?;
    let store = Store::open_office(Target::parse(&db.app_url()).unwrap(), Prompt::Never)
        .unwrap_or_else(|e| panic!("{e} {:?}", e.technical()));
    Some(Db {
        kind: Kind::Postgres,
        store,
        place: Place::Server(db),
    })
}

/// Runs `f` on a fresh SQLite file, then on a fresh server database (when
/// PostgreSQL is there).
pub fn on_both(label: &str, f: impl Fn(&mut Db)) {
    f(&mut sqlite(label));
    if let Some(mut db) = postgres(label) {
        f(&mut db);
    }
}

/// Monday 2026-11-23 10:00 CST.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

pub fn clerk(store: &mut Store, user: &str, role: Role) -> i64 {
    store
        .write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: user.into(),
                    display_name: format!("{user}（测试）"),
                    role,
                    password_hash: "$argon2id$x".into(),
                    must_change_password: false,
                },
                t0(),
            )
        })
        .unwrap()
}

/// A synthetic application `i`, submitted `i` minutes after t0 − 3 days
/// (a larger `i` is never due earlier).
pub fn application(i: u64, kind: AppKind, name: &str) -> NewApplication {
    let submitted = t0() - Duration::days(3) + Duration::minutes(i as i64);
    let due = due_for(submitted);
    NewApplication {
        doc_no: format!("11010119900101{:04}", i % 10_000),
        name: name.into(),
        mobile: "13812345678".into(),
        licence_no: format!("L{i:06}"),
        classes: "C1".into(),
        licence_status: "A".into(),
        valid_from: NaiveDate::from_ymd_opt(2020, 1, 1),
        valid_until: NaiveDate::from_ymd_opt(2030, 1, 1),
        authority: "北京市公安局公安交通管理局".into(),
        photo_source: Some(PhotoSource::Camera),
        photo_verdict: Some("pass".into()),
        photo_summary: "自动检测全部合格".into(),
        ..NewApplication::bare(
            format!("SL20261123{i:07}"),
            kind,
            submitted,
            due.at,
            due.day,
            None,
        )
    }
}

/// Inserts `n` applications (kinds and names varied) and returns their ids.
pub fn fill(store: &mut Store, n: u64) -> Vec<i64> {
    let names = ["王丽", "王强", "李娜", "张伟", "赵敏"];
    store
        .write(|tx| {
            (1..=n)
                .map(|i| {
                    let kind = if i % 4 == 0 {
                        AppKind::PhotoChange
                    } else {
                        AppKind::New
                    };
                    tx.insert_application(&application(i, kind, names[(i % 5) as usize]))
                })
                .collect()
        })
        .unwrap()
}

/// Retries `f` while the backend says "busy, try again" (SQLite's lock
/// timeout, a server deadlock or serialisation failure).
pub fn retry<T>(mut f: impl FnMut() -> Result<T, StoreError>) -> T {
    for _ in 0..200 {
        match f() {
            Err(StoreError::Busy { .. }) => std::thread::sleep(std::time::Duration::from_millis(5)),
            other => return other.unwrap_or_else(|e| panic!("{e} {:?}", e.technical())),
        }
    }
    panic!("still busy after 200 tries");
}
