//! 面签注册 end to end on a temp database: one transaction per submit,
//! idempotent retries, duplicates, numbering under two connections,
//! four-eyes countersigning, audited reveals and the receipt PDF.

use counterdesk::app::runtime::call::Call;
use counterdesk::store::DraftKey;
use std::io::Cursor;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::registration;
use counterdesk::app::registration::Req;
use counterdesk::app::registration::Resp;
use counterdesk::app::registration::Submitted;
use counterdesk::app::registration::attachments::PreparedScan;
use counterdesk::app::registration::attachments::ScanInput;
use counterdesk::app::registration::attachments::prepare;
use counterdesk::app::runtime::error::AppError;
use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::domain::registration::RegistrationKind;
use counterdesk::domain::registration::{
    CompanyDraft, FieldId, IdDocType, PersonDraft, ReasonKind, RegistrationStatus, ScanSlot,
};
use counterdesk::store::{Applicant, AuditVerdict, NewAttachment, NewRegistration, Store};
use rusqlite::Connection;

/// 2026-11-20 09:30 in Beijing.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap()
}

fn seeded(path: &Path) -> Store {
    let mut s = Store::open(path).unwrap();
    counterdesk::app::demo::seed(&mut s, now()).unwrap();
    s
}

fn clerk(store: &mut Store, username: &str) -> SessionClerk {
    let c = store
        .read(|tx| tx.clerk_by_username(username))
        .unwrap()
        .unwrap();
    SessionClerk::from(&c)
}

fn png_scan(name: &str, shade: u8) -> PreparedScan {
    let img = image::RgbImage::from_fn(600, 380, |x, y| {
        image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    prepare(ScanInput::Bytes {
        file_name: name.into(),
        bytes,
    })
    .unwrap()
}

fn person(doc_number: &str, name: &str) -> PersonDraft {
    PersonDraft {
        doc_type: Some(IdDocType::ResidentId),
        doc_number: doc_number.into(),
        name: name.into(),
        mobile: "13800138000".into(),
        reason: Some(ReasonKind::FaceCheckFailed),
        reason_text: String::new(),
        identity_confirmed: true,
    }
}

fn company() -> CompanyDraft {
    CompanyDraft::sample("北京某某科技有限公司")
}

fn submit_person(
    store: &mut Store,
    actor: &SessionClerk,
    form: PersonDraft,
    scans: Vec<(ScanSlot, PreparedScan)>,
    key: &str,
) -> Result<Submitted, AppError> {
    match registration::handle(
        Call::new(store, now(), actor),
        Req::SubmitPerson {
            form,
            scans,
            idempotency_key: key.into(),
        },
    )? {
        Resp::Submitted(s) => Ok(*s),
        other => panic!("unexpected {other:?}"),
    }
}

fn submit_company(store: &mut Store, actor: &SessionClerk, key: &str) -> Submitted {
    match registration::handle(
        Call::new(store, now(), actor),
        Req::SubmitCompany {
            form: company(),
            scans: vec![(ScanSlot::BusinessLicence, png_scan("licence.png", 9))],
            idempotency_key: key.into(),
        },
    )
    .unwrap()
    {
        Resp::Submitted(s) => *s,
        other => panic!("unexpected {other:?}"),
    }
}

fn count(path: &Path, table: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn audit_count(store: &mut Store, action: AuditAction) -> usize {
    store
        .read(|tx| tx.audit_tail(10_000))
        .unwrap()
        .iter()
        .filter(|r| r.action == Some(action))
        .count()
}

#[test]
fn a_person_is_registered_with_scans_and_an_audit_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let front = png_scan("front.png", 1);
    let back = png_scan("back.png", 2);
    let out = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "阿依古丽·买买提"),
        vec![(ScanSlot::IdFront, front), (ScanSlot::IdBack, back)],
        "k1",
    )
    .unwrap();
    let r = out.record;
    assert!(!out.replayed);
    assert_eq!(r.number, "MQ-20261120-0001");
    assert_eq!(r.status, RegistrationStatus::Registered);
    assert_eq!(r.doc_number_shown, "110101********0011");
    assert_eq!(r.masked_mobile, "138****8000");
    assert_eq!(r.name, "阿依古丽·买买提");
    assert_eq!(r.attachments.len(), 2);
    assert!(r.attachments.iter().all(|a| a.thumbnail_png.is_some()));
    assert_eq!(r.clerk_name, "王丽");
    assert_eq!(audit_count(&mut s, AuditAction::RegistrationCreated), 1);
    assert!(matches!(
        s.read(|tx| tx.verify_audit()).unwrap(),
        AuditVerdict::Intact { .. }
    ));
    // The audit row names the record, never the document number.
    let tail = s.read(|tx| tx.audit_tail(1)).unwrap();
    assert!(!tail[0].detail.contains("110101199003070011"));
    assert_eq!(tail[0].target, format!("registration:{}", r.id));
}

