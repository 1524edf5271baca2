//! `counterdesk demo-data --applications N`: synthetic but realistic review
//! applications of every kind. Document numbers are generated with valid
//! check characters; photos are four public-domain JPEGs stored once each
//! (content-addressed), so a million applications stay a few hundred MB.

use crate::app::runtime::call::Call;
use chrono::{DateTime, Duration, Months, NaiveDate, TimeZone, Utc};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::demo::DEMO_CLERKS;
use crate::app::photo::intake::PhotoIntake;
use crate::app::review;
use crate::app::review::Decision;
use crate::app::review::Req;
use crate::app::review::Resp;
use crate::domain::documents::checksum::{credit_check, mod11_2, org_check};
use crate::domain::documents::holidays::is_working_day;
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::queue::{CST, cst_date, due_for};
use crate::domain::review::{AppKind, PhotoSource, Reason};
use crate::photo::check_bytes;
use crate::store::{NewApplication, Store, StoreError};

/// (file, bytes, share in ‰ of applications with a photo)
const PHOTOS: [(&str, &[u8], u32); 4] = [
    (
        "ok_260x378.jpg",
        include_bytes!("../../../assets/demo/ok_260x378.jpg"),
        820,
    ),
    (
        "bad_glare.jpg",
        include_bytes!("../../../assets/demo/bad_glare.jpg"),
        60,
    ),
    (
        "bad_grey_background.jpg",
        include_bytes!("../../../assets/demo/bad_grey_background.jpg"),
        60,
    ),
    (
        "bad_head_small.jpg",
        include_bytes!("../../../assets/demo/bad_head_small.jpg"),
        60,
    ),
];

/// County codes that exist in GB/T 2260, with the licence authority there.
const REGIONS: [(&str, &str); 8] = [
    ("110101", "北京市公安局公安交通管理局"),
    ("110105", "北京市公安局公安交通管理局"),
    ("310104", "上海市公安局交通警察总队"),
    ("440106", "广东省广州市公安局交通警察支队"),
    ("320102", "江苏省南京市公安局交通管理局"),
    ("330106", "浙江省杭州市公安局交通警察支队"),
    ("510104", "四川省成都市公安局交通管理局"),
    ("420102", "湖北省武汉市公安局交通管理局"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "鹏", "辉", "玲", "建", "国", "文",
];
const COMPANY_WORDS: &[&str] = &[
    "恒达", "顺通", "安驰", "宏远", "金桥", "华运", "瑞丰", "新程",
];

/// (classes, weight ‰)
const CLASSES: [(&str, u32); 7] = [
    ("C1", 640),
    ("C2", 160),
    ("C1E", 80),
    ("B2", 40),
    ("A2D", 30),
    ("A1", 30),
    ("D", 20),
];

/// (status letters, weight ‰): most normal, some blocked (扣留, 暂扣,
/// 逾期未换证, 逾期未审验, 停止使用), some in an extension period.
const STATUSES: [(&str, u32); 9] = [
    ("A", 880),
    ("AH", 40),
    ("N", 20),
    ("U", 12),
    ("D", 12),
    ("M", 12),
    ("S", 8),
    ("J", 8),
    ("B", 8),
];

/// splitmix64: small, fast, reproducible for a given seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for &(x, w) in xs {
            if r < w {
                return x;
            }
            r -= w;
        }
        xs[0].0
    }
    fn permille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
}

/// A valid synthetic resident-ID number.
fn resident_id(rng: &mut Rng, region: &str, today: NaiveDate) -> String {
    let age_days = 18 * 365 + rng.below(50 * 365) as i64;
    let birth = today - Duration::days(age_days);
    let body = format!("{region}{}{:03}", birth.format("%Y%m%d"), rng.below(1000));
    let check = mod11_2(body.as_bytes()).map(char::from).unwrap_or('0');
    format!("{body}{check}")
}

/// A valid synthetic unified social credit code (enterprise, 9 1).
fn credit_code(rng: &mut Rng, region: &str) -> String {
    let org_body: String = (0..8)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect();
    let org = org_check(org_body.as_bytes())
        .map(char::from)
        .unwrap_or('0');
    let body = format!("91{region}{org_body}{org}");
    let check = credit_check(body.as_bytes()).map(char::from).unwrap_or('0');
    format!("{body}{check}")
}

fn mobile(rng: &mut Rng) -> String {
    // 0.5 % malformed, so the mobile pre-check has something to find.
    let head = if rng.permille(5) {
        "12"
    } else {
        *rng.pick(&["13", "15", "18", "17", "19"])
    };
    format!("{head}{:09}", rng.below(1_000_000_000))
}

struct Generator {
    rng: Rng,
    now: DateTime<Utc>,
    today: NaiveDate,
    photos: Vec<(i64, PhotoIntake, u32)>,
    counter: Option<i64>,
    supervisor: Option<i64>,
    /// Starts (CST midnight) of the working day before last and of the last one.
    window: [DateTime<Utc>; 2],
}

