//! The audit chain (appends from many counters never fork it, and the
//! backend's own verifier says so), anchors, the backup log, corrupt rows,
//! and a server at another schema version.

use std::sync::Barrier;

use counterdesk::domain::clerks::anchor::Anchor;
use counterdesk::domain::clerks::audit::{AuditAction, AuditVerdict};
use counterdesk::domain::clerks::audit_target::AuditTarget;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::clerks::lockout::LockoutState;
use counterdesk::store::postgres::{LATEST_VERSION, Prompt, Target};
use counterdesk::store::{AnchorSource, NewAnchor, NewAuditEvent, NewBackup, Store, StoreError};

use super::{Kind, clerk, minutes, on_both, retry, t0};

fn event(actor_id: i64, detail: String) -> NewAuditEvent {
    NewAuditEvent {
        actor_id: Some(actor_id),
        actor: format!("clerk{actor_id}"),
        action: AuditAction::LoginSucceeded,
        target: AuditTarget::Clerk(actor_id),
        detail,
    }
}

#[test]
fn appends_chain_and_verify() {
    on_both("audit", |db| {
        let me = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let s = &mut db.store;
        assert_eq!(s.read(|tx| tx.audit_head()).unwrap(), None);
        assert_eq!(s.read(|tx| tx.audit_anchor()).unwrap(), None);
        assert_eq!(
            s.read(|tx| tx.verify_audit()).unwrap(),
            AuditVerdict::Intact { rows: 0 }
        );
        for i in 1..=5 {
            s.write(|tx| {
                tx.append_audit(&event(me, format!("第{i}次登录，空字段：")), t0())?;
                // Within the transaction the row is already in the chain.
                assert_eq!(tx.audit_head()?.map(|(seq, _)| seq), Some(i));
                Ok::<_, StoreError>(())
            })
            .unwrap();
        }
        let tail = s.read(|tx| tx.audit_tail(3)).unwrap();
        assert_eq!(tail.iter().map(|r| r.seq).collect::<Vec<_>>(), [5, 4, 3]);
        assert_eq!(tail[0].action, Some(AuditAction::LoginSucceeded));
        assert_eq!(tail[0].target, format!("clerk:{me}"));
        assert_eq!(tail[0].detail, "第5次登录，空字段：");
        match db.kind {
            Kind::Sqlite => assert_eq!(tail[0].at, t0()),
            // The row's time is the server's clock, taken under the head lock.
            Kind::Postgres => {
                assert!((tail[0].at - chrono::Utc::now()).num_seconds().abs() < 60);
            }
        }
        let head = s.read(|tx| tx.audit_head()).unwrap().unwrap();
        assert_eq!(head, (5, tail[0].hash.clone()));
        assert_eq!(
            s.read(|tx| tx.audit_anchor()).unwrap(),
            Some(Anchor {
                seq: 5,
                hash: head.1.clone()
            })
        );
        assert_eq!(
            s.read(|tx| tx.anchor_at(3)).unwrap().map(|a| a.hash),
            Some(tail[2].hash.clone())
        );
        assert_eq!(s.read(|tx| tx.anchor_at(6)).unwrap(), None);
        assert_eq!(
            s.read(|tx| tx.verify_audit()).unwrap(),
            AuditVerdict::Intact { rows: 5 }
        );
        // A rolled-back append leaves the head where it was.
        s.rehearse(|tx| tx.append_audit(&event(me, "不算".into()), t0()))
            .unwrap();
        assert_eq!(s.read(|tx| tx.audit_head()).unwrap().unwrap().0, 5);

        assert_eq!(s.read(|tx| tx.last_anchor_at()).unwrap(), None);
        let anchor = s.read(|tx| tx.audit_anchor()).unwrap().unwrap();
        s.write(|tx| {
            let a = NewAnchor {
                anchor: &anchor,
                source: AnchorSource::Receipt,
                detail: "MQ1",
            };
            tx.record_anchor(&a, t0() + minutes(1))
        })
        .unwrap();
        assert_eq!(
            s.read(|tx| tx.last_anchor_at()).unwrap(),
            Some(t0() + minutes(1))
        );
        assert_eq!(s.read(|tx| tx.last_backup_at()).unwrap(), None);
        s.write(|tx| {
            let b = NewBackup {
                file: std::path::Path::new("/media/usb/备份.sqlite3"),
                bytes: 4096,
                auto: false,
            };
            tx.record_backup(&b, t0() + minutes(2))
        })
        .unwrap();
        assert_eq!(
            s.read(|tx| tx.last_backup_at()).unwrap(),
            Some(t0() + minutes(2))
        );
    });
}

