//! Registrations with their daily numbers, searches, countersigning, and
//! the scans attached to them.

use std::collections::BTreeSet;
use std::sync::Barrier;

use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::registration::{RegistrationKind, RegistrationStatus};
use counterdesk::store::{
    Applicant, NewAttachment, NewRegistration, RegistrationQuery, sha256_hex,
};

use super::{clerk, minutes, on_both, retry, t0};

/// A registration of `kind` numbered `no` (its document number and key too).
pub(super) fn registration(
    no: u32,
    kind: RegistrationKind,
    name: &str,
    clerk_id: i64,
) -> NewRegistration {
    let company = kind == RegistrationKind::Company;
    NewRegistration {
        reg_no: format!("MQ20261123{no:04}"),
        kind,
        applicant: Applicant {
            doc_type: if company { "USCC" } else { "A" }.into(),
            doc_number: if company {
                format!("91110000MA0{no:05}X")
            } else {
                format!("1101011990010{no:04}X")
            },
            org_code: company.then(|| format!("MA0{no:05}X")),
            name: name.into(),
            mobile: "13812345678".into(),
            reason: None,
            reason_text: None,
            agent_name: company.then(|| "王丽".into()),
            agent_doc_type: company.then(|| "A".into()),
            agent_doc_number: company.then(|| "110101199001011237".into()),
        },
        breakdown: company.then(|| "{}".into()),
        sighted: vec!["id_card".into(), "licence".into()],
        office: "某市车管所".into(),
        clerk_id,
        idempotency_key: format!("key-{no}"),
    }
}

