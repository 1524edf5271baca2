//! Pre-checks the reviewer sees before deciding. Computed from the record,
//! never typed: licence status, document and mobile numbers, the photo-change
//! rule, and whether a changed licence means applying again.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::application::{AppKind, PhotoSource};
use super::reasons::Reason;
use crate::domain::documents::licence::{e_licence_eligibility, parse_classes};
use crate::domain::documents::result::{DocVerdict, Severity};
use crate::domain::documents::router::{check_any, check_identity, check_phone};

/// Months after an album/camera photo before the next photo change.
pub const PHOTO_CHANGE_MONTHS: u32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreVerdict {
    Pass,
    Warn,
    /// The application cannot be approved as it stands.
    Block,
}

impl PreVerdict {
    pub fn label(self) -> &'static str {
        match self {
            PreVerdict::Pass => "通过",
            PreVerdict::Warn => "注意",
            PreVerdict::Block => "不符合",
        }
    }
}

/// One computed pre-check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreCheck {
    /// Stable id, e.g. `licence_status`.
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: PreVerdict,
    pub message: String,
    /// The reason to pre-select when this check does not pass.
    pub reason: Option<Reason>,
}

/// The current e-licence, as issued (for photo changes and updates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedELicence {
    pub classes: String,
    pub valid_until: NaiveDate,
    pub authority: String,
    /// Source of the photo it was issued with.
    pub photo_source: PhotoSource,
}

/// What the rules need from an application.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub kind: AppKind,
    pub doc_no: &'a str,
    pub mobile: &'a str,
    pub licence_status: &'a str,
    pub classes: &'a str,
    pub valid_until: NaiveDate,
    pub authority: &'a str,
    pub photo_source: PhotoSource,
    /// Date of the last album/camera photo change, if any.
    pub last_photo_change: Option<NaiveDate>,
    pub issued: Option<&'a IssuedELicence>,
    /// Ids of automated photo checks that failed (see `photo::check`).
    pub failed_photo_checks: &'a [String],
}

/// All pre-checks plus the reasons they pre-select, worst first in `reasons`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreChecks {
    pub items: Vec<PreCheck>,
    pub preselected: Vec<Reason>,
}

impl PreChecks {
    pub fn worst(&self) -> PreVerdict {
        self.items
            .iter()
            .map(|i| i.verdict)
            .max()
            .unwrap_or(PreVerdict::Pass)
    }
}

fn item(
    id: &'static str,
    title: &'static str,
    verdict: PreVerdict,
    message: impl Into<String>,
    reason: Option<Reason>,
) -> PreCheck {
    PreCheck {
        id,
        title,
        verdict,
        message: message.into(),
        reason: (verdict != PreVerdict::Pass).then_some(reason).flatten(),
    }
}

/// Runs every pre-check for `f` as of `today` (China Standard Time).
pub fn pre_checks(f: &Facts<'_>, today: NaiveDate) -> PreChecks {
    let mut items = vec![document(f, today), mobile(f, today)];
    if f.kind.has_licence() {
        items.push(licence_status(f));
        items.push(validity(f, today));
        items.push(classes(f));
        if let Some(i) = reapply(f) {
            items.push(i);
        }
        if f.kind == AppKind::PhotoChange {
            items.push(photo_change(f, today));
        }
        items.push(photo(f));
    }
    let mut preselected: Vec<Reason> = items
        .iter()
        .filter(|i| i.verdict == PreVerdict::Block)
        .filter_map(|i| i.reason)
        .collect();
    preselected.extend(
        f.failed_photo_checks
            .iter()
            .filter_map(|id| Reason::for_photo_check(id)),
    );
    preselected.sort();
    preselected.dedup();
    PreChecks { items, preselected }
}