/// Midnight (CST) at the start of the last two working days before `now`'s date.
fn recent_working_days(now: DateTime<Utc>) -> [DateTime<Utc>; 2] {
    let mut starts = [now; 2];
    let mut day = cst_date(now);
    for start in starts.iter_mut().rev() {
        while let Some(prev) = day.pred_opt() {
            day = prev;
            if is_working_day(day).value {
                break;
            }
        }
        *start = CST
            .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
            .single()
            .map_or(now, |t| t.with_timezone(&Utc));
    }
    starts
}

impl Generator {
    fn application(&mut self, seq: i64) -> NewApplication {
        let rng = &mut self.rng;
        let kind = rng.weighted(&[
            (AppKind::New, 600),
            (AppKind::PhotoChange, 200),
            (AppKind::RenewalUpdate, 170),
            (AppKind::CompanyRegistration, 30),
        ]);
        // Submitted over the last one or two working days, as at a real
        // counter: about 8 % on the working day before last, overdue today.
        let [before_last, last] = self.window;
        let (from, to) = if rng.permille(80) {
            (before_last, last)
        } else {
            (last, self.now.max(last))
        };
        let span = (to - from).num_seconds().max(1) as u64;
        let submitted_at = from + Duration::seconds(rng.below(span) as i64);
        let due = due_for(submitted_at);
        let (region, authority) = *rng.pick(&REGIONS);
        let created_by = if rng.permille(100) {
            self.counter
        } else if rng.permille(10) {
            self.supervisor
        } else {
            None
        };
        let app_no = format!(
            "{}{}{:07}",
            kind.number_prefix(),
            cst_date(submitted_at).format("%Y%m%d"),
            seq
        );
        let mut a = NewApplication {
            mobile: mobile(rng),
            ..NewApplication::bare(app_no, kind, submitted_at, due.at, due.day, created_by)
        };
        if kind == AppKind::CompanyRegistration {
            a.doc_no = credit_code(rng, region);
            a.name = format!(
                "{}{}{}有限公司",
                rng.pick(&["北京", "上海", "广州", "南京", "杭州", "成都", "武汉"]),
                rng.pick(COMPANY_WORDS),
                rng.pick(&["物流", "运输", "汽车服务", "租赁"])
            );
            return a;
        }
        a.doc_no = resident_id(rng, region, self.today);
        a.name = format!(
            "{}{}{}",
            rng.pick(SURNAMES),
            rng.pick(GIVEN),
            if rng.permille(600) {
                *rng.pick(GIVEN)
            } else {
                ""
            }
        );
        a.licence_no = a.doc_no.clone();
        a.classes = rng.weighted(&CLASSES).to_owned();
        a.licence_status = rng.weighted(&STATUSES).to_owned();
        let from = self.today - Duration::days(rng.below(6 * 365) as i64);
        let years = *rng.pick(&[6u32, 10]);
        a.valid_from = Some(from);
        a.valid_until = from.checked_add_months(Months::new(12 * years));
        a.authority = authority.to_owned();
        let (blob, intake) = {
            let weights: Vec<(usize, u32)> = self
                .photos
                .iter()
                .enumerate()
                .map(|(i, p)| (i, p.2))
                .collect();
            let i = rng.weighted(&weights);
            (self.photos[i].0, self.photos[i].1.clone())
        };
        a.photo_blob = Some(blob);
        a.photo_verdict = Some(intake.verdict);
        a.photo_failed = intake.failed;
        a.photo_summary = intake.summary;
        a.photo_source = Some(rng.weighted(&[
            (PhotoSource::Held, 400),
            (PhotoSource::Album, 300),
            (PhotoSource::Camera, 300),
        ]));
        let issued_source = rng.weighted(&[
            (PhotoSource::Held, 500),
            (PhotoSource::Album, 250),
            (PhotoSource::Camera, 250),
        ]);
        let same = IssuedELicence {
            classes: a.classes.clone(),
            valid_until: a.valid_until.unwrap_or(from),
            authority: a.authority.clone(),
            photo_source: issued_source,
        };
        match kind {
            AppKind::PhotoChange => {
                a.previous_photo_blob = self.photos.first().map(|p| p.0);
                if issued_source != PhotoSource::Held {
                    // 0–18 months ago: about a third are too soon to change again.
                    a.last_photo_change = Some(self.today - Duration::days(rng.below(540) as i64));
                }
                // 3 %: the licence changed since, so a photo change is the wrong path.
                a.issued = Some(if rng.permille(30) {
                    IssuedELicence {
                        classes: "C2".into(),
                        ..same
                    }
                } else {
                    same
                });
            }
            AppKind::RenewalUpdate => {
                let old_until = from;
                a.issued = Some(IssuedELicence {
                    valid_until: old_until,
                    ..same
                });
            }
            _ => {
                if rng.permille(20) {
                    a.issued = Some(same);
                }
            }
        }
        a
    }
}

/// The demo photos: file name and bytes.
pub fn demo_photos() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    PHOTOS.iter().map(|(name, bytes, _)| (*name, *bytes))
}

