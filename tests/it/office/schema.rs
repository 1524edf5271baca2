//! The PostgreSQL migrations: fresh, repeated, concurrent, shaped like the
//! SQLite schema, their triggers, and the "store changed" NOTIFY.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use counterdesk::store::Lease;
use counterdesk::store::Store;
use counterdesk::store::postgres::{
    self as pg_store, LATEST_VERSION, Migrated, office_init, schema_version,
};
use postgres::Client;

use super::pg;

#[test]
fn migrations_apply_on_a_fresh_database_and_a_second_run_changes_nothing() {
    let Some(db) = pg::empty_db("fresh") else {
        return;
    };
    let mut admin = db.admin();
    assert_eq!(schema_version(&mut admin).unwrap(), None);
    let first = office_init(&mut admin, &db.admin_target()).unwrap();
    assert_eq!(
        first.migrated,
        Migrated {
            from: 0,
            to: LATEST_VERSION
        }
    );
    assert_eq!(schema_version(&mut admin).unwrap(), Some(LATEST_VERSION));
    let versions: Vec<i64> = admin
        .query(
            "SELECT version FROM counterdesk.schema_migrations ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, (1..=LATEST_VERSION).collect::<Vec<_>>());

    let again = office_init(&mut admin, &db.admin_target()).unwrap();
    assert_eq!(
        again.migrated,
        Migrated {
            from: LATEST_VERSION,
            to: LATEST_VERSION
        }
    );
    assert!(again.created_roles.is_empty());
    assert_eq!(
        pg_store::migrate(&mut admin).unwrap(),
        Migrated {
            from: LATEST_VERSION,
            to: LATEST_VERSION
        }
    );
}

#[test]
fn two_office_inits_at_once_apply_each_step_once() {
    let Some(db) = pg::empty_db("race") else {
        return;
    };
    let results: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|_| s.spawn(|| office_init(&mut db.admin(), &db.admin_target())))
            .collect();
        runs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &results {
        let r = r.as_ref().unwrap();
        assert_eq!(r.migrated.to, LATEST_VERSION);
    }
    // Exactly one of them applied the steps (the other waited on the lock).
    let applied: Vec<i64> = results
        .iter()
        .map(|r| r.as_ref().unwrap().migrated.from)
        .collect();
    assert!(applied.contains(&0), "{applied:?}");
    let n: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM counterdesk.schema_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, LATEST_VERSION);
}

/// Table → columns in order: (name, type, not null).
type Shape = BTreeMap<String, Vec<(String, String, bool)>>;

fn sqlite_shape() -> (Shape, BTreeSet<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shape.sqlite3");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut shape = Shape::new();
    for t in tables {
        let cols = conn
            .prepare(&format!("PRAGMA table_info({t})"))
            .unwrap()
            .query_map([], |r| {
                let ty: String = r.get(2)?;
                let notnull: bool = r.get(3)?;
                let pk: i64 = r.get(5)?;
                let ty = match ty.as_str() {
                    "INTEGER" => "bigint",
                    "TEXT" => "text",
                    "BLOB" => "bytea",
                    other => panic!("unmapped SQLite type {other}"),
                };
                Ok((r.get(1)?, ty.to_owned(), notnull || pk > 0))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        shape.insert(t, cols);
    }
    let indexes = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (shape, indexes)
}

fn postgres_shape(client: &mut Client) -> (Shape, BTreeSet<String>) {
    let mut shape = Shape::new();
    for r in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO' \
             FROM information_schema.columns \
             WHERE table_schema = 'counterdesk' AND table_name <> 'schema_migrations' \
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        shape
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), r.get(2), r.get(3)));
    }
    // Indexes made by CREATE INDEX, not those behind PRIMARY KEY/UNIQUE.
    let indexes = client
        .query(
            "SELECT i.indexname::text FROM pg_indexes i \
             WHERE i.schemaname = 'counterdesk' AND NOT EXISTS ( \
                 SELECT 1 FROM pg_constraint c \
                 WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    (shape, indexes)
}

