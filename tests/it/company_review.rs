//! 单位注册复核: a company registration enters the review queue in its own
//! transaction; deciding it countersigns or returns the registration;
//! countersigning on the record closes the queue item; two supervisors race;
//! claims are given back at lock and logout; `check-db` finds damage.

use counterdesk::app::runtime::call::Call;
use counterdesk::app::runtime::paths::DbChoice;
use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use counterdesk::app::clerks::session as session_uc;
use counterdesk::app::clerks::session::LockReason;
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::registration;
use counterdesk::app::registration::Req as RegReq;
use counterdesk::app::registration::Resp as RegResp;
use counterdesk::app::review;
use counterdesk::app::review::Decision;
use counterdesk::app::review::Req;
use counterdesk::app::review::Resp;
use counterdesk::app::review::ReviewItem;
use counterdesk::app::runtime::error::AppError;
use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::registration::{CompanyDraft, RegistrationStatus};
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, AppState, Outcome, Reason};
use counterdesk::store::{NewClerk, Store};

/// Monday 2026-11-23 10:00 CST.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
    wang: SessionClerk,
    zhao: SessionClerk,
    qian: SessionClerk,
    admin: SessionClerk,
}

fn by_name(store: &mut Store, user: &str) -> SessionClerk {
    let c = store
        .read(|tx| tx.clerk_by_username(user))
        .unwrap()
        .unwrap();
    SessionClerk::from(&c)
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.sqlite3")).unwrap();
    counterdesk::app::demo::seed(&mut store, t0()).unwrap();
    store
        .write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: "qianfeng".into(),
                    display_name: "钱峰".into(),
                    role: Role::Supervisor,
                    password_hash: "x".into(),
                    must_change_password: false,
                },
                t0(),
            )
        })
        .unwrap();
    let wang = by_name(&mut store, "wangli");
    let zhao = by_name(&mut store, "zhaomin");
    let qian = by_name(&mut store, "qianfeng");
    let admin = by_name(&mut store, "admin");
    Db {
        _dir: dir,
        store,
        wang,
        zhao,
        qian,
        admin,
    }
}

fn company(code: &str) -> CompanyDraft {
    CompanyDraft {
        code: code.into(),
        ..CompanyDraft::sample("北京某某物流有限公司")
    }
}

const CODE: &str = "91110000600037341L";

/// Submits a company registration; returns its id.
fn register(d: &mut Db, by: &SessionClerk, key: &str) -> i64 {
    match registration::handle(
        Call::new(&mut d.store, t0(), by),
        RegReq::SubmitCompany {
            form: company(CODE),
            scans: vec![],
            idempotency_key: key.into(),
        },
    )
    .unwrap()
    {
        RegResp::Submitted(s) => s.record.id,
        other => panic!("{other:?}"),
    }
}

fn claim_company(d: &mut Db, who: &SessionClerk, at: DateTime<Utc>) -> Option<Box<ReviewItem>> {
    match review::handle(
        Call::new(&mut d.store, at, who),
        Req::ClaimNext {
            kind: Some(AppKind::CompanyRegistration),
        },
    )
    .unwrap()
    {
        Resp::Claimed(i) => i,
        other => panic!("{other:?}"),
    }
}

fn decide(
    d: &mut Db,
    who: &SessionClerk,
    item: &ReviewItem,
    verdict: Decision,
) -> Result<Resp, AppError> {
    review::handle(
        Call::new(&mut d.store, t0() + Duration::minutes(2), who),
        Req::Decide {
            ticket: item.ticket.unwrap(),
            verdict,
            then_next: false,
        },
    )
}

fn reg_status(d: &mut Db, id: i64) -> RegistrationStatus {
    d.store
        .read(|tx| tx.registration(id))
        .unwrap()
        .unwrap()
        .status
}

fn actions(d: &mut Db) -> Vec<(AuditAction, String, String)> {
    d.store
        .read(|tx| tx.audit_tail(50))
        .unwrap()
        .into_iter()
        .filter_map(|r| r.action.map(|a| (a, r.target, r.detail)))
        .collect()
}

fn countersign(d: &mut Db, who: &SessionClerk, id: i64) -> Result<RegResp, AppError> {
    registration::handle(
        Call::new(&mut d.store, t0() + Duration::minutes(3), who),
        RegReq::Countersign { id },
    )
}