/// Twenty counters, each writing something and appending last, at once:
/// the chain stays one line, and its verifier says so.
#[test]
fn twenty_counters_appending_at_once_never_fork_the_chain() {
    on_both("audit20", |db| {
        const WRITERS: usize = 20;
        const EACH: usize = 10;
        let clerks: Vec<i64> = (0..WRITERS)
            .map(|i| clerk(&mut db.store, &format!("w{i:02}"), Role::Counter))
            .collect();
        let opener = db.opener();
        let start = Barrier::new(WRITERS);
        std::thread::scope(|sc| {
            let hs: Vec<_> = clerks
                .iter()
                .map(|&who| {
                    let (opener, start) = (&opener, &start);
                    sc.spawn(move || {
                        let mut store = opener.open();
                        start.wait();
                        (0..EACH)
                            .map(|i| {
                                retry(|| {
                                    store.write(|tx| {
                                        tx.set_lockout(
                                            who,
                                            LockoutState {
                                                failures: i as u32,
                                                locked_until: None,
                                            },
                                        )?;
                                        tx.append_audit(&event(who, format!("第{i}次")), t0())
                                    })
                                })
                            })
                            .count()
                    })
                })
                .collect();
            for h in hs {
                assert_eq!(h.join().unwrap(), EACH);
            }
        });
        let total = (WRITERS * EACH) as i64;
        let tail = db
            .store
            .read(|tx| tx.audit_tail(WRITERS * EACH + 1))
            .unwrap();
        let mut seqs: Vec<i64> = tail.iter().map(|r| r.seq).collect();
        seqs.sort();
        assert_eq!(seqs, (1..=total).collect::<Vec<_>>(), "seqs fork or skip");
        let mut said: Vec<(String, String)> = tail
            .iter()
            .map(|r| (r.target.clone(), r.detail.clone()))
            .collect();
        said.sort();
        said.dedup();
        assert_eq!(
            said.len(),
            WRITERS * EACH,
            "every append is in the chain once"
        );
        assert_eq!(
            db.store.read(|tx| tx.verify_audit()).unwrap(),
            AuditVerdict::Intact { rows: total }
        );
        assert_eq!(
            db.store.read(|tx| tx.audit_head()).unwrap().unwrap().0,
            total
        );
    });
}

/// On the server: an edit by a superuser (triggers off) is found by the
/// backend's verifier, and a deleted head stops every audited write.
#[test]
fn the_servers_verifier_finds_an_edit_and_a_missing_head_stops_writes() {
    on_both("tamper", |db| {
        let me = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        for i in 0..3 {
            db.store
                .write(|tx| tx.append_audit(&event(me, format!("{i}")), t0()))
                .unwrap();
        }
        let Some(mut admin) = db.server_admin() else {
            return; // SQLite's tamper cases: tests/it/store.rs.
        };
        admin
            .batch_execute(
                "ALTER TABLE counterdesk.audit_log DISABLE TRIGGER USER; \
                 UPDATE counterdesk.audit_log SET detail = '改过' WHERE seq = 2; \
                 ALTER TABLE counterdesk.audit_log ENABLE TRIGGER USER;",
            )
            .unwrap();
        match db.store.read(|tx| tx.verify_audit()).unwrap() {
            AuditVerdict::Broken { seq: 2, reason } => assert!(reason.contains("修改"), "{reason}"),
            v => panic!("{v:?}"),
        }
        admin
            .batch_execute(
                "ALTER TABLE counterdesk.audit_head DISABLE TRIGGER USER; \
                 DELETE FROM counterdesk.audit_head; \
                 ALTER TABLE counterdesk.audit_head ENABLE TRIGGER USER;",
            )
            .unwrap();
        let e = db
            .store
            .write(|tx| tx.append_audit(&event(me, "x".into()), t0()))
            .unwrap_err();
        assert!(matches!(e, StoreError::AuditHeadDamaged { .. }), "{e:?}");
        assert!(e.to_string().contains("verify-audit"), "{e}");
    });
}

/// A value no version writes is a typed corruption naming table, row and
/// column, never a default.
#[test]
fn a_corrupt_date_is_a_typed_error_naming_its_place() {
    on_both("corrupt", |db| {
        let me = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let bad = "2026-13-45 不是时间";
        match db.kind {
            Kind::Sqlite => {
                let c = rusqlite::Connection::open(db.file().unwrap()).unwrap();
                c.execute(
                    "UPDATE clerks SET created_at = ?1 WHERE id = ?2",
                    rusqlite::params![bad, me],
                )
                .unwrap();
            }
            Kind::Postgres => {
                db.server_admin()
                    .unwrap()
                    .execute(
                        "UPDATE counterdesk.clerks SET created_at = $1 WHERE id = $2",
                        &[&bad, &me],
                    )
                    .unwrap();
            }
        }
        let e = db.store.read(|tx| tx.clerk_by_id(me)).unwrap_err();
        match &e {
            StoreError::CorruptRow {
                table,
                row,
                column,
                value,
                ..
            } => {
                assert_eq!((*table, *row, *column), ("clerks", me, "created_at"));
                assert_eq!(value, bad);
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("check-db"), "{e}");
    });
}

#[test]
fn a_server_at_another_schema_version_is_refused_naming_office_init() {
    on_both("version", |db| {
        let Some(mut admin) = db.server_admin() else {
            return; // SQLite's version checks: tests/it/store.rs.
        };
        admin
            .execute(
                "INSERT INTO counterdesk.schema_migrations (version) VALUES ($1)",
                &[&(LATEST_VERSION + 1)],
            )
            .unwrap();
        let super::Opener::Server(url) = db.opener() else {
            unreachable!()
        };
        let Err(e) = Store::open_office(Target::parse(&url).unwrap(), Prompt::Never) else {
            panic!("opened a server at another schema version");
        };
        let text = e.to_string();
        assert!(text.contains("counterdesk office-init"), "{text}");
        assert!(!text.contains(super::super::pg::APP_PASSWORD), "{text}");
    });
}