/// The same synthetic applications without a database (for a batch file):
/// `photo_blob` and `previous_photo_blob` hold indices into [`demo_photos`];
/// numbers start at `first`.
pub fn offline(
    n: u64,
    seed: u64,
    now: DateTime<Utc>,
    first: i64,
) -> impl Iterator<Item = NewApplication> {
    let none = PhotoIntake::default();
    let mut g = Generator {
        rng: Rng(seed),
        now,
        today: cst_date(now),
        photos: PHOTOS
            .iter()
            .enumerate()
            .map(|(i, p)| (i as i64, none.clone(), p.2))
            .collect(),
        counter: None,
        supervisor: None,
        window: recent_working_days(now),
    };
    (0..n).map(move |i| g.application(first + i as i64))
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub inserted: u64,
    pub decided: u64,
    pub claimed: u64,
}

/// Adds `n` synthetic applications (seeding the demo clerks into an empty
/// database first), then decides and claims a few through the real use cases
/// so every state appears.
pub fn generate(
    store: &mut Store,
    n: u64,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<DemoSummary, anyhow::Error> {
    if store.read(|tx| tx.clerk_count())? == 0 {
        crate::app::demo::seed(store, now)?;
    }
    let clerk = |store: &mut Store, user: &str| -> Result<Option<SessionClerk>, StoreError> {
        store.read(|tx| Ok(tx.clerk_by_username(user)?.map(|c| SessionClerk::from(&c))))
    };
    let counter = clerk(store, DEMO_CLERKS[1].0)?;
    let supervisor = clerk(store, DEMO_CLERKS[2].0)?;
    let today = cst_date(now);
    let mut photos = Vec::new();
    for (name, bytes, share) in PHOTOS {
        let report =
            check_bytes(bytes, today).map_err(|e| anyhow::anyhow!("演示照片 {name}：{e}"))?;
        let id = store.write(|tx| tx.put_blob(bytes, "image/jpeg", now))?;
        photos.push((id, PhotoIntake::from_report(&report.report), share));
    }
    let mut g = Generator {
        rng: Rng(seed),
        now,
        today,
        photos,
        counter: counter.as_ref().map(|c| c.id),
        supervisor: supervisor.as_ref().map(|c| c.id),
        window: recent_working_days(now),
    };
    store.tune_for_bulk()?;
    // One transaction and cached statements: a million rows in seconds.
    let first = store.read(|tx| tx.max_application_id())? + 1;
    store.write(|tx| {
        for i in 0..n {
            tx.insert_application(&g.application(first + i as i64))?;
        }
        Ok(())
    })?;
    let mut summary = DemoSummary {
        inserted: n,
        decided: 0,
        claimed: 0,
    };
    // A few decisions and live claims through the real use cases.
    let Some(sup) = supervisor else {
        return Ok(summary);
    };
    // A few: each decision is its own synchronous commit.
    let decisions = (n / 1000).clamp(0, 24);
    for i in 0..decisions + 3 {
        let Resp::Claimed(Some(item)) =
            review::handle(Call::new(store, now, &sup), Req::ClaimNext { kind: None })?
        else {
            break;
        };
        let Some(ticket) = item.ticket else { break };
        if i >= decisions {
            summary.claimed += 1;
            continue;
        }
        let mut reasons = item.pre_checks.preselected.clone();
        if reasons.is_empty() && i % 4 == 0 {
            reasons.push(Reason::PhotoBeautified);
        }
        let verdict = if reasons.is_empty() {
            Decision::Approve
        } else {
            Decision::Reject {
                reasons,
                free_text: String::new(),
            }
        };
        review::handle(
            Call::new(store, now, &sup),
            Req::Decide {
                ticket,
                verdict,
                then_next: false,
            },
        )?;
        summary.decided += 1;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::exchange::demo_batch::FIRST_BATCH_SEQ;
    use std::collections::HashSet;

    /// Monday 2026-11-23 10:00 CST: the last working days are Friday and Thursday.
    fn monday() -> DateTime<Utc> {
        CST.with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_demo_day_has_few_overdue_applications() {
        let now = monday();
        let today_start = recent_working_days(now)[1];
        assert_eq!(cst_date(today_start).to_string(), "2026-11-20", "Friday");
        let apps: Vec<NewApplication> = offline(2000, 7, now, 1).collect();
        let overdue = apps.iter().filter(|a| a.due_day < cst_date(now)).count();
        let share = overdue as f64 / apps.len() as f64;
        assert!((0.02..=0.11).contains(&share), "{overdue} of 2000 overdue");
        assert!(apps.iter().all(|a| a.submitted_at <= now));
    }

    #[test]
    fn batch_numbers_never_meet_the_demo_databases_own() {
        let now = monday();
        let db: HashSet<String> = offline(3000, 1, now, 1).map(|a| a.app_no).collect();
        let batch: HashSet<String> = offline(3000, 2, now, FIRST_BATCH_SEQ)
            .map(|a| a.app_no)
            .collect();
        assert!(db.is_disjoint(&batch));
    }
}