#[test]
fn the_schema_has_the_sqlite_tables_columns_and_indexes() {
    let Some(db) = pg::test_db("shape") else {
        return;
    };
    let (sqlite, sqlite_indexes) = sqlite_shape();
    let (mut postgres, postgres_indexes) = postgres_shape(&mut db.admin());
    // The one deliberate difference (migration 10): the server's tallies
    // have a slot per connection, summed on read; SQLite's single writer
    // needs none.
    for table in ["queue_counts", "decision_days", "decision_reasons"] {
        let cols = postgres.get_mut(table).unwrap();
        assert_eq!(
            cols.pop(),
            Some(("slot".to_owned(), "bigint".to_owned(), true)),
            "{table}"
        );
    }
    // The other: what `counterdesk migrate` records exists on the server
    // only (a file is never a migration's target).
    for table in ["workstation_migrations", "audit_chapters"] {
        assert!(postgres.remove(table).is_some(), "{table}");
    }
    // And the audit rows a server transaction stages until its COMMIT
    // links them (migration 16); a file's writer links them at once.
    assert!(postgres.remove("audit_pending").is_some());
    assert_eq!(
        sqlite.keys().collect::<Vec<_>>(),
        postgres.keys().collect::<Vec<_>>()
    );
    for (table, cols) in &sqlite {
        assert_eq!(Some(cols), postgres.get(table), "table {table}");
    }
    assert_eq!(sqlite_indexes, postgres_indexes);
}

