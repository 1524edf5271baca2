//! The audit chain on the server: appended only through `audit_append()`,
//! never forked by concurrent counters, and verified by the very code that
//! verifies a workstation's SQLite file.

use std::sync::Barrier;

use counterdesk::domain::clerks::audit::{AuditAction, AuditContent, AuditVerdict, GENESIS_HASH};
use counterdesk::store::postgres::{append_audit, audit_anchor};
use counterdesk::store::{NewAuditEvent, ReadOnlyDb, Store};
use postgres::Client;

use super::pg;

fn event(actor_id: Option<i64>, actor: &str, detail: &str) -> NewAuditEvent {
    NewAuditEvent {
        actor_id,
        actor: actor.into(),
        action: AuditAction::LoginSucceeded,
        target: counterdesk::domain::clerks::audit_target::AuditTarget::Clerk(1),
        detail: detail.into(),
    }
}

/// Copies the server's chain (rows and head as they are) into a fresh
/// workstation file and runs the workstation's own verifier on it. Only the
/// SQLite head's own guard triggers are dropped, so the server's head goes
/// in unchanged; an empty chain (head at seq 0) becomes "no head row".
pub fn verify_like_a_workstation(client: &mut Client) -> AuditVerdict {
    let rows = client
        .query(
            "SELECT seq, at, actor_id, actor, action, target, detail, prev_hash, hash \
             FROM counterdesk.audit_log ORDER BY seq",
            &[],
        )
        .unwrap();
    let head = client
        .query_one("SELECT seq, hash FROM counterdesk.audit_head", &[])
        .unwrap();
    let (head_seq, head_hash): (i64, String) = (head.get(0), head.get(1));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.sqlite3");
    drop(Store::open(&path).unwrap());
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch("DROP TRIGGER audit_head_first_row; DROP TRIGGER audit_head_forward_only;")
        .unwrap();
    for r in &rows {
        tx.execute(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, target, detail, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                r.get::<_, i64>(0),
                r.get::<_, String>(1),
                r.get::<_, Option<i64>>(2),
                r.get::<_, String>(3),
                r.get::<_, String>(4),
                r.get::<_, String>(5),
                r.get::<_, String>(6),
                r.get::<_, String>(7),
                r.get::<_, String>(8),
            ],
        )
        .unwrap();
    }
    if head_seq > 0 {
        tx.execute(
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)",
            rusqlite::params![head_seq, head_hash],
        )
        .unwrap();
    } else {
        assert_eq!(head_hash, GENESIS_HASH);
    }
    tx.commit().unwrap();
    drop(conn);
    ReadOnlyDb::open(&path).unwrap().verify_audit().unwrap()
}

