//! Review queue: indexed plans, atomic claims under contention, leases,
//! all-or-nothing decisions, four-eyes, stale claims, the read-only connection.

use counterdesk::app::runtime::call::Call;
use counterdesk::store::Lease;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::review;
use counterdesk::app::review::Decision;
use counterdesk::app::review::Req;
use counterdesk::app::review::Resp;
use counterdesk::app::review::ReviewItem;
use counterdesk::app::review::Ticket;
use counterdesk::app::runtime::error::AppError;
use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::review::eligibility::PreVerdict;
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, AppState, Outcome, PhotoSource, Reason, Scope};
use counterdesk::store::{
    NewApplication, NewClerk, NewExport, PageQuery, QueueClock, SearchKey, Store, StoreError,
};
use rusqlite::Connection;

/// Monday 2026-11-23 10:00 CST.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

/// A temp dir on tmpfs when there is one: thousands of committed claims
/// should not wait for a disk's fsync in a unit test.
fn temp_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(d) = tempfile::tempdir_in(shm)
    {
        return d;
    }
    tempfile::tempdir().unwrap()
}

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    admin: SessionClerk,
    counter: SessionClerk,
    zhao: SessionClerk,
    qian: SessionClerk,
}

fn clerk(store: &mut Store, user: &str, name: &str, role: Role) -> SessionClerk {
    let id = store
        .write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: user.into(),
                    display_name: name.into(),
                    role,
                    password_hash: "x".into(),
                    must_change_password: false,
                },
                t0(),
            )
        })
        .unwrap();
    SessionClerk {
        id,
        username: user.into(),
        display_name: name.into(),
        role,
        must_change_password: false,
        session: None,
    }
}