#[test]
fn daily_numbers_are_unique_under_concurrent_counters() {
    on_both("regno", |db| {
        let s = &mut db.store;
        let day = "20261123";
        assert_eq!(s.write(|tx| tx.next_registration_seq(day)).unwrap(), 1);
        assert_eq!(s.write(|tx| tx.next_registration_seq(day)).unwrap(), 2);
        assert_eq!(
            s.write(|tx| tx.next_registration_seq("20261124")).unwrap(),
            1
        );
        // A rolled-back registration gives its number back.
        assert_eq!(s.rehearse(|tx| tx.next_registration_seq(day)).unwrap(), 3);

        const COUNTERS: usize = 8;
        const EACH: usize = 5;
        let start = Barrier::new(COUNTERS);
        let opener = db.opener();
        let got: Vec<u32> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..COUNTERS)
                .map(|_| {
                    let (opener, start) = (&opener, &start);
                    sc.spawn(move || {
                        let mut store = opener.open();
                        start.wait();
                        (0..EACH)
                            .map(|_| retry(|| store.write(|tx| tx.next_registration_seq(day))))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let distinct: BTreeSet<u32> = got.iter().copied().collect();
        assert_eq!(distinct.len(), got.len(), "a number was handed out twice");
        let expected: BTreeSet<u32> = (3..3 + (COUNTERS * EACH) as u32).collect();
        assert_eq!(distinct, expected, "numbers are gap-free");
    });
}

#[test]
fn registrations_search_countersign_and_return() {
    on_both("registrations", |db| {
        let wang = clerk(&mut db.store, "wangli", Role::Counter);
        let zhao = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let s = &mut db.store;
        let person = s
            .write(|tx| {
                tx.insert_registration(
                    &registration(1, RegistrationKind::Person, "王丽华", wang),
                    t0(),
                )
            })
            .unwrap();
        let company = s
            .write(|tx| {
                tx.insert_registration(
                    &registration(
                        2,
                        RegistrationKind::Company,
                        "北京某某汽车服务有限公司",
                        wang,
                    ),
                    t0() + minutes(1),
                )
            })
            .unwrap();
        let other = s
            .write(|tx| {
                tx.insert_registration(
                    &registration(3, RegistrationKind::Person, "李娜", wang),
                    t0() + minutes(2),
                )
            })
            .unwrap();
        assert_eq!(s.read(|tx| tx.registration_count()).unwrap(), 3);

        let rec = s.read(|tx| tx.registration(person)).unwrap().unwrap();
        assert_eq!(rec.reg_no, "MQ202611230001");
        assert_eq!(rec.status, RegistrationStatus::Registered);
        assert_eq!(rec.sighted, ["id_card", "licence"]);
        assert_eq!(rec.clerk_name, "wangli（测试）");
        assert_eq!(rec.created_at, t0());
        assert_eq!(
            s.read(|tx| tx.registration_by_no("MQ202611230001"))
                .unwrap(),
            Some(rec.clone())
        );
        assert_eq!(
            s.read(|tx| tx.registration_by_key("key-1")).unwrap(),
            Some(rec.clone())
        );
        assert_eq!(
            s.read(|tx| tx.reg_no_of(company)).unwrap().as_deref(),
            Some("MQ202611230002")
        );
        assert_eq!(s.read(|tx| tx.registration(9999)).unwrap(), None);

        // Duplicates: by document number, or the company's code inside another code.
        assert_eq!(
            s.read(|tx| tx.registration_holding(&rec.applicant.doc_number, None))
                .unwrap(),
            Some((person, rec.reg_no.clone()))
        );
        assert_eq!(
            s.read(|tx| tx.registration_holding("91110000XX000002X", Some("MA000002X")))
                .unwrap()
                .map(|h| h.0),
            Some(company)
        );
        assert_eq!(
            s.read(|tx| tx.registration_holding("nope", None)).unwrap(),
            None
        );

        let ids = |q: RegistrationQuery, s: &mut counterdesk::store::Store| -> Vec<i64> {
            s.read(|tx| tx.search_registrations(&q, 10, 0))
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(ids(RegistrationQuery::Recent, s), [other, company, person]);
        assert_eq!(
            s.read(|tx| tx.search_registrations(&RegistrationQuery::Recent, 1, 1))
                .unwrap()[0]
                .id,
            company
        );
        assert_eq!(
            ids(RegistrationQuery::RegNo("MQ202611230003".into()), s),
            [other]
        );
        assert_eq!(
            ids(
                RegistrationQuery::Number(rec.applicant.doc_number.clone()),
                s
            ),
            [person]
        );
        // A prefix in byte order: 王 finds 王丽华, not 李娜.
        assert_eq!(ids(RegistrationQuery::NamePrefix("王".into()), s), [person]);
        assert_eq!(
            ids(RegistrationQuery::NamePrefix("北京某某".into()), s),
            [company]
        );
        assert_eq!(ids(RegistrationQuery::PendingCountersign, s), [company]);

        s.write(|tx| tx.set_registration_mobile(person, "13900000000", t0() + minutes(5)))
            .unwrap();
        let rec = s.read(|tx| tx.registration(person)).unwrap().unwrap();
        assert_eq!(rec.applicant.mobile, "13900000000");
        assert_eq!(rec.updated_at, t0() + minutes(5));

        // Four eyes: the registering clerk cannot countersign; a person's
        // registration has nothing to countersign.
        assert!(
            !s.write(|tx| tx.countersign_registration(company, wang, t0()))
                .unwrap()
        );
        assert!(
            !s.write(|tx| tx.countersign_registration(person, zhao, t0()))
                .unwrap()
        );
        assert!(
            s.write(|tx| tx.countersign_registration(company, zhao, t0() + minutes(9)))
                .unwrap()
        );
        let done = s.read(|tx| tx.registration(company)).unwrap().unwrap();
        assert_eq!(done.status, RegistrationStatus::Countersigned);
        assert_eq!(done.countersigned_by, Some(zhao));
        assert_eq!(done.countersigner_name.as_deref(), Some("zhaomin（测试）"));
        assert_eq!(done.countersigned_at, Some(t0() + minutes(9)));
        assert!(
            !s.write(|tx| tx.countersign_registration(company, zhao, t0()))
                .unwrap()
        );
        assert!(ids(RegistrationQuery::PendingCountersign, s).is_empty());

        // A returned company no longer holds its number or code.
        let again = s
            .write(|tx| {
                tx.insert_registration(
                    &registration(4, RegistrationKind::Company, "上海某某公司", wang),
                    t0(),
                )
            })
            .unwrap();
        assert!(
            !s.write(|tx| tx.return_registration(again, wang, t0()))
                .unwrap()
        );
        assert!(
            s.write(|tx| tx.return_registration(again, zhao, t0()))
                .unwrap()
        );
        let returned = s.read(|tx| tx.registration(again)).unwrap().unwrap();
        assert_eq!(returned.status, RegistrationStatus::Returned);
        assert_eq!(
            s.read(|tx| tx.registration_holding(
                &returned.applicant.doc_number,
                returned.applicant.org_code.as_deref()
            ))
            .unwrap(),
            None
        );
    });
}

#[test]
fn scans_are_stored_once_and_attached() {
    on_both("scans", |db| {
        let wang = clerk(&mut db.store, "wangli", Role::Counter);
        let s = &mut db.store;
        let reg = s
            .write(|tx| {
                tx.insert_registration(
                    &registration(1, RegistrationKind::Person, "王丽", wang),
                    t0(),
                )
            })
            .unwrap();
        let scan = b"%PDF-1.7 synthetic scan".to_vec();
        let sha = sha256_hex(&scan);
        assert!(s.write(|tx| tx.put_scan_blob(&sha, &scan, t0())).unwrap());
        assert!(!s.write(|tx| tx.put_scan_blob(&sha, &scan, t0())).unwrap());
        assert_eq!(s.read(|tx| tx.scan_blob(&sha)).unwrap(), Some(scan.clone()));
        assert_eq!(s.read(|tx| tx.scan_blob(&"0".repeat(64))).unwrap(), None);
        let new = NewAttachment {
            registration_id: reg,
            slot: "id_front".into(),
            sha256: sha.clone(),
            file_name: "身份证正面.pdf".into(),
            mime: "application/pdf".into(),
            size: scan.len() as u64,
            width: Some(1240),
            height: Some(1754),
            pages: Some(1),
            thumbnail: Some(vec![0xff, 0xd8, 0xff, 0x00]),
        };
        let id = s.write(|tx| tx.insert_attachment(&new, t0())).unwrap();
        let got = s.read(|tx| tx.attachments_of(reg)).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].id, id);
        // Stored as handed in: slot, names, size, dimensions, thumbnail.
        assert_eq!(got[0].data, new);
        assert!(s.read(|tx| tx.attachments_of(reg + 1)).unwrap().is_empty());
    });
}