/// The derived tables follow writes made as the workstation role, which may
/// not write them itself (SECURITY DEFINER triggers).
#[test]
fn triggers_keep_counts_change_log_and_dashboard_as_on_sqlite() {
    let Some(db) = pg::test_db("triggers") else {
        return;
    };
    let mut app = db.app();
    let clerk: i64 = app
        .query_one(
            "INSERT INTO clerks (username, display_name, role, password_hash, created_at, \
             password_changed_at) VALUES ('zhaomin', '赵敏', 'supervisor', 'x', \
             '2026-11-20T01:00:00.000Z', '2026-11-20T01:00:00.000Z') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    let mut ids = Vec::new();
    for i in 0..3 {
        let id: i64 = app
            .query_one(
                "INSERT INTO applications (app_no, kind, doc_no, name, mobile, submitted_at, \
                 due_at, due_day) VALUES ($1, 'new', '110101199001011237', '测试', '13800000000', \
                 '2026-11-20T01:00:00.000Z', '2026-11-23T01:00:00.000Z', '2026-11-23') \
                 RETURNING id",
                &[&format!("MQ{i}")],
            )
            .unwrap()
            .get(0);
        ids.push(id);
    }
    let mut tx = app.transaction().unwrap();
    tx.execute(
        "UPDATE applications SET status = 'returned' WHERE id = $1",
        &[&ids[0]],
    )
    .unwrap();
    // 2026-11-20T17:30Z is already 11-21 in China.
    tx.execute(
        "INSERT INTO decisions (application_id, outcome, reasons, free_text, notice, \
         photo_report, decided_by, decided_at, claim_seq) \
         VALUES ($1, 'returned', 'blurry,glasses,blurry', '', '', '', $2, \
         '2026-11-20T17:30:00.000Z', 1)",
        &[&ids[0], &clerk],
    )
    .unwrap();
    tx.commit().unwrap();

    let counts: Vec<(String, i64)> = app
        .query(
            "SELECT status, sum(n)::bigint FROM queue_counts WHERE kind = 'new' \
             GROUP BY status ORDER BY status",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        counts,
        vec![("pending".to_owned(), 2), ("returned".to_owned(), 1)]
    );
    let day: (String, String, i64) = app
        .query_one(
            "SELECT day, outcome, sum(n)::bigint FROM decision_days GROUP BY 1, 2",
            &[],
        )
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .unwrap();
    assert_eq!(day, ("2026-11-21".to_owned(), "returned".to_owned(), 1));
    let reasons: Vec<(String, i64)> = app
        .query(
            "SELECT reason, sum(n)::bigint FROM decision_reasons GROUP BY 1 ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        reasons,
        vec![("blurry".to_owned(), 2), ("glasses".to_owned(), 1)]
    );

    // Decisions are final, even for the owner (the app may not even try).
    let mut admin = db.admin();
    let e = admin
        .execute("UPDATE counterdesk.decisions SET outcome = 'approved'", &[])
        .unwrap_err();
    assert!(format!("{e:?}").contains("decisions are final"), "{e:?}");

    // Every registration write lands in the change log.
    let reg: i64 = app
        .query_one(
            "INSERT INTO registrations (reg_no, kind, status, doc_type, doc_number, name, mobile, \
             sighted, office, clerk_id, created_at, updated_at, idempotency_key) VALUES \
             ('R1', 'person', 'registered', 'A', '110101199001011237', '测试', '13800000000', \
             'id', '某车管所', $1, 't', 't', 'k1') RETURNING id",
            &[&clerk],
        )
        .unwrap()
        .get(0);
    app.execute(
        "UPDATE registrations SET mobile = '13900000000' WHERE id = $1",
        &[&reg],
    )
    .unwrap();
    let changes: i64 = app
        .query_one(
            "SELECT count(*) FROM registration_changes WHERE registration_id = $1",
            &[&reg],
        )
        .unwrap()
        .get(0);
    assert_eq!(changes, 2);
    // Migration 5: a returned company may register again.
    app.execute(
        "UPDATE registrations SET status = 'returned' WHERE id = $1",
        &[&reg],
    )
    .unwrap();
    app.execute(
        "INSERT INTO registrations (reg_no, kind, status, doc_type, doc_number, name, mobile, \
         sighted, office, clerk_id, created_at, updated_at, idempotency_key) VALUES \
         ('R2', 'person', 'registered', 'A', '110101199001011237', '测试', '13800000000', \
         'id', '某车管所', $1, 't', 't', 'k2')",
        &[&clerk],
    )
    .unwrap();
}

#[test]
fn a_change_notifies_on_commit_and_a_rollback_notifies_nobody() {
    let Some(db) = pg::test_db("notify") else {
        return;
    };
    let mut listener = db.app();
    pg_store::listen(&mut listener).unwrap();
    let mut writer = db.app();

    let mut tx = writer.transaction().unwrap();
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ('office_name', '某车管所')",
        &[],
    )
    .unwrap();
    // Not before the commit (waiting only makes an early delivery likelier).
    assert_eq!(
        pg_store::next_change(&mut listener, Duration::from_millis(200)).unwrap(),
        None
    );
    tx.rollback().unwrap();

    let mut tx = writer.transaction().unwrap();
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ('idle_minutes', '5')",
        &[],
    )
    .unwrap();
    tx.commit().unwrap();
    // Drafts are private: saving one tells nobody.
    writer
        .execute(
            "INSERT INTO clerks (username, display_name, role, password_hash, created_at, \
             password_changed_at) VALUES ('wangli', '王丽', 'counter', 'x', 't', 't')",
            &[],
        )
        .unwrap();
    writer
        .execute(
            "INSERT INTO drafts (clerk_id, key, body, updated_at) \
             SELECT id, 'registration', '{}', 't' FROM clerks",
            &[],
        )
        .unwrap();
    writer
        .execute(
            "UPDATE settings SET value = '6' WHERE key = 'idle_minutes'",
            &[],
        )
        .unwrap();

    let mut got = Vec::new();
    while let Some(table) = pg_store::next_change(&mut listener, Duration::from_secs(10)).unwrap() {
        got.push(table);
        if got.len() == 3 {
            break;
        }
    }
    // The rolled-back insert sent nothing; the committed ones arrive in
    // commit order; the draft sent nothing (else "drafts" would be third).
    assert_eq!(got, ["settings", "clerks", "settings"]);
}

