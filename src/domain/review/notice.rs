//! The result texts: the one-time notice (一次性告知) that lists every
//! deficiency at once, and the SMS and in-app messages queued for delivery.

use chrono::NaiveDate;

use super::application::{AppKind, Outcome};
use super::reasons::{Reason, ReasonKind};

/// Longest free text a reviewer may add.
pub const FREE_TEXT_MAX_CHARS: usize = 200;

/// What the notice is about.
#[derive(Debug, Clone)]
pub struct NoticeInput<'a> {
    pub kind: AppKind,
    pub app_no: &'a str,
    /// For a company registration: the 受理回执 number (MQ-…) the agent
    /// holds, cited instead of the internal application number.
    pub receipt_no: Option<&'a str>,
    pub submitted_on: NaiveDate,
    pub outcome: Outcome,
    pub reasons: &'a [Reason],
    pub free_text: &'a str,
}

/// The three texts of one result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Kept with the decision; for a rejection, the full one-time notice.
    pub notice: String,
    pub sms: String,
    pub app: String,
}

/// Trims, drops control characters (a pasted tab or bell must not reach an
/// SMS gateway) and refuses over-long text.
pub fn clean_free_text(s: &str) -> Result<String, String> {
    let t: String = s
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    let t = t.trim().to_owned();
    if t.chars().count() > FREE_TEXT_MAX_CHARS {
        return Err(format!("补充说明最长 {FREE_TEXT_MAX_CHARS} 个字"));
    }
    Ok(t)
}

fn date_cn(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// Builds the texts. `reasons` should already be normalised (see
/// [`super::reasons::normalise`]); an approval ignores them.
pub fn compose(n: &NoticeInput<'_>) -> Notice {
    let what = n.kind.label();
    let (no_label, no) = cited(n);
    match n.outcome {
        Outcome::Approve => {
            let result = match n.kind {
                AppKind::New | AppKind::RenewalUpdate => {
                    "已审核通过，可在交管12123 App“我的驾驶证”中查看电子驾驶证"
                }
                AppKind::PhotoChange => "已审核通过，电子驾驶证照片已更新",
                AppKind::CompanyRegistration => "已复核通过，单位账号已开通",
            };
            let sms = format!("【交管12123】您的{what}申请（{no_label}{no}）{result}。");
            let app = format!(
                "您于{}提交的{what}申请（{no_label}{no}）{result}。",
                date_cn(n.submitted_on),
            );
            Notice {
                notice: app.clone(),
                sms,
                app,
            }
        }
        Outcome::Reject => reject(n, what),
    }
}

/// The number the applicant holds: a company's agent has the 受理回执
/// (MQ-…); an applicant online has the 12123 受理号.
fn cited<'a>(n: &NoticeInput<'a>) -> (&'static str, &'a str) {
    match (n.kind, n.receipt_no) {
        (AppKind::CompanyRegistration, Some(r)) if !r.is_empty() => ("回执编号", r),
        _ => ("受理号", n.app_no),
    }
}