#[test]
fn a_submitted_company_registration_is_queued_due_one_working_day_later() {
    let mut d = db();
    let wang = d.wang.clone();
    let reg = register(&mut d, &wang, "k1");
    let app_id = d
        .store
        .read(|tx| tx.application_for_registration(reg))
        .unwrap()
        .expect("queued with the registration");
    let rec = d.store.read(|tx| tx.application(app_id)).unwrap().unwrap();
    assert_eq!(rec.data.kind, AppKind::CompanyRegistration);
    assert_eq!(rec.data.app_no, "DW202611230001");
    assert_eq!(rec.data.doc_no, CODE);
    assert_eq!(rec.data.created_by, Some(wang.id));
    assert_eq!(rec.data.due_at, due_for(t0()).at);
    // Monday 10:00 CST → due the end of Tuesday.
    assert_eq!(
        rec.data.due_day,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    );
    // Counted by kind in the queue's counts.
    let zhao = d.zhao.clone();
    let counts = match review::handle(Call::new(&mut d.store, t0(), &zhao), Req::Counts).unwrap() {
        Resp::Counts(c) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        counts.for_scope(
            counterdesk::domain::review::Scope::Open,
            Some(AppKind::CompanyRegistration)
        ),
        1
    );
    // The same submit retried (same key) does not queue it twice.
    register(&mut d, &wang, "k1");
    let n: i64 = d
        .store
        .read(|tx| tx.queue_counts(&counterdesk::store::QueueClock::at(t0(), 0)))
        .unwrap()
        .total
        .open;
    assert_eq!(n, 1);
}

#[test]
fn approving_in_the_queue_countersigns_the_registration_in_one_transaction() {
    let mut d = db();
    let (wang, zhao) = (d.wang.clone(), d.zhao.clone());
    let reg = register(&mut d, &wang, "k1");
    let item = claim_company(&mut d, &zhao, t0()).expect("claimable");
    // The review shows the company behind the item, with masked numbers.
    let company = item.registration.as_ref().expect("registration view");
    assert_eq!(company.name, "北京某某物流有限公司");
    assert!(
        !company
            .company
            .as_ref()
            .unwrap()
            .masked_agent_doc_number
            .contains("20000229")
    );
    assert_eq!(company.originals.len(), 3);
    assert!(item.licence.is_none() && item.photo.is_none());
    match decide(&mut d, &zhao, &item, Decision::Approve).unwrap() {
        Resp::Decided { outcome, .. } => assert_eq!(outcome, Outcome::Approve),
        other => panic!("{other:?}"),
    }
    let r = d.store.read(|tx| tx.registration(reg)).unwrap().unwrap();
    assert_eq!(r.status, RegistrationStatus::Countersigned);
    assert_eq!(r.countersigned_by, Some(zhao.id));
    let a = actions(&mut d);
    assert!(
        a.iter()
            .any(|(x, t, _)| *x == AuditAction::RegistrationCountersigned
                && *t == format!("registration:{reg}"))
    );
    assert!(a.iter().any(|(x, _, _)| *x == AuditAction::ReviewApproved));
    let sms = d.store.read(|tx| tx.outbox_unsent(10)).unwrap();
    assert_eq!(sms.len(), 2);
    assert!(sms[0].body.contains("单位账号已开通"), "{}", sms[0].body);
    // Countersigning the record afterwards says who did it.
    let qian = d.qian.clone();
    let err = countersign(&mut d, &qian, reg).unwrap_err();
    assert!(err.to_string().contains("已由 赵敏 复核"), "{err}");
}

