//! The queue: records round-trip, pages walk every scope in due order and
//! agree with the counts, searches, photos, and the plans.

use chrono::Duration;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::documents::licence::LONG_TERM;
use counterdesk::domain::review::eligibility::IssuedELicence;
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, Outcome, PageCursor, PhotoSource, Scope, Status};
use counterdesk::store::Lease;
use counterdesk::store::{
    MAX_BLOB_BYTES, NewApplication, NewDecision, PageQuery, QueueClock, SearchKey, Store,
    StoreError,
};

use super::{Kind, application, clerk, minutes, on_both, t0};

/// Every row of `scope` (and `kind`), seven at a time along the cursor.
fn walk(store: &mut Store, scope: Scope, kind: Option<AppKind>, clock: &QueueClock) -> Vec<i64> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .read(|tx| {
                tx.queue_page(
                    &PageQuery {
                        scope,
                        kind,
                        search: None,
                        after,
                        offset: 0,
                        limit: 7,
                    },
                    clock,
                )
            })
            .unwrap();
        let Some(last) = page.last() else {
            return out;
        };
        after = Some(PageCursor {
            due_at: last.due_at,
            id: last.id,
        });
        out.extend(page.iter().map(|r| r.id));
    }
}

#[test]
fn an_application_reads_back_as_written() {
    on_both("roundtrip", |db| {
        let me = clerk(&mut db.store, "wangli", Role::Counter);
        let photo = db
            .store
            .write(|tx| tx.put_blob(b"\xff\xd8\xff synthetic jpeg", "image/jpeg", t0()))
            .unwrap();
        let mut a = application(7, AppKind::PhotoChange, "欧阳娜娜");
        a.valid_until = Some(LONG_TERM);
        a.photo_blob = Some(photo);
        a.previous_photo_blob = Some(photo);
        a.last_photo_change = chrono::NaiveDate::from_ymd_opt(2024, 5, 6);
        a.photo_source = Some(PhotoSource::Album);
        a.photo_verdict = Some("warn".into());
        a.photo_failed = vec!["glasses".into(), "blur".into()];
        a.issued = Some(IssuedELicence {
            classes: "C1E".into(),
            valid_until: LONG_TERM,
            authority: "北京市公安局公安交通管理局".into(),
            photo_source: PhotoSource::Held,
        });
        a.created_by = Some(me);
        let id = db.store.write(|tx| tx.insert_application(&a)).unwrap();
        let rec = db.store.read(|tx| tx.application(id)).unwrap().unwrap();
        assert_eq!(rec.data, a);
        assert_eq!(rec.status, Status::Pending);
        assert_eq!(
            (rec.claimed_by, rec.lease_until, rec.claim_seq),
            (None, None, 0)
        );
        let bare = NewApplication::bare(
            "SL1".into(),
            AppKind::New,
            t0(),
            t0() + Duration::days(1),
            t0().date_naive(),
            None,
        );
        let bare_id = db.store.write(|tx| tx.insert_application(&bare)).unwrap();
        assert_eq!(
            db.store
                .read(|tx| tx.application(bare_id))
                .unwrap()
                .unwrap()
                .data,
            bare
        );
        assert_eq!(
            db.store.read(|tx| tx.app_no_of(id)).unwrap().as_deref(),
            Some("SL202611230000007")
        );
        assert_eq!(db.store.read(|tx| tx.application(9999)).unwrap(), None);
        // A company registration's review item, linked both ways.
        let reg = db
            .store
            .write(|tx| {
                tx.insert_registration(
                    &super::registrations::registration(
                        1,
                        counterdesk::domain::registration::RegistrationKind::Company,
                        "北京某某公司",
                        me,
                    ),
                    t0(),
                )
            })
            .unwrap();
        assert_eq!(
            db.store
                .read(|tx| tx.application_for_registration(reg))
                .unwrap(),
            None
        );
        assert_eq!(
            db.store
                .read(|tx| tx.registration_for_application(bare_id))
                .unwrap(),
            None
        );
        db.store
            .write(|tx| tx.link_registration(bare_id, reg))
            .unwrap();
        assert_eq!(
            db.store
                .read(|tx| tx.application_for_registration(reg))
                .unwrap(),
            Some(bare_id)
        );
        assert_eq!(
            db.store
                .read(|tx| tx.registration_for_application(bare_id))
                .unwrap(),
            Some(reg)
        );
        assert_eq!(
            db.store
                .read(|tx| tx.registration_for_application(9999))
                .unwrap(),
            None
        );
        assert_eq!(
            db.store.read(|tx| tx.max_application_id()).unwrap(),
            bare_id
        );
        // A blob is stored once; the size limits hold on both backends.
        let again = db
            .store
            .write(|tx| tx.put_blob(b"\xff\xd8\xff synthetic jpeg", "image/jpeg", t0()))
            .unwrap();
        assert_eq!(again, photo);
        let blob = db.store.read(|tx| tx.blob(photo)).unwrap().unwrap();
        assert_eq!(blob.bytes, b"\xff\xd8\xff synthetic jpeg");
        assert_eq!(blob.mime, "image/jpeg");
        for bad in [Vec::new(), vec![0u8; MAX_BLOB_BYTES + 1]] {
            let e = db.store.write(|tx| tx.put_blob(&bad, "image/jpeg", t0()));
            assert!(matches!(e, Err(StoreError::BlobSize { .. })), "{e:?}");
        }
    });
}