fn document(f: &Facts<'_>, today: NaiveDate) -> PreCheck {
    let r = if f.kind == AppKind::CompanyRegistration {
        check_any(f.doc_no, today)
    } else {
        check_identity(f.doc_no, today)
    };
    let first = |sev: Severity| {
        r.findings
            .iter()
            .find(|x| x.severity == sev)
            .map(|x| x.message.to_string())
            .unwrap_or_default()
    };
    match r.verdict {
        DocVerdict::Valid => item(
            "document",
            "证件号码",
            PreVerdict::Pass,
            format!("{}有效", r.kind.label()),
            None,
        ),
        DocVerdict::ValidWithWarnings => item(
            "document",
            "证件号码",
            PreVerdict::Warn,
            first(Severity::Warning),
            None,
        ),
        DocVerdict::Invalid => item(
            "document",
            "证件号码",
            PreVerdict::Block,
            first(Severity::Error),
            Some(Reason::DocumentInvalid),
        ),
    }
}

fn mobile(f: &Facts<'_>, today: NaiveDate) -> PreCheck {
    let r = check_phone(f.mobile, today);
    match r.verdict {
        DocVerdict::Valid => item(
            "mobile",
            "手机号码",
            PreVerdict::Pass,
            "手机号码格式正确",
            None,
        ),
        DocVerdict::ValidWithWarnings => item(
            "mobile",
            "手机号码",
            PreVerdict::Warn,
            r.warnings()
                .next()
                .map(|x| x.message.to_string())
                .unwrap_or_default(),
            None,
        ),
        DocVerdict::Invalid => item(
            "mobile",
            "手机号码",
            PreVerdict::Block,
            r.errors()
                .next()
                .map(|x| x.message.to_string())
                .unwrap_or_default(),
            Some(Reason::InfoMismatch),
        ),
    }
}

/// Licence status letters: a blocking state pre-selects the refusal and says
/// why in the article's words.
fn licence_status(f: &Facts<'_>) -> PreCheck {
    let d = e_licence_eligibility(f.licence_status);
    let messages: Vec<String> = d.findings.iter().map(|x| x.message.to_string()).collect();
    if !d.allowed {
        item(
            "licence_status",
            "驾驶证状态",
            PreVerdict::Block,
            messages.join("；"),
            Some(Reason::LicenceStatus),
        )
    } else if !messages.is_empty() {
        item(
            "licence_status",
            "驾驶证状态",
            PreVerdict::Warn,
            messages.join("；"),
            None,
        )
    } else {
        let names: Vec<&str> = d.statuses.iter().filter_map(|(_, n)| *n).collect();
        item(
            "licence_status",
            "驾驶证状态",
            PreVerdict::Pass,
            format!("驾驶证状态为「{}」，可以申领", names.join("、")),
            None,
        )
    }
}

fn validity(f: &Facts<'_>, today: NaiveDate) -> PreCheck {
    if f.valid_until < today {
        item(
            "validity",
            "有效期",
            PreVerdict::Block,
            format!(
                "驾驶证有效期至 {}，已过期：需先换证，换证后再申领电子驾驶证",
                f.valid_until
            ),
            Some(Reason::LicenceStatus),
        )
    } else {
        item(
            "validity",
            "有效期",
            PreVerdict::Pass,
            format!(
                "有效期至 {}",
                crate::domain::documents::licence::valid_until_text(f.valid_until)
            ),
            None,
        )
    }
}

fn classes(f: &Facts<'_>) -> PreCheck {
    match parse_classes(f.classes) {
        Ok(c) => item(
            "classes",
            "准驾车型",
            PreVerdict::Pass,
            crate::domain::documents::licence::describe(&c),
            None,
        ),
        Err(e) => item(
            "classes",
            "准驾车型",
            PreVerdict::Block,
            e.message.to_string(),
            Some(Reason::InfoMismatch),
        ),
    }
}