#[test]
fn rejecting_returns_the_registration_and_the_company_may_register_again() {
    let mut d = db();
    let (wang, zhao) = (d.wang.clone(), d.zhao.clone());
    let reg = register(&mut d, &wang, "k1");
    let item = claim_company(&mut d, &zhao, t0()).unwrap();
    // A photo reason does not apply to a company, and nothing is written.
    let err = decide(
        &mut d,
        &zhao,
        &item,
        Decision::Reject {
            reasons: vec![Reason::PhotoBlur],
            free_text: String::new(),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("不适用"), "{err}");
    assert_eq!(
        reg_status(&mut d, reg),
        RegistrationStatus::PendingCountersign
    );
    decide(
        &mut d,
        &zhao,
        &item,
        Decision::Reject {
            reasons: vec![Reason::ScanUnreadable, Reason::InfoMismatch],
            free_text: "委托书未加盖公章".into(),
        },
    )
    .unwrap();
    assert_eq!(reg_status(&mut d, reg), RegistrationStatus::Returned);
    let a = actions(&mut d);
    let ret = a
        .iter()
        .find(|(x, _, _)| *x == AuditAction::RegistrationReturned)
        .expect("audited");
    assert!(ret.2.contains("扫描件不清"), "{}", ret.2);
    let d2 = d
        .store
        .read(|tx| tx.decision_for(item.id))
        .unwrap()
        .unwrap();
    assert!(d2.data.notice.contains("委托书未加盖公章"));
    // Returned: no countersigning on the record either.
    let qian = d.qian.clone();
    let err = countersign(&mut d, &qian, reg).unwrap_err();
    assert!(err.to_string().contains("已在审核队列中退回"), "{err}");
    // The agent comes back with the papers fixed: a new registration, queued again.
    let again = register(&mut d, &wang, "k2");
    assert_ne!(again, reg);
    assert_eq!(
        reg_status(&mut d, again),
        RegistrationStatus::PendingCountersign
    );
    assert!(claim_company(&mut d, &zhao, t0()).is_some());
}

#[test]
fn four_eyes_own_registration_and_administrators() {
    let mut d = db();
    let (zhao, qian, admin) = (d.zhao.clone(), d.qian.clone(), d.admin.clone());
    // A supervisor registers a company at the counter.
    let reg = register(&mut d, &zhao, "k1");
    assert!(
        claim_company(&mut d, &zhao, t0()).is_none(),
        "own entry skipped"
    );
    let app_id = d
        .store
        .read(|tx| tx.application_for_registration(reg))
        .unwrap()
        .unwrap();
    match review::handle(
        Call::new(&mut d.store, t0(), &zhao),
        Req::Open { id: app_id },
    )
    .unwrap()
    {
        Resp::Opened(i) => {
            assert!(i.ticket.is_none());
            assert!(i.read_only_reason.unwrap().contains("四眼原则"));
        }
        other => panic!("{other:?}"),
    }
    assert!(countersign(&mut d, &zhao, reg).is_err());
    let err = review::handle(
        Call::new(&mut d.store, t0(), &admin),
        Req::ClaimNext { kind: None },
    )
    .unwrap_err();
    assert!(err.to_string().contains("管理员"), "{err}");
    assert!(countersign(&mut d, &admin, reg).is_err());
    // Another supervisor may.
    let item = claim_company(&mut d, &qian, t0()).unwrap();
    decide(&mut d, &qian, &item, Decision::Approve).unwrap();
    assert_eq!(reg_status(&mut d, reg), RegistrationStatus::Countersigned);
}

#[test]
fn countersigning_on_the_record_closes_the_queue_item() {
    let mut d = db();
    let (wang, zhao) = (d.wang.clone(), d.zhao.clone());
    let reg = register(&mut d, &wang, "k1");
    countersign(&mut d, &zhao, reg).unwrap();
    assert_eq!(reg_status(&mut d, reg), RegistrationStatus::Countersigned);
    let app_id = d
        .store
        .read(|tx| tx.application_for_registration(reg))
        .unwrap()
        .unwrap();
    let rec = d.store.read(|tx| tx.application(app_id)).unwrap().unwrap();
    assert_eq!(
        AppState::derive(rec.status, rec.lease_until, t0()),
        AppState::Approved
    );
    let dec = d.store.read(|tx| tx.decision_for(app_id)).unwrap().unwrap();
    assert_eq!(dec.data.clerk, zhao.id);
    assert!(
        actions(&mut d)
            .iter()
            .any(|(x, _, detail)| *x == AuditAction::ReviewApproved
                && detail.contains("在面签记录上复核"))
    );
    // Nothing left to claim; opening it shows the decision, read-only.
    let qian = d.qian.clone();
    assert!(claim_company(&mut d, &qian, t0()).is_none());
}

#[test]
fn two_supervisors_race_one_wins_the_other_is_told_who() {
    let mut d = db();
    let (wang, zhao, qian) = (d.wang.clone(), d.zhao.clone(), d.qian.clone());
    let reg = register(&mut d, &wang, "k1");
    // 钱峰 has it open in the queue; 赵敏 tries on the record.
    let item = claim_company(&mut d, &qian, t0()).unwrap();
    let err = countersign(&mut d, &zhao, reg).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("正在由 钱峰"), "{text}");
    assert!(text.contains("至 10:15"), "{text}");
    assert_eq!(
        reg_status(&mut d, reg),
        RegistrationStatus::PendingCountersign
    );
    // 钱峰 decides; 赵敏 retrying is told it is done and by whom.
    decide(&mut d, &qian, &item, Decision::Approve).unwrap();
    let err = countersign(&mut d, &zhao, reg).unwrap_err();
    assert!(err.to_string().contains("已由 钱峰 复核"), "{err}");

    // The other way round: the record wins, the queue holder's ticket is stale.
    let mut d = db();
    let (wang, zhao, qian) = (d.wang.clone(), d.zhao.clone(), d.qian.clone());
    let reg = register(&mut d, &wang, "k1");
    let item = claim_company(&mut d, &qian, t0()).unwrap();
    // 钱峰's lease runs out unrenewed (a crashed PC); 赵敏 countersigns the record.
    registration::handle(
        Call::new(&mut d.store, t0() + Duration::minutes(20), &zhao),
        RegReq::Countersign { id: reg },
    )
    .unwrap();
    let err = decide(&mut d, &qian, &item, Decision::Approve).unwrap_err();
    assert!(err.to_string().contains("已通过"), "{err}");
    let dec = d
        .store
        .read(|tx| tx.decision_for(item.id))
        .unwrap()
        .unwrap();
    assert_eq!(dec.data.clerk, zhao.id);
}

