//! `demo-data --registrations N`: synthetic registrations (valid synthetic
//! numbers, people and companies) for demos and the 100 000-row measurements.
//! Never real people: every number is computed here from a counter.

use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Duration, Utc};

use crate::app::clerks::access::audit;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::demo;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::Role;
use crate::domain::documents::checksum::{credit_check, mod11_2, org_check};
use crate::domain::documents::credit_code::org_code_of;
use crate::domain::registration::scan::Original;
use crate::domain::registration::{IdDocType, ReasonKind, RegistrationKind, RegistrationNo};
use crate::store::{Applicant, NewRegistration, Store};

const REGIONS: [&str; 8] = [
    "110101", "310104", "440305", "330106", "510104", "420102", "320102", "610113",
];
const SURNAMES: [&str; 16] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛",
];
const MINORITY: [&str; 4] = [
    "阿依古丽·买买提",
    "努尔兰·沙吾提",
    "古丽娜尔·艾力",
    "迪丽热巴·吐尔逊",
];
const LATIN: [&str; 4] = ["ANNA SCHMIDT", "JOHN SMITH", "MARIA GARCIA", "KENJI SATO"];
const COMPANY_WORDS: [&str; 8] = [
    "华信", "恒通", "联达", "瑞丰", "安泰", "宏远", "新源", "中科",
];
const BATCH: usize = 1000;
const BIRTH_DAYS: usize = 20_000;

fn with_check(body17: &str) -> String {
    let check = mod11_2(body17.as_bytes()).map(char::from).unwrap_or('0');
    format!("{body17}{check}")
}

/// A valid synthetic 18-digit number with the given 6-digit head; `i` picks
/// the birth date and order code, uniquely for each `i`.
fn synthetic_id(head: &str, i: usize) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default()
        + Duration::days((i % BIRTH_DAYS) as i64);
    let order = (i / BIRTH_DAYS) % 1000;
    with_check(&format!("{head}{}{order:03}", birth.format("%Y%m%d")))
}

/// (doc type, number, name) of the i-th synthetic person.
fn person(i: usize) -> (IdDocType, String, String) {
    let region = REGIONS[(i / BIRTH_DAYS / 1000) % REGIONS.len()];
    let chinese = format!(
        "{}{}",
        SURNAMES[i % SURNAMES.len()],
        GIVEN[(i / SURNAMES.len()) % GIVEN.len()]
    );
    match i % 100 {
        7 => (IdDocType::HkMacaoPermit, synthetic_id("810000", i), chinese),
        13 => (
            IdDocType::ForeignPr,
            // 9 + province 11 + nationality 276 + birth date + order (new card layout)
            {
                let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
                    + Duration::days((i % BIRTH_DAYS) as i64);
                with_check(&format!(
                    "911276{}{:03}",
                    birth.format("%Y%m%d"),
                    (i / BIRTH_DAYS) % 1000
                ))
            },
            LATIN[i % LATIN.len()].to_owned(),
        ),
        29 => (
            IdDocType::ResidentId,
            synthetic_id("650102", i),
            MINORITY[i % MINORITY.len()].to_owned(),
        ),
        _ => (IdDocType::ResidentId, synthetic_id(region, i), chinese),
    }
}

/// A valid synthetic credit code whose organisation code is `MA` + 6 digits of `i`.
fn credit_code(i: usize) -> String {
    let body = format!("MA{:06}", i % 1_000_000);
    let org = char::from(org_check(body.as_bytes()).unwrap_or(b'0'));
    let region = REGIONS[i % REGIONS.len()];
    let body17 = format!("91{region}{body}{org}");
    let k = char::from(credit_check(body17.as_bytes()).unwrap_or(b'0'));
    format!("{body17}{k}")
}