#[test]
fn the_same_scan_twice_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let scan = png_scan("same.png", 3);
    submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "张三"),
        vec![
            (ScanSlot::IdFront, scan.clone()),
            (ScanSlot::IdBack, scan.clone()),
        ],
        "a",
    )
    .unwrap();
    submit_person(
        &mut s,
        &wang,
        person("110101200002290018", "李四"),
        vec![(ScanSlot::IdFront, scan)],
        "b",
    )
    .unwrap();
    assert_eq!(count(&path, "attachments"), 3);
    assert_eq!(count(&path, "scan_blobs"), 1);
}

#[test]
fn submitting_the_same_form_twice_creates_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let form = person("110101199003070011", "张三");
    let first = submit_person(&mut s, &wang, form.clone(), vec![], "same-key").unwrap();
    // Double click, Enter held, retry after a worker error: same key.
    for _ in 0..3 {
        let again = submit_person(&mut s, &wang, form.clone(), vec![], "same-key").unwrap();
        assert!(again.replayed);
        assert_eq!(again.record.id, first.record.id);
        assert_eq!(again.record.number, first.record.number);
    }
    assert_eq!(count(&path, "registrations"), 1);
    assert_eq!(audit_count(&mut s, AuditAction::RegistrationCreated), 1);
}

#[test]
fn a_known_number_returns_the_existing_record_and_its_mobile_can_be_updated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let first = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "张三"),
        vec![],
        "one",
    )
    .unwrap();
    // Typed differently (spaces, lower-case x) but the same number.
    let err = submit_person(
        &mut s,
        &wang,
        person(" 110101 19900307 0011 ", "张三"),
        vec![],
        "two",
    )
    .unwrap_err();
    let AppError::Duplicate(r) = err else {
        panic!("expected a duplicate, got {err:?}")
    };
    assert_eq!(
        (r.id, r.number.as_str()),
        (first.record.id, "MQ-20261120-0001")
    );
    assert_eq!(count(&path, "registrations"), 1);

    let resp = registration::handle(
        Call::new(&mut s, now(), &wang),
        Req::UpdateMobile {
            id: r.id,
            mobile: "139 0013 9000".into(),
        },
    )
    .unwrap();
    let Resp::MobileUpdated(v) = resp else {
        panic!("{resp:?}")
    };
    assert_eq!(v.masked_mobile, "139****9000");
    assert_eq!(count(&path, "registrations"), 1);
    assert_eq!(
        audit_count(&mut s, AuditAction::RegistrationMobileChanged),
        1
    );
    // A landline is refused beside the field.
    let resp = registration::handle(
        Call::new(&mut s, now(), &wang),
        Req::UpdateMobile {
            id: r.id,
            mobile: "010-12345678".into(),
        },
    )
    .unwrap();
    let Resp::Invalid(e) = resp else {
        panic!("{resp:?}")
    };
    assert_eq!(e.first_invalid_field(), Some(FieldId::Mobile));
}