#[test]
fn pages_walk_every_scope_in_due_order_and_agree_with_the_counts() {
    on_both("pages", |db| {
        let me = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let other = clerk(&mut db.store, "qianli", Role::Supervisor);
        let kinds = [AppKind::New, AppKind::PhotoChange, AppKind::RenewalUpdate];
        // 60 applications submitted 97 minutes apart over four days: some
        // overdue, some due today, some due later.
        let ids: Vec<i64> = db
            .store
            .write(|tx| {
                (0..60u64)
                    .map(|i| {
                        let mut a = application(i, kinds[(i % 3) as usize], "测试");
                        a.submitted_at = t0() - Duration::days(4) + minutes(97 * i as i64);
                        let due = due_for(a.submitted_at);
                        (a.due_at, a.due_day) = (due.at, due.day);
                        tx.insert_application(&a)
                    })
                    .collect::<Result<_, _>>()
            })
            .unwrap();
        let now = t0();
        // Claims: three of mine, two of another's, one expired; decisions:
        // four approved, three returned.
        let s = &mut db.store;
        for (i, (who, until)) in [
            (me, now + minutes(15)),
            (me, now + minutes(15)),
            (me, now + minutes(15)),
            (other, now + minutes(15)),
            (other, now + minutes(15)),
            (other, now - minutes(1)),
        ]
        .into_iter()
        .enumerate()
        {
            s.write(|tx| tx.claim(ids[10 + i], who, Lease::new(now - minutes(20), until)))
                .unwrap()
                .unwrap();
        }
        for (i, outcome) in [Outcome::Approve; 4]
            .into_iter()
            .chain([Outcome::Reject; 3])
            .enumerate()
        {
            let id = ids[30 + i];
            let c = s
                .write(|tx| tx.claim(id, me, Lease::new(now, now + minutes(15))))
                .unwrap()
                .unwrap();
            let d = NewDecision {
                application_id: id,
                clerk: me,
                claim_seq: c.seq,
                outcome,
                reasons: Vec::new(),
                free_text: String::new(),
                notice: String::new(),
                photo_report: String::new(),
                photo_override: None,
                op_key: None,
            };
            s.write(|tx| tx.decide(&d, &[], now)).unwrap().unwrap();
        }

        let clock = QueueClock::at(now, me);
        let records: Vec<_> = ids
            .iter()
            .map(|id| s.read(|tx| tx.application(*id)).unwrap().unwrap())
            .collect();
        let counts = s.read(|tx| tx.queue_counts(&clock)).unwrap();
        for scope in Scope::ALL {
            for kind in [None, Some(AppKind::New), Some(AppKind::PhotoChange)] {
                let got = walk(s, scope, kind, &clock);
                let leased = |r: &counterdesk::store::ApplicationRecord| {
                    r.lease_until.is_some_and(|u| u > now) && r.status == Status::Pending
                };
                let mut want: Vec<_> = records
                    .iter()
                    .filter(|r| kind.is_none_or(|k| r.data.kind == k))
                    .filter(|r| match scope {
                        Scope::Open => r.status == Status::Pending,
                        Scope::Approved => r.status == Status::Approved,
                        Scope::Returned => r.status == Status::Returned,
                        Scope::DueToday => {
                            r.status == Status::Pending
                                && r.data.due_at >= clock.today_start
                                && r.data.due_at < clock.tomorrow_start
                        }
                        Scope::Overdue => {
                            r.status == Status::Pending && r.data.due_at < clock.today_start
                        }
                        Scope::InReview => leased(r),
                        Scope::Mine => leased(r) && r.claimed_by == Some(me),
                    })
                    .collect();
                want.sort_by_key(|r| (r.data.due_at, r.id));
                let want: Vec<i64> = want.iter().map(|r| r.id).collect();
                assert_eq!(got, want, "{scope:?} {kind:?} ({:?})", db.kind);
                if kind.is_none() || !matches!(scope, Scope::InReview | Scope::Mine) {
                    assert_eq!(
                        counts.for_scope(scope, kind),
                        want.len() as i64,
                        "count of {scope:?} {kind:?} ({:?})",
                        db.kind
                    );
                }
            }
        }
        assert!(
            counts.total.overdue > 0 && counts.total.due_today > 0,
            "{counts:?}"
        );
        assert_eq!((counts.in_review, counts.mine), (5, 3));
        // An offset inside a page: the same rows as the walk.
        let open = walk(s, Scope::Open, None, &clock);
        let page = s
            .read(|tx| {
                tx.queue_page(
                    &PageQuery {
                        scope: Scope::Open,
                        kind: None,
                        search: None,
                        after: None,
                        offset: 5,
                        limit: 10,
                    },
                    &clock,
                )
            })
            .unwrap();
        let page: Vec<i64> = page.iter().map(|r| r.id).collect();
        assert_eq!(page, open[5..15]);
        // Another counter's view is the same.
        let mut other_counter = db.connect();
        assert_eq!(
            other_counter.read(|tx| tx.queue_counts(&clock)).unwrap(),
            counts
        );
    });
}