/// A valid synthetic resident-ID number for index `i`.
fn doc_no(i: u64) -> String {
    let body = format!("110101{}{:03}", 19800101 + (i % 28), i % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn app(i: u64, submitted: DateTime<Utc>, photo: i64) -> NewApplication {
    let due = due_for(submitted);
    let names = ["王丽", "王强", "李娜", "张伟", "赵敏"];
    NewApplication {
        app_no: format!("SL20261123{i:07}"),
        kind: if i % 5 == 1 {
            AppKind::PhotoChange
        } else {
            AppKind::New
        },
        doc_no: doc_no(i),
        name: names[(i % 5) as usize].into(),
        mobile: "13812345678".into(),
        licence_no: doc_no(i),
        classes: "C1".into(),
        licence_status: "A".into(),
        valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1),
        valid_until: chrono::NaiveDate::from_ymd_opt(2030, 1, 1),
        authority: "北京市公安局公安交通管理局".into(),
        photo_blob: Some(photo),
        photo_source: Some(PhotoSource::Camera),
        last_photo_change: None,
        previous_photo_blob: None,
        issued: (i % 5 == 1).then(
            || counterdesk::domain::review::eligibility::IssuedELicence {
                classes: "C1".into(),
                valid_until: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
                authority: "北京市公安局公安交通管理局".into(),
                photo_source: PhotoSource::Held,
            },
        ),
        photo_verdict: Some("pass".into()),
        photo_failed: vec![],
        photo_summary: "自动检测全部合格".into(),
        submitted_at: submitted,
        due_at: due.at,
        due_day: due.day,
        created_by: None,
    }
}

/// `n` applications submitted one minute apart, the oldest three days ago.
fn db(n: u64) -> Db {
    let dir = temp_dir();
    let path = dir.path().join("queue.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let admin = clerk(&mut store, "admin", "系统管理员", Role::Admin);
    let counter = clerk(&mut store, "wangli", "王丽", Role::Counter);
    let zhao = clerk(&mut store, "zhaomin", "赵敏", Role::Supervisor);
    let qian = clerk(&mut store, "qianjin", "钱进", Role::Supervisor);
    store
        .write(|tx| {
            let photo = tx.put_blob(b"\xff\xd8 not really a jpeg", "image/jpeg", t0())?;
            for i in 0..n {
                let submitted = t0() - Duration::days(3) + Duration::minutes(i as i64);
                tx.insert_application(&app(i, submitted, photo))?;
            }
            Ok(())
        })
        .unwrap();
    Db {
        _dir: dir,
        path,
        store,
        admin,
        counter,
        zhao,
        qian,
    }
}

fn claim_next(d: &mut Db, who: &SessionClerk, now: DateTime<Utc>) -> Option<Box<ReviewItem>> {
    match review::handle(
        Call::new(&mut d.store, now, who),
        Req::ClaimNext { kind: None },
    )
    .unwrap()
    {
        Resp::Claimed(item) => item,
        other => panic!("{other:?}"),
    }
}

fn decide(
    d: &mut Db,
    who: &SessionClerk,
    now: DateTime<Utc>,
    ticket: Ticket,
    verdict: Decision,
) -> Result<Resp, AppError> {
    review::handle(
        Call::new(&mut d.store, now, who),
        Req::Decide {
            ticket,
            verdict,
            then_next: false,
        },
    )
}

fn count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn reject() -> Decision {
    Decision::Reject {
        reasons: vec![Reason::PhotoGlare, Reason::PhotoBackground],
        free_text: "衣领遮挡下颌".into(),
    }
}

#[test]
fn every_queue_statement_uses_an_index() {
    let mut d = db(300);
    let clock = QueueClock::at(t0(), d.zhao.id);
    // Plans with statistics too: ANALYZE must not talk the planner into a scan.
    for analyzed in [false, true] {
        if analyzed {
            Connection::open(&d.path)
                .unwrap()
                .execute_batch("ANALYZE")
                .unwrap();
            d.store = Store::open(&d.path).unwrap();
        }
        let plans = d.store.read(|tx| tx.explain_queue(&clock)).unwrap();
        assert!(plans.len() > 20);
        if std::env::var("SHOW_PLANS").is_ok() {
            for (n, l) in &plans {
                eprintln!("{n}: {l:?}");
            }
        }
        for (name, lines) in plans {
            for l in &lines {
                let scans_table = l.starts_with("SCAN a") || l.starts_with("SCAN applications");
                assert!(
                    !scans_table || l.contains("INDEX"),
                    "{name} (analyzed={analyzed}) scans the table: {lines:?}"
                );
                assert!(
                    !(scans_table && l.contains("applications_queue")),
                    "{name}: full index scan {lines:?}"
                );
            }
        }
    }
}

#[test]
fn pages_walk_the_queue_in_due_order_without_gaps() {
    let mut d = db(250);
    let clock = QueueClock::at(t0(), d.zhao.id);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let q = PageQuery {
            scope: Scope::Open,
            kind: None,
            search: None,
            after,
            offset: 0,
            limit: 40,
        };
        let rows = d.store.read(|tx| tx.queue_page(&q, &clock)).unwrap();
        let Some(last) = rows.last() else { break };
        after = Some(counterdesk::domain::review::PageCursor {
            due_at: last.due_at,
            id: last.id,
        });
        seen.extend(rows.iter().map(|r| (r.due_at, r.id)));
    }
    assert_eq!(seen.len(), 250);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    // Offset pages agree with keyset pages.
    let q = PageQuery {
        scope: Scope::Open,
        kind: None,
        search: None,
        after: None,
        offset: 80,
        limit: 10,
    };
    let rows = d.store.read(|tx| tx.queue_page(&q, &clock)).unwrap();
    assert_eq!(rows[0].id, seen[80].1);
}

#[test]
fn counts_match_the_rows_and_follow_decisions() {
    let mut d = db(200);
    let now = t0();
    let reader_counts = |d: &mut Db| match review::handle(
        Call::new(&mut d.store, now, &d.zhao.clone()),
        Req::Counts,
    )
    .unwrap()
    {
        Resp::Counts(c) => c,
        other => panic!("{other:?}"),
    };
    let c = reader_counts(&mut d);
    assert_eq!(c.total.open, 200);
    let clock = QueueClock::at(now, d.zhao.id);
    for scope in [Scope::DueToday, Scope::Overdue, Scope::Open] {
        let q = PageQuery {
            scope,
            kind: None,
            search: None,
            after: None,
            offset: 0,
            limit: 500,
        };
        let rows = d.store.read(|tx| tx.queue_page(&q, &clock)).unwrap();
        assert_eq!(rows.len() as i64, c.for_scope(scope, None), "{scope:?}");
        let q = PageQuery {
            kind: Some(AppKind::PhotoChange),
            ..q
        };
        let rows = d.store.read(|tx| tx.queue_page(&q, &clock)).unwrap();
        assert_eq!(
            rows.len() as i64,
            c.for_scope(scope, Some(AppKind::PhotoChange)),
            "{scope:?} photo"
        );
    }
    let zhao = d.zhao.clone();
    let item = claim_next(&mut d, &zhao, now).unwrap();
    let c = reader_counts(&mut d);
    assert_eq!((c.in_review, c.mine), (1, 1));
    decide(&mut d, &zhao, now, item.ticket.unwrap(), reject()).unwrap();
    let c = reader_counts(&mut d);
    assert_eq!((c.total.open, c.total.returned, c.in_review), (199, 1, 0));
}

#[test]
fn search_by_number_document_and_name_prefix() {
    let mut d = db(50);
    let page = |d: &mut Db, text: &str| match review::handle(
        Call::new(&mut d.store, t0(), &d.counter.clone()),
        Req::Page {
            scope: Scope::Open,
            kind: None,
            search: Some(text.into()),
            after: None,
            offset: 0,
            limit: 100,
            generation: 7,
        },
    )
    .unwrap()
    {
        Resp::Page(p) => p,
        other => panic!("{other:?}"),
    };
    let p = page(&mut d, "sl202611230000007");
    assert_eq!((p.generation, p.search_as), (7, Some("受理号")));
    assert_eq!(p.rows.len(), 1);
    let p = page(&mut d, &doc_no(3));
    assert_eq!(p.search_as, Some("证件号码"));
    assert!(
        p.rows
            .iter()
            .all(|r| r.doc_masked.starts_with("110101********"))
    );
    assert!(!p.rows.is_empty());
    let p = page(&mut d, "王");
    assert_eq!(p.search_as, Some("姓名"));
    assert_eq!(p.rows.len(), 20);
    assert!(p.rows.iter().all(|r| r.name.starts_with('王')));
    assert_eq!(page(&mut d, "王强").rows.len(), 10);
    let key = review::classify_search(" 1101011980 0101 0011 ").map(|(k, _)| k);
    assert!(matches!(key, Some(SearchKey::DocNo(n)) if n == "110101198001010011"));
}

#[test]
fn two_connections_never_claim_the_same_application() {
    const N: u64 = 10_000;
    let d = db(N);
    let path = d.path.clone();
    let clerks = [d.zhao.id, d.qian.id];
    let handles: Vec<_> = clerks
        .into_iter()
        .map(|clerk| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                let mut got = Vec::new();
                loop {
                    let now = t0();
                    // A writer that waits past the busy timeout is told to
                    // retry (数据库被占用): that is not a double claim.
                    match s.write(|tx| {
                        tx.claim_next(clerk, Lease::new(now, now + Duration::minutes(15)), None)
                    }) {
                        Ok(Some(c)) => got.push(c.id),
                        Ok(None) => break got,
                        Err(StoreError::Busy { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    let results: Vec<Vec<i64>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let total: usize = results.iter().map(Vec::len).sum();
    let unique: HashSet<i64> = results.iter().flatten().copied().collect();
    assert_eq!(total, N as usize, "every application claimed once");
    assert_eq!(unique.len(), N as usize, "no application claimed twice");
    // Which thread wins how often is up to the scheduler (on a loaded
    // 2-core CI one may take nearly all): only correctness is asserted.
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM applications WHERE claim_seq <> 1"
        ),
        0
    );
}

#[test]
fn an_expired_lease_is_claimable_again_and_the_old_ticket_is_stale() {
    let mut d = db(1);
    let (zhao, qian) = (d.zhao.clone(), d.qian.clone());
    let item = claim_next(&mut d, &zhao, t0()).unwrap();
    let old = item.ticket.unwrap();
    assert_eq!(item.state, AppState::InReview);
    // Still leased: nothing for 钱进, and opening it names the holder.
    assert!(claim_next(&mut d, &qian, t0() + Duration::minutes(14)).is_none());
    match review::handle(
        Call::new(&mut d.store, t0() + Duration::minutes(14), &qian),
        Req::Open { id: item.id },
    ) {
        Err(AppError::HeldBy { clerk, until }) => {
            assert_eq!(clerk, "赵敏");
            assert_eq!(until, old.until);
        }
        other => panic!("{other:?}"),
    }
    // Renewing keeps it.
    let renewed = match review::handle(
        Call::new(&mut d.store, t0() + Duration::minutes(10), &zhao),
        Req::Renew { ticket: old },
    )
    .unwrap()
    {
        Resp::Renewed(t) => t,
        other => panic!("{other:?}"),
    };
    assert_eq!(renewed.until, t0() + Duration::minutes(25));
    assert!(claim_next(&mut d, &qian, t0() + Duration::minutes(20)).is_none());
    // Expired: 钱进 takes it over.
    let later = t0() + Duration::minutes(26);
    let taken = claim_next(&mut d, &qian, later).unwrap();
    assert_eq!(taken.id, item.id);
    // 赵敏's decision under the old ticket is refused, in Chinese, and nothing is written.
    let before = count(&d.path, "SELECT COUNT(*) FROM audit_log");
    match decide(&mut d, &zhao, later, renewed, Decision::Approve) {
        Err(AppError::Stale { application }) => assert_eq!(application, item.id),
        Err(AppError::HeldBy { .. }) => {}
        other => panic!("{other:?}"),
    }
    let msg = decide(
        &mut d,
        &zhao,
        later + Duration::minutes(20),
        renewed,
        Decision::Approve,
    )
    .unwrap_err()
    .to_string();
    assert!(msg.contains("已被他人接手"), "{msg}");
    assert_eq!(count(&d.path, "SELECT COUNT(*) FROM decisions"), 0);
    assert_eq!(count(&d.path, "SELECT COUNT(*) FROM audit_log"), before);
    // The new holder decides.
    decide(
        &mut d,
        &qian,
        later,
        taken.ticket.unwrap(),
        Decision::Approve,
    )
    .unwrap();
}

#[test]
fn a_decision_is_one_transaction_and_survives_reopening() {
    let mut d = db(3);
    let zhao = d.zhao.clone();
    let item = claim_next(&mut d, &zhao, t0()).unwrap();
    let ticket = item.ticket.unwrap();
    let audit_before = count(&d.path, "SELECT COUNT(*) FROM audit_log");
    // Fail at the very end (the outbox, after the decision row): nothing stays.
    for table in ["outbox", "audit_log"] {
        let c = Connection::open(&d.path).unwrap();
        c.execute_batch(&format!(
            "CREATE TRIGGER inject_fault BEFORE INSERT ON {table} \
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        ))
        .unwrap();
        let err = decide(&mut d, &zhao, t0(), ticket, reject()).unwrap_err();
        assert!(matches!(err, AppError::Store(_)), "{table}: {err:?}");
        c.execute_batch("DROP TRIGGER inject_fault").unwrap();
        assert_eq!(
            count(&d.path, "SELECT COUNT(*) FROM decisions"),
            0,
            "{table}"
        );
        assert_eq!(count(&d.path, "SELECT COUNT(*) FROM outbox"), 0, "{table}");
        assert_eq!(
            count(&d.path, "SELECT COUNT(*) FROM audit_log"),
            audit_before
        );
        assert_eq!(
            count(
                &d.path,
                &format!(
                    "SELECT COUNT(*) FROM applications WHERE id = {} AND status = 'pending' AND claimed_by = {}",
                    item.id, zhao.id
                )
            ),
            1,
            "{table}: still claimed and pending"
        );
    }
    let resp = decide(&mut d, &zhao, t0(), ticket, reject()).unwrap();
    assert!(matches!(
        resp,
        Resp::Decided {
            outcome: Outcome::Reject,
            ..
        }
    ));
    let path = d.path.clone();
    drop(d.store);
    let mut store = Store::open(&path).unwrap();
    let (rec, decision, outbox, tail) = store
        .read(|tx| {
            Ok((
                tx.application(item.id)?.unwrap(),
                tx.decision_for(item.id)?.unwrap(),
                tx.outbox_for(item.id)?,
                tx.audit_tail(1)?,
            ))
        })
        .unwrap();
    assert_eq!(rec.claimed_by, None);
    assert_eq!(
        decision.data.reasons,
        vec![Reason::PhotoBackground, Reason::PhotoGlare]
    );
    assert!(decision.data.notice.contains("一次性告知书"));
    assert!(decision.data.notice.contains("其他：衣领遮挡下颌"));
    assert!(decision.data.photo_report.contains("自动检测全部合格"));
    assert_eq!(decision.decided_by_name.as_deref(), Some("赵敏"));
    assert_eq!(outbox.len(), 2);
    assert!(
        outbox
            .iter()
            .any(|m| m.channel == "sms" && m.body.contains("背景、反光"))
    );
    assert_eq!(tail[0].action, Some(AuditAction::ReviewReturned));
    assert_eq!(tail[0].target, format!("application:{}", item.id));
    assert!(
        !tail[0].detail.contains("110101"),
        "no document number in the audit"
    );
    // Decided is final.
    let err = decide_again(&mut store, &zhao, ticket);
    assert!(err.contains("已退回"), "{err}");
}

fn decide_again(store: &mut Store, who: &SessionClerk, ticket: Ticket) -> String {
    review::handle(
        Call::new(store, t0(), who),
        Req::Decide {
            ticket,
            verdict: Decision::Approve,
            then_next: false,
        },
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn four_eyes_and_roles() {
    let mut d = db(2);
    let (zhao, qian, admin, counter) = (
        d.zhao.clone(),
        d.qian.clone(),
        d.admin.clone(),
        d.counter.clone(),
    );
    // 赵敏 entered application 1 herself.
    let own = d
        .store
        .write(|tx| {
            let mut a = app(99, t0() - Duration::days(9), 1);
            a.created_by = Some(zhao.id);
            tx.insert_application(&a)
        })
        .unwrap();
    // Opening it is read-only, with the reason; claim-next skips it.
    let item = match review::handle(Call::new(&mut d.store, t0(), &zhao), Req::Open { id: own })
        .unwrap()
    {
        Resp::Opened(i) => i,
        other => panic!("{other:?}"),
    };
    assert!(item.ticket.is_none());
    assert!(item.read_only_reason.unwrap().contains("四眼"));
    let next = claim_next(&mut d, &zhao, t0()).unwrap();
    assert_ne!(next.id, own, "the oldest is her own: skipped");
    // A forged ticket for her own entry is refused.
    let forged = Ticket {
        id: own,
        seq: 0,
        until: t0(),
    };
    let err = decide(&mut d, &zhao, t0(), forged, Decision::Approve)
        .unwrap_err()
        .to_string();
    assert!(err.contains("四眼"), "{err}");
    // 钱进 may take it.
    let theirs = match review::handle(Call::new(&mut d.store, t0(), &qian), Req::Open { id: own })
        .unwrap()
    {
        Resp::Opened(i) => i,
        other => panic!("{other:?}"),
    };
    assert!(theirs.ticket.is_some());
    // Administrators and counter clerks decide nothing.
    for who in [&admin, &counter] {
        let err = review::handle(
            Call::new(&mut d.store, t0(), who),
            Req::ClaimNext { kind: None },
        )
        .unwrap_err();
        assert!(err.to_string().contains("只有审核岗"), "{err}");
        let err = decide(&mut d, who, t0(), theirs.ticket.unwrap(), Decision::Approve).unwrap_err();
        assert!(err.to_string().contains("只有审核岗"), "{err}");
    }
    // Rejecting needs a reason.
    let err = decide(
        &mut d,
        &qian,
        t0(),
        theirs.ticket.unwrap(),
        Decision::Reject {
            reasons: vec![],
            free_text: "x".into(),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("至少选择一项原因"));
}

#[test]
fn a_supervisor_may_release_anothers_claim_audited() {
    let mut d = db(2);
    let (zhao, qian, counter) = (d.zhao.clone(), d.qian.clone(), d.counter.clone());
    let item = claim_next(&mut d, &zhao, t0()).unwrap();
    let err = review::handle(
        Call::new(&mut d.store, t0(), &counter),
        Req::Release {
            id: item.id,
            ticket: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("只有审核岗"), "{err}");
    review::handle(
        Call::new(&mut d.store, t0(), &qian),
        Req::Release {
            id: item.id,
            ticket: None,
        },
    )
    .unwrap();
    let tail = d.store.read(|tx| tx.audit_tail(1)).unwrap();
    assert_eq!(tail[0].action, Some(AuditAction::ReviewReleasedForOther));
    assert!(tail[0].detail.contains("赵敏"));
    // 赵敏's ticket is now stale.
    let msg = decide(&mut d, &zhao, t0(), item.ticket.unwrap(), Decision::Approve)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("审核结果未保存"), "{msg}");
}

#[test]
fn a_blocked_licence_cannot_be_approved_and_preselects_the_refusal() {
    let mut d = db(0);
    let zhao = d.zhao.clone();
    let id = d
        .store
        .write(|tx| {
            let mut a = app(1, t0() - Duration::hours(1), 1);
            a.kind = AppKind::New;
            a.issued = None;
            a.licence_status = "U".into();
            tx.insert_application(&a)
        })
        .unwrap();
    let item = claim_next(&mut d, &zhao, t0()).unwrap();
    assert_eq!(item.id, id);
    let status = item
        .pre_checks
        .items
        .iter()
        .find(|i| i.id == "licence_status")
        .unwrap();
    assert_eq!(status.verdict, PreVerdict::Block);
    assert!(status.message.contains("需先处理完异常情况后才能申领"));
    assert_eq!(item.pre_checks.preselected, vec![Reason::LicenceStatus]);
    assert_eq!(
        item.doc_masked,
        "110101********0012".replace("0012", &item.doc_no[14..])
    );
    assert!(item.photo.as_ref().is_some_and(|p| p.sha256.len() == 64));
    let err = decide(&mut d, &zhao, t0(), item.ticket.unwrap(), Decision::Approve).unwrap_err();
    assert!(err.to_string().contains("不能通过"), "{err}");
    decide(
        &mut d,
        &zhao,
        t0(),
        item.ticket.unwrap(),
        Decision::Reject {
            reasons: item.pre_checks.preselected.clone(),
            free_text: String::new(),
        },
    )
    .unwrap();
}

#[test]
fn the_read_only_connection_reads_while_a_decision_is_being_written() {
    let mut d = db(20);
    let zhao = d.zhao.clone();
    let mut reader = Store::open_reader(&d.path).unwrap();
    let item = claim_next(&mut d, &zhao, t0()).unwrap();
    // Hold the write lock open on a third connection, as a long commit would.
    let writer = Connection::open(&d.path).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; UPDATE applications SET mobile = mobile WHERE id = 1;")
        .unwrap();
    let resp = review::handle_read(
        Call::new(&mut reader, t0(), &zhao),
        Req::Page {
            scope: Scope::Open,
            kind: None,
            search: None,
            after: None,
            offset: 0,
            limit: 5,
            generation: 1,
        },
    )
    .unwrap();
    let Resp::Page(p) = resp else { panic!() };
    assert_eq!(p.rows.len(), 5);
    assert_eq!(p.rows[0].id, item.id);
    assert_eq!(p.rows[0].held_by.as_deref(), Some("赵敏"));
    assert!(p.next.is_some());
    writer.execute_batch("COMMIT").unwrap();
    // It is read-only, and write requests are refused on it.
    let err = reader
        .read(|tx| tx.put_blob(b"x", "image/jpeg", t0()))
        .unwrap_err();
    assert!(
        err.to_string().contains("readonly")
            || err.to_string().contains("只读")
            || err.to_string().contains("写入"),
        "{err}"
    );
    assert!(
        review::handle_read(
            Call::new(&mut reader, t0(), &zhao),
            Req::ClaimNext { kind: None }
        )
        .is_err()
    );
    // Administrators do not browse applicants.
    let admin = d.admin.clone();
    assert!(review::handle_read(Call::new(&mut reader, t0(), &admin), Req::Counts).is_err());
}

#[test]
fn decide_then_next_opens_the_following_application() {
    let mut d = db(3);
    let zhao = d.zhao.clone();
    let first = claim_next(&mut d, &zhao, t0()).unwrap();
    let resp = review::handle(
        Call::new(&mut d.store, t0(), &zhao),
        Req::Decide {
            ticket: first.ticket.unwrap(),
            verdict: Decision::Approve,
            then_next: true,
        },
    )
    .unwrap();
    let Resp::Decided {
        next: Some(next),
        outcome,
        ..
    } = resp
    else {
        panic!("{resp:?}")
    };
    assert_eq!(outcome, Outcome::Approve);
    assert_ne!(next.id, first.id);
    assert!(next.ticket.is_some());
}

#[test]
fn the_whole_file_check_runs_apart_from_opening() {
    let d = db(10);
    counterdesk::store::full_check(&d.path).unwrap();
}

#[test]
fn demo_data_and_queue_commands() {
    let dir = temp_dir();
    let path = dir.path().join("demo.sqlite3");
    let exe = env!("CARGO_BIN_EXE_counterdesk");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(exe)
            .arg("--db")
            .arg(&path)
            .args(args)
            .env("COUNTERDESK_NOW", "2026-11-23T02:00:00Z")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&["demo-data", "--applications", "300"]);
    assert!(text.contains("已生成 300 件申请"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "queue", "--json", "--filter", "overdue", "--limit", "5",
    ]))
    .unwrap();
    let counts = &json["counts"];
    assert!(counts["overdue"].as_i64().unwrap() > 0);
    assert_eq!(
        counts["pending"].as_i64().unwrap()
            + counts["approved"].as_i64().unwrap()
            + counts["returned"].as_i64().unwrap(),
        300
    );
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for r in rows {
        let doc = r["doc_no"].as_str().unwrap();
        assert!(doc.contains("********"), "masked: {doc}");
    }
    let text = run(&["queue", "--search", rows[0]["app_no"].as_str().unwrap()]);
    assert!(text.contains(rows[0]["app_no"].as_str().unwrap()), "{text}");
}

/// Issue 19: approving a photo the automated check failed needs an explicit
/// override with a reason, whatever path asks (here: no screen at all). The
/// reason is stored with the decision, audited and exported.
#[test]
fn approving_a_failed_photo_needs_an_override_with_a_reason() {
    let dir = temp_dir();
    let path = dir.path().join("override.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let zhao = clerk(&mut store, "zhaomin", "赵敏", Role::Supervisor);
    let id = store
        .write(|tx| {
            let photo = tx.put_blob(b"\xff\xd8 not really a jpeg", "image/jpeg", t0())?;
            let mut a = app(0, t0() - Duration::hours(2), photo);
            a.photo_verdict = Some("fail".into());
            a.photo_failed = vec!["background_white".into(), "glare".into()];
            tx.insert_application(&a)
        })
        .unwrap();
    let Resp::Claimed(Some(item)) = review::handle(
        Call::new(&mut store, t0(), &zhao),
        Req::ClaimNext { kind: None },
    )
    .unwrap() else {
        panic!("nothing claimed");
    };
    assert_eq!(item.photo_failed.len(), 2);
    let ticket = item.ticket.unwrap();
    let decide = |store: &mut Store, verdict: Decision| {
        review::handle(
            Call::new(store, t0(), &zhao),
            Req::Decide {
                ticket,
                verdict,
                then_next: false,
            },
        )
    };
    let err = decide(&mut store, Decision::Approve)
        .unwrap_err()
        .to_string();
    assert!(err.contains("背景、反光") && err.contains("理由"), "{err}");
    let short = Decision::ApproveDespitePhoto {
        reason: "好的".into(),
    };
    let err = decide(&mut store, short).unwrap_err().to_string();
    assert!(err.contains("至少 4 个字"), "{err}");
    let ok = Decision::ApproveDespitePhoto {
        reason: "系统误判，已人工核对".into(),
    };
    assert!(matches!(
        decide(&mut store, ok).unwrap(),
        Resp::Decided {
            outcome: Outcome::Approve,
            ..
        }
    ));
    let (decision, tail) = store
        .read(|tx| Ok((tx.decision_for(id)?.unwrap(), tx.audit_tail(1)?)))
        .unwrap();
    assert_eq!(
        decision.data.photo_override.as_deref(),
        Some("系统误判，已人工核对")
    );
    assert_eq!(tail[0].action, Some(AuditAction::ReviewApproved));
    assert!(
        tail[0]
            .detail
            .contains("照片检测不合格（背景、反光）仍通过，理由：系统误判，已人工核对"),
        "{}",
        tail[0].detail
    );
    // 审计日志 names the application and the clerk as people know them.
    let counterdesk::app::clerks::audit_view::Resp::Rows(rows) =
        counterdesk::app::clerks::audit_view::handle(
            Call::new(&mut store, t0(), &zhao),
            counterdesk::app::clerks::audit_view::Req::Tail { limit: 1 },
        )
        .unwrap()
    else {
        panic!("rows")
    };
    assert_eq!(rows[0].target, "申请 SL202611230000000");
    assert_eq!(rows[0].actor, "赵敏 (zhaomin)");
    // The read-only review from 已通过 shows it.
    let item = review::handle(Call::new(&mut store, t0(), &zhao), Req::Open { id }).unwrap();
    let Resp::Opened(item) = item else { panic!() };
    assert_eq!(
        item.decision.unwrap().photo_override.as_deref(),
        Some("系统误判，已人工核对")
    );
    // The exported decision carries it as an added field.
    let mut exported = Vec::new();
    store
        .write(|tx| {
            let run = tx.begin_export(
                &NewExport {
                    export_id: "test-export",
                    out_dir: "/nowhere",
                    folder: "folder",
                    clerk_id: None,
                    signer: "k",
                },
                t0(),
            )?;
            tx.export_decisions(run, &mut |d| {
                exported.push(serde_json::to_value(&d).unwrap());
                std::ops::ControlFlow::Continue(())
            })
        })
        .unwrap();
    assert_eq!(exported[0]["photo_override"], "系统误判，已人工核对");
}