#[test]
fn a_company_with_the_same_organisation_code_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let first = submit_company(&mut s, &wang, "c1");
    let legacy = CompanyDraft {
        code: "60003734-1".into(),
        ..company()
    };
    let err = registration::handle(
        Call::new(&mut s, now(), &wang),
        Req::SubmitCompany {
            form: legacy,
            scans: vec![],
            idempotency_key: "c2".into(),
        },
    )
    .unwrap_err();
    assert!(matches!(err, AppError::Duplicate(r) if r.id == first.record.id));
}

#[test]
fn an_invalid_form_comes_back_with_field_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = seeded(&dir.path().join("r.sqlite3"));
    let wang = clerk(&mut s, "wangli");
    let mut form = person("110101199003070010", "  ");
    form.identity_confirmed = false;
    let resp = registration::handle(
        Call::new(&mut s, now(), &wang),
        Req::SubmitPerson {
            form,
            scans: vec![],
            idempotency_key: "k".into(),
        },
    )
    .unwrap();
    let Resp::Invalid(e) = resp else {
        panic!("{resp:?}")
    };
    assert_eq!(e.first_invalid_field(), Some(FieldId::DocNumber));
    assert_eq!(e.get(FieldId::Name), Some("请填写姓名。"));
    assert!(e.get(FieldId::IdentityConfirmed).is_some());
}

#[test]
fn a_failure_after_the_attachments_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    // Injected failure: the audit row (written after the record and its
    // attachments) is refused.
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail_registration_audit BEFORE INSERT ON audit_log \
             WHEN NEW.action = 'registration_created' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    let err = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "张三"),
        vec![(ScanSlot::IdFront, png_scan("f.png", 4))],
        "k",
    )
    .unwrap_err();
    assert!(matches!(err, AppError::Store(_)), "{err:?}");
    for table in [
        "registrations",
        "attachments",
        "scan_blobs",
        "registration_counters",
    ] {
        assert_eq!(count(&path, table), 0, "{table}");
    }
    // The retry (same key) after the fault is cleared succeeds, numbered 0001.
    Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TRIGGER fail_registration_audit;")
        .unwrap();
    let ok = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "张三"),
        vec![(ScanSlot::IdFront, png_scan("f.png", 4))],
        "k",
    )
    .unwrap();
    assert_eq!(ok.record.number, "MQ-20261120-0001");
    assert!(!ok.replayed);
}

#[test]
fn the_store_rolls_back_a_registration_with_its_attachments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let clerk_id = clerk(&mut s, "wangli").id;
    let err = s
        .write_checked(|tx| -> Result<(), AppError> {
            let id = tx.insert_registration(
                &NewRegistration {
                    reg_no: "MQ-20261120-0001".into(),
                    kind: RegistrationKind::Person,
                    applicant: Applicant {
                        doc_type: "resident_id".into(),
                        doc_number: "110101199003070011".into(),
                        org_code: None,
                        name: "张三".into(),
                        mobile: "13800138000".into(),
                        reason: None,
                        reason_text: None,
                        agent_name: None,
                        agent_doc_type: None,
                        agent_doc_number: None,
                    },
                    breakdown: None,
                    sighted: vec![],
                    office: "x".into(),
                    clerk_id,
                    idempotency_key: "k".into(),
                },
                now(),
            )?;
            let sha = "ab".repeat(32);
            tx.put_scan_blob(&sha, b"scan", now())?;
            tx.insert_attachment(
                &NewAttachment {
                    registration_id: id,
                    slot: "id_front".into(),
                    sha256: sha.clone(),
                    file_name: "f.png".into(),
                    mime: "image/png".into(),
                    size: 4,
                    width: None,
                    height: None,
                    pages: None,
                    thumbnail: None,
                },
                now(),
            )?;
            Err(AppError::rejected("injected"))
        })
        .unwrap_err();
    assert!(matches!(err, AppError::Rejected(_)));
    for table in ["registrations", "attachments", "scan_blobs"] {
        assert_eq!(count(&path, table), 0, "{table}");
    }
}