#[test]
fn searches_by_number_document_and_name_prefix() {
    on_both("search", |db| {
        let names = ["王丽", "王强", "李娜", "王", "Wang", "张伟"];
        let ids: Vec<i64> = db
            .store
            .write(|tx| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let kind = if i == 1 {
                            AppKind::PhotoChange
                        } else {
                            AppKind::New
                        };
                        tx.insert_application(&application(i as u64 + 1, kind, n))
                    })
                    .collect::<Result<_, _>>()
            })
            .unwrap();
        let clock = QueueClock::at(t0(), 1);
        let find = |s: &mut Store, key: SearchKey, kind: Option<AppKind>| -> Vec<i64> {
            s.read(|tx| {
                tx.queue_page(
                    &PageQuery {
                        scope: Scope::Approved,
                        kind,
                        search: Some(key),
                        after: None,
                        offset: 0,
                        limit: 50,
                    },
                    &clock,
                )
            })
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()
        };
        let s = &mut db.store;
        assert_eq!(
            find(s, SearchKey::AppNo("SL202611230000003".into()), None),
            [ids[2]]
        );
        assert_eq!(
            find(s, SearchKey::DocNo("110101199001010005".into()), None),
            [ids[4]]
        );
        // By name, then id; 王 itself counts; byte order (Latin is not Chinese).
        assert_eq!(
            find(s, SearchKey::NamePrefix("王".into()), None),
            [ids[3], ids[0], ids[1]]
        );
        assert_eq!(
            find(
                s,
                SearchKey::NamePrefix("王".into()),
                Some(AppKind::PhotoChange)
            ),
            [ids[1]]
        );
        assert_eq!(find(s, SearchKey::NamePrefix("Wa".into()), None), [ids[4]]);
        assert!(find(s, SearchKey::NamePrefix("wa".into()), None).is_empty());
        assert!(find(s, SearchKey::AppNo("nope".into()), None).is_empty());
    });
}

#[test]
fn every_queue_statement_has_a_plan_that_uses_an_index() {
    on_both("plans", |db| {
        let clock = QueueClock::at(t0(), 1);
        let plans = db.store.read(|tx| tx.explain_queue(&clock)).unwrap();
        let dash = db.store.read(|tx| tx.explain_dashboard()).unwrap();
        assert!(plans.len() > 30 && dash.len() == 7);
        if let Some(mut admin) = db.server_admin() {
            // The expired arm of claim-next must never walk the pending rows
            // looking for a lease, whatever the statistics.
            let me = clerk(&mut db.store, "zhaomin", Role::Supervisor);
            let ids = super::fill(&mut db.store, 3000);
            // Most of them held (as a load test that never decides): the
            // case where walking the pending rows for an expired lease looked
            // cheap to the planner and cost a full walk per claim.
            db.store
                .write(|tx| {
                    for id in &ids[..2500] {
                        tx.claim(*id, me, Lease::new(t0(), t0() + minutes(15)))?;
                    }
                    Ok(())
                })
                .unwrap();
            admin
                .batch_execute("ANALYZE counterdesk.applications")
                .unwrap();
            let plans = db.store.read(|tx| tx.explain_queue(&clock)).unwrap();
            let claim = &plans.iter().find(|(n, _)| n == "claim next").unwrap().1;
            let text = claim.join("\n");
            // The free arm may walk applications_free or applications_queue
            // (both in due order; the latter passes the running leases, a
            // few per reviewer); the expired arm only the lease index.
            let expired = &text[text.find("CTE expired").unwrap()..];
            assert!(expired.contains("applications_leases"), "{text}");
            assert!(!expired.contains("applications_queue"), "{text}");
        }
        for (name, lines) in plans.iter().chain(&dash) {
            assert!(!lines.is_empty(), "{name}");
            if db.kind == Kind::Postgres {
                // Sequential scans priced out: any left means no index fits.
                let text = lines.join("\n");
                for table in ["applications", "decisions", "exports", "export_pending"] {
                    assert!(
                        !text.contains(&format!("Seq Scan on {table}")),
                        "{name}:\n{text}"
                    );
                }
            }
        }
    });
}
