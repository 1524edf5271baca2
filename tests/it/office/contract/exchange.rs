//! Data exchange through the seam: a bulk import counted once at its end
//! (also while another counter inserts meanwhile, on the server), and an
//! export run that claims what was committed and streams it in batches.

use std::ops::ControlFlow;

use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::domain::clerks::audit_target::AuditTarget;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::registration::RegistrationKind;
use counterdesk::domain::review::{AppKind, Outcome};
use counterdesk::store::Lease;
use counterdesk::store::{
    Channel, ExportRecord, ImportRecord, NewAuditEvent, NewDecision, NewExport, NewMessage,
    QueueClock, STREAM_AUDIT, STREAM_DECISIONS, STREAM_NOTICES, STREAM_REGISTRATIONS, Store,
};

use super::{Kind, application, clerk, fill, minutes, on_both, t0};

fn open_count(s: &mut Store) -> (i64, i64) {
    let c = s
        .read(|tx| tx.queue_counts(&QueueClock::at(t0(), 0)))
        .unwrap();
    let photo = c
        .per_kind
        .iter()
        .find(|(k, _)| *k == AppKind::PhotoChange)
        .map(|(_, k)| k.open)
        .unwrap_or_default();
    (c.total.open, photo)
}

#[test]
fn a_bulk_import_is_counted_once_at_its_end() {
    on_both("bulk", |db| {
        fill(&mut db.store, 3);
        assert_eq!(open_count(&mut db.store), (3, 0));
        let mut other = db.connect();
        let server = db.kind == Kind::Postgres;
        let imported = db
            .store
            .write(|tx| {
                let first = tx.max_application_id()? + 1;
                let bulk = tx.begin_bulk_insert()?;
                for i in 100..400u64 {
                    let kind = if i % 3 == 0 {
                        AppKind::PhotoChange
                    } else {
                        AppKind::New
                    };
                    if !tx.application_exists(&format!("SL20261123{i:07}"))? {
                        tx.insert_application(&application(i, kind, "导入"))?;
                    }
                }
                if server {
                    // Another counter commits an application while the
                    // import is open: counted by its own trigger, once.
                    other
                        .write(|o| o.insert_application(&application(9000, AppKind::New, "窗口")))
                        .unwrap();
                }
                tx.end_bulk_insert(bulk, first)?;
                tx.record_import(
                    &ImportRecord {
                        file_name: "批次.jsonl".into(),
                        file_sha256: "ab".repeat(32),
                        lines: 300,
                        imported: 300,
                        skipped: 0,
                        clerk_id: None,
                        photos: 2,
                        op_key: Some("feedfacefeedfacefeedfacefeedface".into()),
                    },
                    t0(),
                )
            })
            .unwrap();
        // The import a retry finds by its client key, with its numbers.
        let found = db
            .store
            .read(|tx| tx.import_by_op("feedfacefeedfacefeedfacefeedface"))
            .unwrap()
            .expect("the import is found by its key");
        assert_eq!(
            (found.lines, found.imported, found.skipped, found.photos),
            (300, 300, 0, 2)
        );
        assert_eq!(db.store.read(|tx| tx.import_by_op("0000")).unwrap(), None);
        let again = db.store.write(|tx| {
            tx.record_import(
                &ImportRecord {
                    op_key: Some("feedfacefeedfacefeedfacefeedface".into()),
                    ..found.clone()
                },
                t0(),
            )
        });
        assert!(again.is_err(), "one import per key");
        assert!(imported > 0);
        let extra = i64::from(server);
        assert_eq!(open_count(&mut db.store), (303 + extra, 100));
        assert!(
            db.store
                .read(|tx| tx.application_exists("SL202611230000100"))
                .unwrap()
        );
        assert!(
            !db.store
                .read(|tx| tx.application_exists("SL209900000000000"))
                .unwrap()
        );
        // Rows inserted afterwards are counted one by one again.
        db.store
            .write(|tx| tx.insert_application(&application(500, AppKind::PhotoChange, "之后")))
            .unwrap();
        assert_eq!(open_count(&mut db.store), (304 + extra, 101));
        // A bulk insert that rolls back leaves the counts as they were.
        let failed: Result<(), _> = db.store.write(|tx| {
            let first = tx.max_application_id()? + 1;
            let bulk = tx.begin_bulk_insert()?;
            tx.insert_application(&application(600, AppKind::New, "回滚"))?;
            tx.end_bulk_insert(bulk, first)?;
            Err(counterdesk::store::StoreError::BlobSize {
                bytes: 0,
                max_mb: 0,
            })
        });
        assert!(failed.is_err());
        assert_eq!(open_count(&mut db.store), (304 + extra, 101));
        // Photos are found by hash.
        let id = db
            .store
            .write(|tx| tx.put_blob(b"\xff\xd8 jpeg", "image/jpeg", t0()))
            .unwrap();
        let sha = counterdesk::store::sha256_hex(b"\xff\xd8 jpeg");
        assert_eq!(db.store.read(|tx| tx.blob_id(&sha)).unwrap(), Some(id));
        assert_eq!(
            db.store.read(|tx| tx.blob_id(&"0".repeat(64))).unwrap(),
            None
        );
    });
}