#[test]
fn numbers_stay_unique_under_two_connections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let zhao = clerk(&mut s, "zhaomin");
    drop(s);
    let per_thread = 25;
    let handles: Vec<_> = [(wang, 0usize), (zhao, 1usize)]
        .into_iter()
        .map(|(actor, t)| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let mut numbers = Vec::new();
                for i in 0..per_thread {
                    // valid synthetic numbers: vary the order code, fix the check digit
                    let body = format!("11010119900307{:03}", t * 100 + i);
                    let check =
                        counterdesk::domain::documents::checksum::mod11_2(body.as_bytes()).unwrap();
                    let n = format!("{body}{}", check as char);
                    let out = submit_person(
                        &mut store,
                        &actor,
                        person(&n, "张三"),
                        vec![],
                        &format!("t{t}-{i}"),
                    )
                    .unwrap();
                    numbers.push(out.record.number);
                }
                numbers
            })
        })
        .collect();
    let mut all: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort();
    let expected: Vec<String> = (1..=2 * per_thread)
        .map(|i| format!("MQ-20261120-{i:04}"))
        .collect();
    assert_eq!(all, expected);
}

#[test]
fn a_company_counts_only_after_another_supervisor_countersigns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let zhao = clerk(&mut s, "zhaomin");
    let admin = clerk(&mut s, "admin");
    let c = submit_company(&mut s, &wang, "c").record;
    assert_eq!(c.status, RegistrationStatus::PendingCountersign);
    assert_eq!(c.status.label(), "待复核");
    assert!(c.company.as_ref().unwrap().breakdown.org_code.is_some());
    let countersign = |s: &mut Store, who: &SessionClerk| {
        registration::handle(Call::new(s, now(), who), Req::Countersign { id: c.id })
    };
    // Counter clerks and administrators decide nothing.
    assert!(matches!(
        countersign(&mut s, &wang),
        Err(AppError::Rejected(_))
    ));
    assert!(matches!(
        countersign(&mut s, &admin),
        Err(AppError::Rejected(_))
    ));
    // The pending list shows it to the supervisor, with the button enabled.
    let page = registration::handle(
        Call::new(&mut s, now(), &zhao),
        Req::PendingCountersign {
            page: 0,
            generation: 7,
        },
    )
    .unwrap();
    let Resp::Page(p) = page else { panic!() };
    assert_eq!((p.generation, p.rows.len()), (7, 1));
    let Resp::Opened(v) =
        registration::handle(Call::new(&mut s, now(), &zhao), Req::Open { id: c.id }).unwrap()
    else {
        panic!()
    };
    assert!(v.can_countersign);
    let Resp::Countersigned(v) = countersign(&mut s, &zhao).unwrap() else {
        panic!()
    };
    assert_eq!(v.status, RegistrationStatus::Countersigned);
    assert_eq!(v.countersigned_by.as_deref(), Some("赵敏"));
    assert!(matches!(
        countersign(&mut s, &zhao),
        Err(AppError::Rejected(_))
    ));
    assert_eq!(
        audit_count(&mut s, AuditAction::RegistrationCountersigned),
        1
    );
}

#[test]
fn a_supervisor_cannot_countersign_their_own_registration() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = seeded(&dir.path().join("r.sqlite3"));
    let zhao = clerk(&mut s, "zhaomin");
    let c = submit_company(&mut s, &zhao, "c").record;
    assert!(!c.can_countersign);
    let err = registration::handle(
        Call::new(&mut s, now(), &zhao),
        Req::Countersign { id: c.id },
    )
    .unwrap_err();
    assert!(err.to_string().contains("自己"), "{err}");
}