/// Claims and renewals wake no other counter (migration 13: a notifying
/// commit serialises the hall's commits); releases, decisions and new
/// applications still do, at commit.
#[test]
fn claims_and_renewals_notify_nobody_but_decisions_releases_and_new_applications_do() {
    use chrono::Utc;
    use counterdesk::domain::clerks::audit::AuditAction;
    use counterdesk::domain::clerks::audit_target::AuditTarget;
    use counterdesk::domain::clerks::clerk::Role;
    use counterdesk::domain::review::queue::due_for;
    use counterdesk::domain::review::{AppKind, LEASE, Outcome};
    use counterdesk::store::postgres::{Prompt, Target};
    use counterdesk::store::{NewApplication, NewAuditEvent, NewClerk, NewDecision};

    let Some(db) = pg::test_db("quiet_claims") else {
        return;
    };
    let mut store =
        Store::open_office(Target::parse(&db.app_url()).unwrap(), Prompt::Never).unwrap();
    let now = Utc::now();
    let insert = |store: &mut Store, no: &str| {
        let due = due_for(now);
        store
            .write(|tx| {
                tx.insert_application(&NewApplication::bare(
                    no.into(),
                    AppKind::New,
                    now,
                    due.at,
                    due.day,
                    None,
                ))
            })
            .unwrap()
    };
    let clerk = store
        .write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: "zhaomin".into(),
                    display_name: "赵敏".into(),
                    role: Role::Supervisor,
                    password_hash: "x".into(),
                    must_change_password: false,
                },
                now,
            )
        })
        .unwrap();
    insert(&mut store, "SL1");
    let mut listener = db.app();
    pg_store::listen(&mut listener).unwrap();
    let quiet = |listener: &mut Client| {
        pg_store::next_change(listener, Duration::from_millis(300)).unwrap()
    };
    let audit = |action, id| NewAuditEvent {
        actor_id: Some(clerk),
        actor: "zhaomin".into(),
        action,
        target: AuditTarget::Application(id),
        detail: String::new(),
    };
    let claim = |store: &mut Store| {
        store
            .write(|tx| {
                let c = tx
                    .claim_next(clerk, Lease::new(now, now + LEASE), None)?
                    .unwrap();
                tx.append_audit(&audit(AuditAction::ReviewClaimed, c.id), now)?;
                Ok(c)
            })
            .unwrap()
    };
    let c = claim(&mut store);
    assert_eq!(quiet(&mut listener), None, "a claim with its audit row");
    assert!(
        store
            .write(|tx| tx.renew_claim(c.id, (clerk, c.seq), now + LEASE + LEASE))
            .unwrap()
    );
    assert_eq!(quiet(&mut listener), None, "a renewal");

    assert!(
        store
            .write(|tx| tx.release_claim(c.id, Some((clerk, c.seq))))
            .unwrap()
    );
    let got = pg_store::next_change(&mut listener, Duration::from_secs(10)).unwrap();
    assert_eq!(got.as_deref(), Some("applications"), "a release");

    let c = claim(&mut store);
    assert_eq!(quiet(&mut listener), None, "a second claim");
    store
        .write(|tx| {
            let d = tx.decide(
                &NewDecision {
                    application_id: c.id,
                    clerk,
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
            )?;
            tx.append_audit(&audit(AuditAction::ReviewApproved, c.id), now)?;
            Ok(d)
        })
        .unwrap()
        .unwrap();
    assert!(
        pg_store::next_change(&mut listener, Duration::from_secs(10))
            .unwrap()
            .is_some(),
        "a decision"
    );
    while quiet(&mut listener).is_some() {}
    insert(&mut store, "SL2");
    assert_eq!(
        pg_store::next_change(&mut listener, Duration::from_secs(10))
            .unwrap()
            .as_deref(),
        Some("applications"),
        "a new application"
    );
}