/// What a run carries, stream by stream: decision ids, (change, mobile)
/// of registrations, audit seqs, notice ids.
type Carried = (Vec<i64>, Vec<(i64, String)>, Vec<i64>, Vec<i64>);

fn carried(s: &mut Store, run: i64) -> Carried {
    s.read(|tx| {
        let mut d = Vec::new();
        tx.export_decisions(run, &mut |r| {
            d.push(r.id);
            ControlFlow::Continue(())
        })?;
        let mut r = Vec::new();
        tx.export_registrations(run, &mut |x| {
            r.push((x.change, x.applicant.mobile));
            ControlFlow::Continue(())
        })?;
        let mut a = Vec::new();
        tx.export_audit(run, &mut |x| {
            a.push(x.seq);
            ControlFlow::Continue(())
        })?;
        let mut n = Vec::new();
        tx.export_notices(run, &mut |x| {
            n.push(x.id);
            ControlFlow::Continue(())
        })?;
        Ok((d, r, a, n))
    })
    .unwrap()
}

#[test]
fn an_export_run_claims_what_was_committed_and_streams_it_in_batches() {
    on_both("export", |db| {
        let zhao = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let ids = fill(&mut db.store, 3);
        let now = t0();
        let s = &mut db.store;
        // Two decisions with messages, one registration changed twice,
        // 1 100 audit rows (three stream batches on the server).
        let mut decisions = Vec::new();
        for id in &ids[..2] {
            let c = s
                .write(|tx| tx.claim(*id, zhao, Lease::new(now, now + minutes(15))))
                .unwrap()
                .unwrap();
            let d = NewDecision {
                application_id: *id,
                clerk: zhao,
                claim_seq: c.seq,
                outcome: Outcome::Approve,
                reasons: Vec::new(),
                free_text: String::new(),
                notice: "已通过".into(),
                photo_report: String::new(),
                photo_override: None,
                op_key: None,
            };
            let m = NewMessage {
                application_id: *id,
                channel: Channel::Sms,
                recipient: "13812345678".into(),
                body: "已通过".into(),
            };
            decisions.push(s.write(|tx| tx.decide(&d, &[m], now)).unwrap().unwrap());
        }
        let reg = s
            .write(|tx| {
                tx.insert_registration(
                    &super::registrations::registration(1, RegistrationKind::Person, "王丽", zhao),
                    now,
                )
            })
            .unwrap();
        s.write(|tx| tx.set_registration_mobile(reg, "13900000000", now))
            .unwrap();
        s.write(|tx| {
            for i in 0..1100 {
                tx.append_audit(
                    &NewAuditEvent {
                        actor_id: Some(zhao),
                        actor: "zhaomin".into(),
                        action: AuditAction::LoginSucceeded,
                        target: AuditTarget::Clerk(zhao),
                        detail: format!("{i}"),
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .unwrap();

        let run = s
            .write(|tx| tx.begin_export(&usb_export("E1", "导出-1", Some(zhao)), now))
            .unwrap();
        // Committed after the run began: waits for the next one.
        s.write(|tx| tx.set_registration_mobile(reg, "13700000000", now))
            .unwrap();

        let streams: Vec<u64> = [
            STREAM_DECISIONS,
            STREAM_REGISTRATIONS,
            STREAM_AUDIT,
            STREAM_NOTICES,
        ]
        .iter()
        .map(|st| s.read(|tx| tx.run_stream(run, st)).unwrap().count)
        .collect();
        assert_eq!(streams, [2, 2, 1100, 2]);
        let audit = s.read(|tx| tx.run_stream(run, STREAM_AUDIT)).unwrap();
        assert_eq!((audit.first, audit.last), (1, 1100));
        let (d, r, a, n) = carried(s, run);
        assert_eq!(d, decisions);
        // The registration once, at its newest state as of the run's rows.
        assert_eq!(r.len(), 1);
        assert_eq!(a, (1..=1100).collect::<Vec<i64>>());
        assert_eq!(n.len(), 2);
        // A consumer may stop early; nothing more is read.
        let mut seen = 0;
        s.read(|tx| {
            tx.export_audit(run, &mut |_| {
                seen += 1;
                if seen == 600 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
        })
        .unwrap();
        assert_eq!(seen, 600);

        // A crash now: the run is unfinished, redone elsewhere, its
        // unreachable folder remembered.
        let open = s.read(|tx| tx.unfinished_exports(None)).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].id, open[0].export_id.as_str()), (run, "E1"));
        // Only its own workstation (key) settles it on the office server.
        let mine = s.read(|tx| tx.unfinished_exports(Some("key-a"))).unwrap();
        assert_eq!(mine.len(), 1);
        assert!(
            s.read(|tx| tx.unfinished_exports(Some("key-b")))
                .unwrap()
                .is_empty()
        );
        s.write(|tx| tx.retarget_export(run, "/media/usb2", "导出-1"))
            .unwrap();
        assert_eq!(
            s.read(|tx| tx.unfinished_exports(None)).unwrap()[0].out_dir,
            "/media/usb2"
        );
        s.write(|tx| tx.record_leftover(run, "/media/usb/导出-1.partial", now))
            .unwrap();
        s.write(|tx| tx.record_leftover(run, "/media/usb/导出-1.partial", now))
            .unwrap();
        let left = s.read(|tx| tx.export_leftovers()).unwrap();
        assert_eq!(left.len(), 1);
        s.write(|tx| tx.forget_leftover(left[0].id, now)).unwrap();
        assert!(s.read(|tx| tx.export_leftovers()).unwrap().is_empty());

        s.write(|tx| {
            tx.finish_export(
                run,
                &ExportRecord {
                    decisions: 2,
                    registrations: 1,
                    audit: 1100,
                    notices: 2,
                    manifest_sha256: "cd".repeat(32),
                },
                now + minutes(1),
            )
        })
        .unwrap();
        assert!(s.read(|tx| tx.unfinished_exports(None)).unwrap().is_empty());
        assert_eq!(
            s.read(|tx| tx.run_stream(run, STREAM_AUDIT)).unwrap().count,
            0
        );
        let dash = s
            .read(|tx| tx.dashboard(&QueueClock::at(now, zhao), 7, 5))
            .unwrap();
        assert_eq!(
            (dash.unexported, dash.last_export),
            (0, Some(now + minutes(1)))
        );
        // The next run carries only what came after.
        let next = s
            .write(|tx| tx.begin_export(&usb_export("E2", "导出-2", None), now))
            .unwrap();
        let (d, r, a, n) = carried(s, next);
        assert!(d.is_empty() && a.is_empty() && n.is_empty());
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1, "13700000000");
    });
}

/// An export to the stick `/media/usb`, signed by `key-a`.
fn usb_export<'a>(export_id: &'a str, folder: &'a str, clerk_id: Option<i64>) -> NewExport<'a> {
    NewExport {
        export_id,
        out_dir: "/media/usb",
        folder,
        clerk_id,
        signer: "key-a",
    }
}