#[test]
fn revealing_a_number_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = seeded(&dir.path().join("r.sqlite3"));
    let wang = clerk(&mut s, "wangli");
    let zhao = clerk(&mut s, "zhaomin");
    let r = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "张三"),
        vec![],
        "k",
    )
    .unwrap()
    .record;
    let Resp::Revealed(n) =
        registration::handle(Call::new(&mut s, now(), &zhao), Req::Reveal { id: r.id }).unwrap()
    else {
        panic!()
    };
    assert_eq!(n.doc_number, "110101199003070011");
    let tail = s.read(|tx| tx.audit_tail(1)).unwrap();
    assert_eq!(
        tail[0].action,
        Some(AuditAction::RegistrationNumberRevealed)
    );
    assert_eq!(tail[0].actor, "zhaomin");
    assert_eq!(tail[0].target, format!("registration:{}", r.id));
    // The administrator cannot look.
    let admin = clerk(&mut s, "admin");
    assert!(
        registration::handle(Call::new(&mut s, now(), &admin), Req::Reveal { id: r.id }).is_err()
    );
}

#[test]
fn registration_drafts_stay_with_their_clerk() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = seeded(&dir.path().join("r.sqlite3"));
    let wang = clerk(&mut s, "wangli");
    let zhao = clerk(&mut s, "zhaomin");
    let body = serde_json::to_string(&person("110101199003070011", "张三")).unwrap();
    s.write(|tx| tx.save_draft(DraftKey::new(wang.id, "registration.person"), &body, now()))
        .unwrap();
    assert_eq!(
        s.read(|tx| tx.draft(DraftKey::new(zhao.id, "registration.person")))
            .unwrap(),
        None
    );
    let back: PersonDraft = serde_json::from_str(
        &s.read(|tx| tx.draft(DraftKey::new(wang.id, "registration.person")))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(back.name, "张三");
}

fn search(s: &mut Store, actor: &SessionClerk, text: &str) -> Vec<String> {
    let Resp::Page(p) = registration::handle(
        Call::new(s, now(), actor),
        Req::Search {
            text: text.into(),
            page: 0,
            generation: 1,
        },
    )
    .unwrap() else {
        panic!()
    };
    p.rows.into_iter().map(|r| r.name).collect()
}

#[test]
fn search_by_number_document_and_name_prefix_uses_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    counterdesk::app::demo::registrations::add(&mut s, now(), 300).unwrap();
    let mine = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "欧阳娜娜"),
        vec![],
        "k",
    )
    .unwrap()
    .record;
    assert_eq!(search(&mut s, &wang, &mine.number), ["欧阳娜娜"]);
    assert_eq!(search(&mut s, &wang, "110101 19900307 0011"), ["欧阳娜娜"]);
    assert_eq!(search(&mut s, &wang, "欧阳"), ["欧阳娜娜"]);
    let wangs = search(&mut s, &wang, "王");
    assert!(!wangs.is_empty() && wangs.iter().all(|n| n.starts_with('王')));
    assert!(search(&mut s, &wang, "").len() <= registration::PAGE_SIZE);

    let c = Connection::open(&path).unwrap();
    for (sql, arg) in [
        (
            "SELECT id FROM registrations WHERE reg_no = ?1",
            "MQ-20261120-0001",
        ),
        (
            "SELECT id FROM registrations WHERE doc_number = ?1",
            "110101199003070011",
        ),
        (
            "SELECT id FROM registrations WHERE name >= ?1 AND name < ?1 || char(1114111) \
             ORDER BY name, id LIMIT 51",
            "王",
        ),
        (
            "SELECT id FROM registrations WHERE status = 'pending_countersign' ORDER BY id LIMIT 51",
            "",
        ),
    ] {
        let plan: Vec<String> = c
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(
                rusqlite::params_from_iter(sql.contains("?1").then_some(arg)),
                |r| r.get::<_, String>(3),
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let plan = plan.join(" | ");
        assert!(plan.contains("USING"), "{sql}: {plan}");
        assert!(!plan.contains("SCAN registrations"), "{sql}: {plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{sql}: {plan}");
    }
}