/// After a renewal or a change of class, validity or issuing authority the
/// e-licence must be applied for again: a photo change cannot carry it over.
fn reapply(f: &Facts<'_>) -> Option<PreCheck> {
    let changed = f.issued.map(|i| {
        let mut what = Vec::new();
        if i.classes != f.classes {
            what.push("准驾车型");
        }
        if i.valid_until != f.valid_until {
            what.push("有效期");
        }
        if i.authority != f.authority {
            what.push("发证机关");
        }
        what
    });
    let title = "驾驶证变更";
    Some(match (f.kind, changed) {
        (AppKind::PhotoChange, None) => item(
            "reapply",
            title,
            PreVerdict::Block,
            "未查到已签发的电子驾驶证，不能更换照片：请申领电子驾驶证",
            Some(Reason::MustReapply),
        ),
        (AppKind::PhotoChange, Some(w)) if !w.is_empty() => item(
            "reapply",
            title,
            PreVerdict::Block,
            format!(
                "驾驶证的{}已变更，原电子驾驶证失效：须重新申领，不能只换照片",
                w.join("、")
            ),
            Some(Reason::MustReapply),
        ),
        (AppKind::RenewalUpdate, Some(w)) if w.is_empty() => item(
            "reapply",
            title,
            PreVerdict::Warn,
            "驾驶证信息与已签发的电子驾驶证一致，未发现换证或变更",
            None,
        ),
        (AppKind::RenewalUpdate, Some(w)) => item(
            "reapply",
            title,
            PreVerdict::Pass,
            format!("驾驶证的{}已变更，按换证后更新办理", w.join("、")),
            None,
        ),
        (AppKind::New, Some(w)) if w.is_empty() => item(
            "reapply",
            title,
            PreVerdict::Warn,
            "已有与驾驶证一致的电子驾驶证，请确认申请人是否需要重新申领",
            None,
        ),
        (AppKind::PhotoChange, Some(_)) => item(
            "reapply",
            title,
            PreVerdict::Pass,
            "驾驶证信息与已签发的电子驾驶证一致",
            None,
        ),
        _ => return None,
    })
}

/// 系统留存 may be changed at once; after an album/camera photo only
/// [`PHOTO_CHANGE_MONTHS`] later.
fn photo_change(f: &Facts<'_>, today: NaiveDate) -> PreCheck {
    let title = "换照片条件";
    let held_before = f
        .issued
        .is_some_and(|i| i.photo_source == PhotoSource::Held);
    if held_before {
        return item(
            "photo_change",
            title,
            PreVerdict::Pass,
            "原电子驾驶证使用系统留存照片，可立即更换",
            None,
        );
    }
    match f.last_photo_change {
        None => item(
            "photo_change",
            title,
            PreVerdict::Pass,
            "未有更换照片记录",
            None,
        ),
        Some(last) => {
            let allowed = last
                .checked_add_months(Months::new(PHOTO_CHANGE_MONTHS))
                .unwrap_or(NaiveDate::MAX);
            if today >= allowed {
                item(
                    "photo_change",
                    title,
                    PreVerdict::Pass,
                    format!("上次更换照片为 {last}，已满 {PHOTO_CHANGE_MONTHS} 个月"),
                    None,
                )
            } else {
                item(
                    "photo_change",
                    title,
                    PreVerdict::Block,
                    format!("上次使用相册或拍照更换照片为 {last}，{allowed} 起方可再次更换"),
                    Some(Reason::PhotoChangeTooSoon),
                )
            }
        }
    }
}