#[test]
fn twenty_counters_appending_at_once_never_fork_the_chain() {
    let Some(db) = pg::test_db("chain20") else {
        return;
    };
    const WORKERS: usize = 20;
    const EACH: usize = 25;
    let start = Barrier::new(WORKERS);
    std::thread::scope(|s| {
        for w in 0..WORKERS {
            let (db, start) = (&db, &start);
            s.spawn(move || {
                let mut app = db.app();
                start.wait();
                for i in 0..EACH {
                    // As the store will: the transaction's own write first,
                    // the append last, just before COMMIT.
                    let mut tx = app.transaction().unwrap();
                    tx.execute(
                        "INSERT INTO settings (key, value) VALUES ($1, $2) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[&format!("worker{w}"), &i.to_string()],
                    )
                    .unwrap();
                    let e = event(
                        Some(w as i64 + 1),
                        &format!("clerk{w:02}"),
                        &format!("第{i}次"),
                    );
                    append_audit(&mut tx, &e).unwrap();
                    tx.commit().unwrap();
                }
            });
        }
    });
    let mut admin = db.admin();
    let total = (WORKERS * EACH) as i64;
    let (rows, first, last): (i64, i64, i64) = admin
        .query_one(
            "SELECT count(*), min(seq), max(seq) FROM counterdesk.audit_log",
            &[],
        )
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .unwrap();
    assert_eq!((rows, first, last), (total, 1, total));
    // Server time is taken under the lock: it never goes back along the chain.
    let backwards: i64 = admin
        .query_one(
            "SELECT count(*) FROM counterdesk.audit_log a JOIN counterdesk.audit_log b \
             ON b.seq = a.seq + 1 WHERE b.at < a.at",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(backwards, 0);
    assert_eq!(
        verify_like_a_workstation(&mut admin),
        AuditVerdict::Intact { rows: total }
    );
    let anchor = audit_anchor(&mut db.app()).unwrap().unwrap();
    assert_eq!(anchor.seq, total);
}

#[test]
fn the_hash_is_the_domain_rule_for_chinese_empty_and_missing_fields() {
    let Some(db) = pg::test_db("hashrule") else {
        return;
    };
    let mut app = db.app();
    assert_eq!(audit_anchor(&mut app).unwrap(), None);
    assert_eq!(
        verify_like_a_workstation(&mut app),
        AuditVerdict::Intact { rows: 0 }
    );
    let events = [
        event(None, "未知账号 3f2a", ""),
        event(Some(7), "赵敏", "账号：王丽；原因：连续失败 5 次"),
        event(Some(-1), "a;b:c", "x\ny"),
    ];
    for e in &events {
        append_audit(&mut app, e).unwrap();
    }
    let mut prev = GENESIS_HASH.to_owned();
    for (i, r) in app
        .query(
            "SELECT seq, at, actor_id, actor, action, target, detail, prev_hash, hash \
             FROM audit_log ORDER BY seq",
            &[],
        )
        .unwrap()
        .iter()
        .enumerate()
    {
        let e = &events[i];
        let at: String = r.get(1);
        assert!(
            counterdesk::store::format_time(
                chrono::DateTime::parse_from_rfc3339(&at).unwrap().into()
            ) == at,
            "the server writes the store's time format: {at}"
        );
        let target = e.target.to_string();
        let content = AuditContent {
            seq: r.get(0),
            at: &at,
            actor_id: e.actor_id,
            actor: &e.actor,
            action: e.action.code(),
            target: &target,
            detail: &e.detail,
        };
        assert_eq!(r.get::<_, Option<i64>>(2), e.actor_id);
        assert_eq!(r.get::<_, String>(7), prev);
        let hash: String = r.get(8);
        assert_eq!(hash, content.chain_hash(&prev), "row {}", i + 1);
        prev = hash;
    }
    assert_eq!(
        verify_like_a_workstation(&mut app),
        AuditVerdict::Intact { rows: 3 }
    );
}

#[test]
fn tampering_by_the_owner_is_blocked_by_triggers_and_caught_by_verification() {
    let Some(db) = pg::test_db("tamper") else {
        return;
    };
    let mut app = db.app();
    for i in 0..5 {
        append_audit(&mut app, &event(Some(1), "admin", &i.to_string())).unwrap();
    }
    let mut admin = db.admin();
    for (sql, says) in [
        (
            "UPDATE counterdesk.audit_log SET detail = 'x' WHERE seq = 3",
            "append-only",
        ),
        (
            "DELETE FROM counterdesk.audit_log WHERE seq = 5",
            "append-only",
        ),
        ("TRUNCATE counterdesk.audit_log CASCADE", "append-only"),
        (
            "UPDATE counterdesk.audit_head SET seq = 4",
            "only moves forward",
        ),
        (
            "UPDATE counterdesk.audit_head SET seq = 6, hash = 'x'",
            "only moves forward",
        ),
        ("DELETE FROM counterdesk.audit_head", "append-only"),
        ("TRUNCATE counterdesk.audit_head", "append-only"),
    ] {
        let e = admin.batch_execute(sql).unwrap_err();
        assert!(format!("{e:?}").contains(says), "{sql}: {e:?}");
    }
    // A superuser can still switch the triggers off; the chain shows it.
    admin
        .batch_execute(
            "ALTER TABLE counterdesk.audit_log DISABLE TRIGGER audit_log_no_update; \
             UPDATE counterdesk.audit_log SET detail = 'x' WHERE seq = 3;",
        )
        .unwrap();
    assert!(matches!(
        verify_like_a_workstation(&mut admin),
        AuditVerdict::Broken { seq: 3, .. }
    ));
}

/// A transaction that has staged its audit row but not yet committed (a
/// workstation between its last statement and its COMMIT) holds no lock on
/// the head: another counter appends and commits meanwhile, and the first
/// row joins the chain after it, at its own COMMIT, in staging order.
#[test]
fn a_staged_row_holds_the_head_only_inside_commit() {
    let Some(db) = pg::test_db("staged") else {
        return;
    };
    let mut first = db.app();
    let mut second = db.app();
    let stage = "SELECT audit_stage(1, 'admin', 'login_succeeded', 'clerk:1', $1)";
    let mut tx = first.transaction().unwrap();
    tx.execute(stage, &[&"先暂存 1"]).unwrap();
    tx.execute(stage, &[&"先暂存 2"]).unwrap();
    // Would wait for `first` if its rows held the head.
    second
        .batch_execute("SET statement_timeout = '2s'")
        .unwrap();
    second.execute(stage, &[&"后来先提交"]).unwrap();
    tx.commit().unwrap();
    let details: Vec<String> = second
        .query("SELECT detail FROM audit_log ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(details, ["后来先提交", "先暂存 1", "先暂存 2"]);
    // Nothing stays staged, and the chain holds.
    let left: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM counterdesk.audit_pending", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    assert_eq!(
        verify_like_a_workstation(&mut second),
        AuditVerdict::Intact { rows: 3 }
    );
    // A rolled-back transaction's staged row never joins.
    let mut tx = first.transaction().unwrap();
    tx.execute(stage, &[&"撤销"]).unwrap();
    tx.rollback().unwrap();
    assert_eq!(
        verify_like_a_workstation(&mut second),
        AuditVerdict::Intact { rows: 3 }
    );
}