#[test]
fn locking_or_signing_out_gives_claims_back_audited() {
    let mut d = db();
    let (zhao, qian) = (d.zhao.clone(), d.qian.clone());
    let wang = d.wang.clone();
    register(&mut d, &wang, "k1");
    let item = claim_company(&mut d, &zhao, t0()).unwrap();
    // 钱峰 cannot take it while 赵敏 holds it.
    assert!(claim_company(&mut d, &qian, t0()).is_none());
    session_uc::handle(
        &mut d.store,
        t0() + Duration::minutes(1),
        Some(&zhao),
        session_uc::Req::Locked(LockReason::Manual),
    )
    .unwrap();
    let released = actions(&mut d)
        .into_iter()
        .find(|(x, t, _)| {
            *x == AuditAction::ReviewReleased && *t == format!("application:{}", item.id)
        })
        .expect("release audited");
    assert!(released.2.contains("锁屏"), "{}", released.2);
    // 赵敏's old ticket is dead; 钱峰 may take it now.
    assert!(decide(&mut d, &zhao, &item, Decision::Approve).is_err());
    let taken = claim_company(&mut d, &qian, t0() + Duration::minutes(2)).unwrap();
    assert_eq!(taken.id, item.id);
    // Signing out gives it back as well.
    session_uc::handle(
        &mut d.store,
        t0() + Duration::minutes(3),
        Some(&qian),
        session_uc::Req::Logout { replaced_by: None },
    )
    .unwrap();
    assert!(
        actions(&mut d)
            .iter()
            .any(|(x, _, detail)| *x == AuditAction::ReviewReleased && detail.contains("退出登录"))
    );
    // After unlocking, 赵敏 can take it again.
    let again = claim_company(&mut d, &zhao, t0() + Duration::minutes(4)).unwrap();
    assert_eq!(again.id, item.id);
}

fn corrupt_a_page(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(path).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    // A page in the middle: the header and schema still read fine.
    f.seek(SeekFrom::Start(len / 2 / 4096 * 4096)).unwrap();
    f.write_all(&[0xA5; 4096]).unwrap();
}

#[test]
fn check_db_reports_intact_damaged_and_unopenable_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        counterdesk::app::demo::seed(&mut s, t0()).unwrap();
        counterdesk::app::demo::queue::generate(&mut s, 3000, 7, t0()).unwrap();
    }
    let mut out = Vec::new();
    let code =
        counterdesk::cli::check_db::run(Some(DbChoice::File(path.clone())), &mut out).unwrap();
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
    assert!(String::from_utf8_lossy(&out).contains("完整性检查通过"));

    corrupt_a_page(&path);
    let mut out = Vec::new();
    let code =
        counterdesk::cli::check_db::run(Some(DbChoice::File(path.clone())), &mut out).unwrap();
    let text = String::from_utf8_lossy(&out);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("已损坏"), "{text}");

    let mut out = Vec::new();
    let missing = dir.path().join("none.sqlite3");
    assert_eq!(
        counterdesk::cli::check_db::run(Some(DbChoice::File(missing)), &mut out).unwrap(),
        2
    );
    let text_file = dir.path().join("notes.txt");
    std::fs::write(&text_file, "not a database, just some text").unwrap();
    let mut out = Vec::new();
    assert_eq!(
        counterdesk::cli::check_db::run(Some(DbChoice::File(text_file)), &mut out).unwrap(),
        2
    );
    assert!(String::from_utf8_lossy(&out).contains("无法检查"));
}