fn photo(f: &Facts<'_>) -> PreCheck {
    if f.failed_photo_checks.is_empty() {
        item(
            "photo",
            "照片检测",
            PreVerdict::Pass,
            format!("{}照片，自动检测未发现不合格项", f.photo_source.label()),
            None,
        )
    } else {
        let labels: Vec<&str> = f
            .failed_photo_checks
            .iter()
            .filter_map(|id| Reason::for_photo_check(id))
            .map(Reason::label)
            .collect();
        item(
            "photo",
            "照片检测",
            PreVerdict::Warn,
            format!("自动检测不合格：{}，请人工核对", labels.join("、")),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 23);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    fn facts<'a>(kind: AppKind, status: &'a str, issued: Option<&'a IssuedELicence>) -> Facts<'a> {
        Facts {
            kind,
            doc_no: "110101199003070011",
            mobile: "13812345678",
            licence_status: status,
            classes: "C1",
            valid_until: d(2032, 3, 7),
            authority: "北京市公安局公安交通管理局",
            photo_source: PhotoSource::Camera,
            last_photo_change: None,
            issued,
            failed_photo_checks: &[],
        }
    }

    fn issued(source: PhotoSource) -> IssuedELicence {
        IssuedELicence {
            classes: "C1".into(),
            valid_until: d(2032, 3, 7),
            authority: "北京市公安局公安交通管理局".into(),
            photo_source: source,
        }
    }

    fn get<'a>(p: &'a PreChecks, id: &str) -> &'a PreCheck {
        p.items.iter().find(|i| i.id == id).unwrap()
    }

    #[test]
    fn a_clean_new_application_passes() {
        let p = pre_checks(&facts(AppKind::New, "A", None), today());
        assert_eq!(p.worst(), PreVerdict::Pass, "{p:#?}");
        assert!(p.preselected.is_empty());
    }

    #[test]
    fn a_detained_licence_preselects_the_refusal_in_the_articles_words() {
        let p = pre_checks(&facts(AppKind::New, "U", None), today());
        let s = get(&p, "licence_status");
        assert_eq!(s.verdict, PreVerdict::Block);
        assert!(
            s.message.contains("需先处理完异常情况后才能申领"),
            "{}",
            s.message
        );
        assert_eq!(p.preselected, vec![Reason::LicenceStatus]);
        // H (违法未处理) does not block.
        let p = pre_checks(&facts(AppKind::New, "AH", None), today());
        assert_eq!(get(&p, "licence_status").verdict, PreVerdict::Pass);
    }

    #[test]
    fn a_bad_document_number_preselects_document_invalid() {
        let mut f = facts(AppKind::New, "A", None);
        f.doc_no = "110101199003070010";
        let p = pre_checks(&f, today());
        assert_eq!(get(&p, "document").verdict, PreVerdict::Block);
        assert!(p.preselected.contains(&Reason::DocumentInvalid));
    }

    #[test]
    fn photo_change_after_held_photo_is_allowed_at_once() {
        let i = issued(PhotoSource::Held);
        let mut f = facts(AppKind::PhotoChange, "A", Some(&i));
        f.last_photo_change = Some(d(2026, 11, 1));
        let p = pre_checks(&f, today());
        assert_eq!(get(&p, "photo_change").verdict, PreVerdict::Pass);
    }

    #[test]
    fn photo_change_after_album_photo_waits_six_months() {
        let i = issued(PhotoSource::Album);
        let mut f = facts(AppKind::PhotoChange, "A", Some(&i));
        f.last_photo_change = Some(d(2026, 5, 24));
        let p = pre_checks(&f, today());
        let c = get(&p, "photo_change");
        assert_eq!(c.verdict, PreVerdict::Block);
        assert!(c.message.contains("2026-11-24"), "{}", c.message);
        assert_eq!(c.reason, Some(Reason::PhotoChangeTooSoon));
        f.last_photo_change = Some(d(2026, 5, 23));
        let p = pre_checks(&f, today());
        assert_eq!(get(&p, "photo_change").verdict, PreVerdict::Pass);
    }

    #[test]
    fn a_changed_licence_means_reapplying_not_a_photo_change() {
        let mut i = issued(PhotoSource::Held);
        i.classes = "C2".into();
        let p = pre_checks(&facts(AppKind::PhotoChange, "A", Some(&i)), today());
        let r = get(&p, "reapply");
        assert_eq!(r.verdict, PreVerdict::Block);
        assert!(r.message.contains("准驾车型"));
        assert!(p.preselected.contains(&Reason::MustReapply));
        // The same change is exactly what an update after renewal is for.
        let p = pre_checks(&facts(AppKind::RenewalUpdate, "A", Some(&i)), today());
        assert_eq!(get(&p, "reapply").verdict, PreVerdict::Pass);
    }

    #[test]
    fn failing_photo_checks_preselect_fixable_reasons() {
        let failed = vec!["glare".to_owned(), "background_white".to_owned()];
        let mut f = facts(AppKind::New, "A", None);
        f.failed_photo_checks = &failed;
        let p = pre_checks(&f, today());
        assert_eq!(get(&p, "photo").verdict, PreVerdict::Warn);
        assert_eq!(
            p.preselected,
            vec![Reason::PhotoBackground, Reason::PhotoGlare]
        );
    }

    #[test]
    fn an_expired_licence_blocks() {
        let mut f = facts(AppKind::New, "A", None);
        f.valid_until = d(2026, 1, 1);
        let p = pre_checks(&f, today());
        assert_eq!(get(&p, "validity").verdict, PreVerdict::Block);
    }
}
