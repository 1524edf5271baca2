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
    match n.outcome {
        Outcome::Approve => {
            let result = match n.kind {
                AppKind::New | AppKind::RenewalUpdate => {
                    "已审核通过，可在交管12123 App“我的驾驶证”中查看电子驾驶证"
                }
                AppKind::PhotoChange => "已审核通过，电子驾驶证照片已更新",
                AppKind::CompanyRegistration => "已复核通过，单位账号已开通",
            };
            let sms = format!(
                "【交管12123】您的{what}申请（受理号{}）{result}。",
                n.app_no
            );
            let app = format!(
                "您于{}提交的{what}申请（受理号{}）{result}。",
                date_cn(n.submitted_on),
                n.app_no
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

fn reject(n: &NoticeInput<'_>, what: &str) -> Notice {
    let refusal = n.reasons.iter().any(|r| r.kind() == ReasonKind::Refusal);
    let mut items: Vec<String> = n
        .reasons
        .iter()
        .map(|r| r.requirement().to_owned())
        .collect();
    if !n.free_text.is_empty() {
        items.push(format!("其他：{}", n.free_text));
    }
    let mut notice = format!(
        "一次性告知书\n受理号：{}\n申请事项：{what}\n您于{}提交的申请经审核未通过，存在以下全部问题：\n",
        n.app_no,
        date_cn(n.submitted_on)
    );
    for (i, item) in items.iter().enumerate() {
        notice.push_str(&format!("{}. {item}\n", i + 1));
    }
    // A company registration is made in person only: the agent comes back.
    let company = n.kind == AppKind::CompanyRegistration;
    let closing = match (refusal, company) {
        (true, _) => "上述情形不予办理本次申请。如有疑问，请携带身份证明到车管所窗口咨询。",
        (false, true) => {
            "请按以上事项一次性补正后，由经办人携带营业执照、授权委托书和本人身份证明原件到车管所窗口重新办理。"
        }
        (false, false) => "请按以上事项一次性补正后，重新提交申请。",
    };
    notice.push_str(closing);
    let labels: Vec<&str> = n.reasons.iter().map(|r| r.label()).collect();
    let sms = format!(
        "【交管12123】您的{what}申请（受理号{}）未通过审核：{}。{}",
        n.app_no,
        labels.join("、"),
        match (refusal, company) {
            (true, _) => "详情请登录交管12123 App查看。",
            (false, true) => "请按一次性告知补正后，由经办人到车管所窗口重新办理。",
            (false, false) => "请登录交管12123 App查看一次性告知，补正后重新提交。",
        }
    );
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
            submitted_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            outcome: Outcome::Reject,
            reasons: &[Reason::ScanUnreadable],
            free_text: "",
        });
        assert!(n.notice.contains("由经办人携带"), "{}", n.notice);
        assert!(n.sms.contains("到车管所窗口重新办理"), "{}", n.sms);
    }

    fn input<'a>(outcome: Outcome, reasons: &'a [Reason], free: &'a str) -> NoticeInput<'a> {
        NoticeInput {
            kind: AppKind::New,
            app_no: "SL202611230000001",
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