/// A refusal says 不予办理 with its grounds; fixable items then only appear
/// under 如重新申请，请同时注意, never as "correct and resubmit". Without a
/// refusal every item is fixable and the applicant corrects them at once.
fn reject(n: &NoticeInput<'_>, what: &str) -> Notice {
    let (no_label, no) = cited(n);
    let (refusals, fixable): (Vec<Reason>, Vec<Reason>) = n
        .reasons
        .iter()
        .partition(|r| r.kind() == ReasonKind::Refusal);
    let refused = !refusals.is_empty();
    let mut fix_items: Vec<String> = fixable.iter().map(|r| r.requirement().to_owned()).collect();
    if !n.free_text.is_empty() {
        fix_items.push(format!("其他：{}", n.free_text));
    }
    let numbered = |items: &[String], out: &mut String| {
        for (i, item) in items.iter().enumerate() {
            let item = item.trim_end_matches(['。', '.']);
            out.push_str(&format!("{}. {item}。\n", i + 1));
        }
    };
    let mut notice = format!("一次性告知书\n{no_label}：{no}\n申请事项：{what}\n",);
    let submitted = date_cn(n.submitted_on);
    // A company registration is made in person only: the agent comes back.
    let company = n.kind == AppKind::CompanyRegistration;
    if refused {
        notice.push_str(&format!(
            "您于{submitted}提交的申请经审核，不予办理，理由如下：\n"
        ));
        let grounds: Vec<String> = refusals
            .iter()
            .map(|r| r.requirement().to_owned())
            .collect();
        numbered(&grounds, &mut notice);
        if !fix_items.is_empty() {
            notice.push_str("如重新申请，请同时注意：\n");
            numbered(&fix_items, &mut notice);
        }
        notice.push_str("如有疑问，请携带身份证明到车管所窗口咨询。");
    } else {
        notice.push_str(&format!(
            "您于{submitted}提交的申请经审核未通过，存在以下全部问题：\n"
        ));
        numbered(&fix_items, &mut notice);
        notice.push_str(if company {
            "请按以上事项一次性补正后，由经办人携带营业执照、授权委托书和本人身份证明原件到车管所窗口重新办理。"
        } else {
            "请按以上事项一次性补正后，重新提交申请。"
        });
    }
    let labels: Vec<&str> = n.reasons.iter().map(|r| r.label()).collect();
    let sms = if refused {
        let grounds: Vec<&str> = refusals.iter().map(|r| r.label()).collect();
        format!(
            "【交管12123】您的{what}申请（{no_label}{no}）不予办理：{}。详情请登录交管12123 App查看一次性告知。",
            grounds.join("、")
        )
    } else {
        format!(
            "【交管12123】您的{what}申请（{no_label}{no}）未通过审核：{}。{}",
            labels.join("、"),
            if company {
                "请按一次性告知补正后，由经办人到车管所窗口重新办理。"
            } else {
                "请登录交管12123 App查看一次性告知，补正后重新提交。"
            }
        )
    };
    Notice {
        app: notice.clone(),
        notice,
        sms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returned_company_registration_asks_the_agent_to_come_back() {
        let n = compose(&NoticeInput {
            kind: AppKind::CompanyRegistration,
            app_no: "DW202611230001",
            receipt_no: Some("MQ-20261123-0001"),
            submitted_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            outcome: Outcome::Reject,
            reasons: &[Reason::ScanUnreadable],
            free_text: "",
        });
        assert!(n.notice.contains("由经办人携带"), "{}", n.notice);
        assert!(n.sms.contains("到车管所窗口重新办理"), "{}", n.sms);
        // The agent holds the 受理回执, not the internal DW… number.
        for t in [&n.notice, &n.sms, &n.app] {
            assert!(t.contains("MQ-20261123-0001"), "{t}");
            assert!(!t.contains("DW202611230001"), "{t}");
        }
    }

    #[test]
    fn a_company_approval_cites_the_receipt_number_too() {
        let n = compose(&NoticeInput {
            kind: AppKind::CompanyRegistration,
            app_no: "DW202611230001",
            receipt_no: Some("MQ-20261123-0001"),
            submitted_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            outcome: Outcome::Approve,
            reasons: &[],
            free_text: "",
        });
        assert!(n.sms.contains("回执编号MQ-20261123-0001"), "{}", n.sms);
        assert!(!n.app.contains("DW"), "{}", n.app);
    }

    #[test]
    fn an_application_keeps_its_12123_number() {
        let mut i = input(Outcome::Reject, &[Reason::PhotoGlare], "");
        i.receipt_no = Some("MQ-20261123-0001");
        let n = compose(&i);
        assert!(
            n.notice.contains("受理号：SL202611230000001"),
            "{}",
            n.notice
        );
        assert!(!n.notice.contains("MQ-"), "{}", n.notice);
    }

    #[test]
    fn a_refusal_never_asks_to_correct_and_resubmit() {
        let reasons = [
            Reason::PhotoBackground,
            Reason::MobileMismatch,
            Reason::InfoMismatch,
            Reason::LicenceStatus,
        ];
        let n = compose(&input(Outcome::Reject, &reasons, "衣领遮挡下颌"));
        let (head, tail) = n
            .notice
            .split_once("如重新申请，请同时注意：")
            .expect("fixable items under their own heading");
        assert!(head.contains("不予办理，理由如下"), "{}", n.notice);
        assert!(head.contains("需先处理完异常情况后才能申领"), "{head}");
        assert!(!head.contains("照片背景"), "{head}");
        assert!(tail.contains("照片背景不符合要求"), "{tail}");
        assert!(tail.contains("其他：衣领遮挡下颌"), "{tail}");
        for t in [&n.notice, &n.sms] {
            for word in ["补正", "重新提交"] {
                assert!(!t.contains(word), "{word} in {t}");
            }
        }
        assert!(n.sms.contains("不予办理"), "{}", n.sms);
    }

    #[test]
    fn each_reason_appears_once_with_what_to_do() {
        for kind in [
            AppKind::New,
            AppKind::PhotoChange,
            AppKind::CompanyRegistration,
        ] {
            let reasons: Vec<Reason> = Reason::ALL
                .into_iter()
                .filter(|r| r.applies_to(kind))
                .collect();
            let n = compose(&NoticeInput {
                kind,
                app_no: "SL202611230000001",
                receipt_no: Some("MQ-20261123-0001"),
                submitted_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                outcome: Outcome::Reject,
                reasons: &reasons,
                free_text: "",
            });
            for r in &reasons {
                assert_eq!(
                    n.notice.matches(r.requirement()).count(),
                    1,
                    "{:?} in {}",
                    r,
                    n.notice
                );
                // What is wrong, then what to bring or do.
                assert!(
                    r.requirement().contains('：') || r.requirement().contains("请"),
                    "{:?}",
                    r
                );
            }
            assert!(!n.notice.contains("。。"), "{}", n.notice);
        }
    }

    #[test]
    fn fixable_items_alone_ask_for_one_correction() {
        let n = compose(&input(
            Outcome::Reject,
            &[Reason::PhotoGlare, Reason::ScanUnreadable],
            "",
        ));
        assert!(
            n.notice.contains("一次性补正后，重新提交申请"),
            "{}",
            n.notice
        );
        assert!(!n.notice.contains("不予办理"), "{}", n.notice);
        assert!(!n.notice.contains("如重新申请"), "{}", n.notice);
    }

    fn input<'a>(outcome: Outcome, reasons: &'a [Reason], free: &'a str) -> NoticeInput<'a> {
        NoticeInput {
            kind: AppKind::New,
            app_no: "SL202611230000001",
            receipt_no: None,
            submitted_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            outcome,
            reasons,
            free_text: free,
        }
    }

    #[test]
    fn a_rejection_lists_every_deficiency_once() {
        let reasons = [Reason::PhotoBackground, Reason::PhotoGlare];
        let n = compose(&input(Outcome::Reject, &reasons, "衣领遮挡下颌"));
        assert!(n.notice.starts_with("一次性告知书"));
        assert!(n.notice.contains("1. 照片背景不符合要求"));
        assert!(n.notice.contains("2. 照片有反光"));
        assert!(n.notice.contains("3. 其他：衣领遮挡下颌"));
        assert!(n.notice.contains("一次性补正"));
        assert!(n.sms.contains("背景、反光"));
        assert!(n.sms.contains("SL202611230000001"));
        assert_eq!(n.app, n.notice);
    }

    #[test]
    fn a_refusal_says_it_cannot_be_done() {
        let n = compose(&input(Outcome::Reject, &[Reason::LicenceStatus], ""));
        assert!(n.notice.contains("需先处理完异常情况后才能申领"));
        assert!(n.notice.contains("不予办理"));
        assert!(!n.notice.contains("其他："));
    }

    #[test]
    fn an_approval_names_the_application() {
        let n = compose(&input(Outcome::Approve, &[], ""));
        assert!(n.sms.contains("已审核通过"));
        assert!(n.app.contains("2026年11月23日"));
    }

    #[test]
    fn free_text_is_cleaned() {
        assert_eq!(clean_free_text("  a\tb\nc \u{7}"), Ok("ab c".to_owned()));
        assert!(clean_free_text(&"字".repeat(201)).is_err());
    }
}