fn record(i: usize, office: &str, clerk_id: i64, reg_no: String) -> NewRegistration {
    let mobile = format!("13{}{:08}", i % 10, (i * 7919) % 100_000_000);
    if i % 10 == 3 {
        let (_, agent_doc, agent_name) = person(i + 5_000_000);
        let code = credit_code(i);
        NewRegistration {
            reg_no,
            kind: RegistrationKind::Company,
            applicant: Applicant {
                doc_type: "credit_code".to_owned(),
                org_code: org_code_of(&code).map(str::to_owned),
                doc_number: code,
                name: format!(
                    "{}{}{}有限公司",
                    ["北京", "上海", "深圳", "杭州"][i % 4],
                    COMPANY_WORDS[(i / 4) % COMPANY_WORDS.len()],
                    ["科技", "物流", "运输", "贸易"][(i / 32) % 4]
                ),
                mobile,
                reason: None,
                reason_text: None,
                agent_name: Some(agent_name),
                agent_doc_type: Some(IdDocType::ResidentId.code().to_owned()),
                agent_doc_number: Some(agent_doc),
            },
            breakdown: None,
            sighted: Original::required_codes(RegistrationKind::Company),
            office: office.to_owned(),
            clerk_id,
            idempotency_key: format!("demo-{i}"),
        }
    } else {
        let (doc_type, doc_number, name) = person(i);
        NewRegistration {
            reg_no,
            kind: RegistrationKind::Person,
            applicant: Applicant {
                doc_type: doc_type.code().to_owned(),
                doc_number,
                org_code: None,
                name,
                mobile,
                reason: Some(ReasonKind::ALL[i % 3].code().to_owned()),
                reason_text: None,
                agent_name: None,
                agent_doc_type: None,
                agent_doc_number: None,
            },
            breakdown: None,
            sighted: Original::required_codes(RegistrationKind::Person),
            office: office.to_owned(),
            clerk_id,
            idempotency_key: format!("demo-{i}"),
        }
    }
}

/// Adds `n` synthetic registrations, spread over the last year, registered by
/// a counter clerk (the demo clerks are created first in an empty database).
/// Returns how many were added.
pub fn add(store: &mut Store, now: DateTime<Utc>, n: usize) -> Result<usize, AppError> {
    if store.read_checked(|tx| tx.clerk_count())? == 0 {
        demo::seed(store, now)?;
    }
    let clerk = store
        .read(|tx| tx.list_clerks())?
        .into_iter()
        .find(|c| c.role == Role::Counter && !c.disabled)
        .ok_or_else(|| AppError::rejected("数据库中没有可用的窗口账号，无法生成演示面签。"))?;
    let actor = SessionClerk::from(&clerk);
    let start = usize::try_from(store.read_checked(|tx| tx.registration_count())?).unwrap_or(0);
    let mut added = 0;
    for batch in (start..start + n).collect::<Vec<_>>().chunks(BATCH) {
        added += store.write_checked(|tx| -> Result<_, AppError> {
            let office = tx.settings()?.office_name;
            let mut added = 0;
            for &i in batch {
                let at =
                    now - Duration::days((i % 365) as i64) - Duration::minutes((i % 480) as i64);
                let day = clock::to_local(at).date_naive();
                let probe = record(i, &office, actor.id, String::new());
                if tx
                    .registration_holding(
                        &probe.applicant.doc_number,
                        probe.applicant.org_code.as_deref(),
                    )?
                    .is_some()
                {
                    continue;
                }
                let seq = tx.next_registration_seq(&RegistrationNo::day_key(day))?;
                let reg_no = RegistrationNo::new(day, seq).map_err(AppError::rejected)?;
                let id = tx.insert_registration(
                    &NewRegistration {
                        reg_no: reg_no.to_string(),
                        ..probe
                    },
                    at,
                )?;
                audit(
                    tx,
                    Some(&actor),
                    AuditAction::RegistrationCreated,
                    AuditTarget::Registration(id),
                    format!("{reg_no}（演示数据）"),
                    now,
                )?;
                added += 1;
            }
            Ok(added)
        })?;
    }
    tracing::info!(added, "demo registrations added");
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::documents::router::{check_code, check_identity};

    #[test]
    fn synthetic_numbers_are_valid_and_distinct() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut seen = std::collections::HashSet::new();
        for i in 0..3000 {
            let (t, n, name) = person(i);
            let r = check_identity(&n, today);
            assert!(r.is_valid(), "{n}: {:?}", r.findings);
            assert_eq!(IdDocType::of_number(r.kind, &n), Some(t), "{n}");
            assert!(
                crate::domain::registration::name::person_name(&name, t.allows_latin_name())
                    .is_ok()
            );
            assert!(seen.insert(n));
            assert!(
                check_code(&credit_code(i), today).is_valid(),
                "{}",
                credit_code(i)
            );
        }
    }
}