#[test]
fn the_receipt_pdf_holds_the_number_the_name_and_its_title_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = seeded(&dir.path().join("r.sqlite3"));
    let wang = clerk(&mut s, "wangli");
    let r = submit_person(
        &mut s,
        &wang,
        person("110101199003070011", "阿依古丽·买买提"),
        vec![],
        "k",
    )
    .unwrap()
    .record;
    let Resp::Receipt(data) =
        registration::handle(Call::new(&mut s, now(), &wang), Req::Receipt { id: r.id }).unwrap()
    else {
        panic!()
    };
    // Issued (audited, anchored) by the write; the PDF is made afterwards.
    let file = data.render_file().unwrap();
    assert!(file.pdf.starts_with(b"%PDF-"));
    assert_eq!(file.file_name, "面签回执-MQ-20261120-0001.pdf");
    let text = pdf_extract::extract_text_from_mem(&file.pdf).unwrap();
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "MQ-20261120-0001",
        "阿依古丽·买买提",
        "面签注册受理回执",
        "110101********0011",
        "王丽",
        "“待复核”",
        "审计链锚点",
    ] {
        assert!(flat.contains(needle), "{needle} not in {flat}");
    }
    assert!(!flat.contains("110101199003070011"));
    let head = s.read(|tx| tx.audit_tail(1)).unwrap();
    assert_eq!(head[0].action, Some(AuditAction::RegistrationReceiptIssued));
    // The data the write returned is anchored to the row it wrote.
    assert_eq!(
        (data.audit_seq, &data.audit_hash),
        (head[0].seq, &head[0].hash)
    );
    assert!(
        flat.contains(&head[0].hash),
        "the receipt carries the chain head"
    );

    // A company receipt says it awaits countersigning; the PDF is itself a valid scan.
    let c = submit_company(&mut s, &wang, "c").record;
    let Resp::Receipt(data) =
        registration::handle(Call::new(&mut s, now(), &wang), Req::Receipt { id: c.id }).unwrap()
    else {
        panic!()
    };
    let file = data.render_file().unwrap();
    let text: String = pdf_extract::extract_text_from_mem(&file.pdf)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("待复核（单位面签须经审核人员复核后生效）"),
        "{text}"
    );
    assert!(text.contains("北京某某科技有限公司"));
    let scan = prepare(ScanInput::Bytes {
        file_name: "receipt.pdf".into(),
        bytes: file.pdf,
    })
    .unwrap();
    assert_eq!(scan.pages(), Some(1));
    assert!(scan.thumbnail_png().is_none());
}

#[test]
fn a_renamed_text_file_and_an_oversized_file_are_refused_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("scan.jpg");
    std::fs::write(&fake, "这不是图片").unwrap();
    let err = prepare(fake.as_path()).unwrap_err();
    assert!(err.to_string().contains("按文件内容判断"), "{err}");
    let big = dir.path().join("big.png");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(40 * 1024 * 1024).unwrap();
    let err = prepare(big.as_path()).unwrap_err();
    assert!(err.to_string().contains("40.0 MB"), "{err}");
}

#[test]
fn a_locked_database_refuses_the_submit_and_the_retry_creates_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    let mut s = seeded(&path);
    let wang = clerk(&mut s, "wangli");
    let form = person("110101199003070011", "张三");
    // Another program holds the write lock past the busy timeout.
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = submit_person(&mut s, &wang, form.clone(), vec![], "k-locked").unwrap_err();
    assert!(matches!(err, AppError::Store(_)), "{err:?}");
    assert!(!err.to_string().is_empty());
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(count(&path, "registrations"), 0, "nothing half-written");
    // The form kept its key: the retry creates the record once.
    let first = submit_person(&mut s, &wang, form.clone(), vec![], "k-locked").unwrap();
    assert!(!first.replayed);
    let again = submit_person(&mut s, &wang, form, vec![], "k-locked").unwrap();
    assert!(again.replayed);
    assert_eq!(count(&path, "registrations"), 1);
}
