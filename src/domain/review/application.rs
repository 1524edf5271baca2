//! Application kinds, states and the transitions between them.
//!
//! Stored status is one of 待审核 / 已通过 / 已退回; 审核中 is derived: a pending
//! application whose claim lease has not run out. An expired lease therefore
//! turns the application back into 待审核 without anyone writing to it.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// How long a claim lasts before another reviewer may take it.
pub const LEASE: Duration = Duration::minutes(15);

/// What the applicant asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    /// 电子驾驶证申领
    New,
    /// 换照片
    PhotoChange,
    /// 期满换证后更新
    RenewalUpdate,
    /// 单位注册复核: a company registration awaiting a supervisor's countersignature.
    CompanyRegistration,
}

impl AppKind {
    pub const ALL: [AppKind; 4] = [
        AppKind::New,
        AppKind::PhotoChange,
        AppKind::RenewalUpdate,
        AppKind::CompanyRegistration,
    ];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            AppKind::New => "new",
            AppKind::PhotoChange => "photo",
            AppKind::RenewalUpdate => "renewal",
            AppKind::CompanyRegistration => "company",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            AppKind::New => "电子驾驶证申领",
            AppKind::PhotoChange => "换照片",
            AppKind::RenewalUpdate => "期满换证后更新",
            AppKind::CompanyRegistration => "单位注册复核",
        }
    }

    /// Two-letter prefix of the application number (受理号).
    pub fn number_prefix(self) -> &'static str {
        match self {
            AppKind::New => "SL",
            AppKind::PhotoChange => "HZ",
            AppKind::RenewalUpdate => "GX",
            AppKind::CompanyRegistration => "DW",
        }
    }

    /// Whether the application carries a driving licence and a photo.
    pub fn has_licence(self) -> bool {
        self != AppKind::CompanyRegistration
    }
}

/// Where the applicant's photo came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoSource {
    /// 系统留存: the photo already on file with traffic management.
    Held,
    /// 相册
    Album,
    /// 拍照
    Camera,
}

impl PhotoSource {
    pub const ALL: [PhotoSource; 3] = [PhotoSource::Held, PhotoSource::Album, PhotoSource::Camera];

    pub fn code(self) -> &'static str {
        match self {
            PhotoSource::Held => "held",
            PhotoSource::Album => "album",
            PhotoSource::Camera => "camera",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PhotoSource::Held => "系统留存",
            PhotoSource::Album => "相册",
            PhotoSource::Camera => "拍照",
        }
    }
}

/// Stored status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Approved,
    Returned,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Pending, Status::Approved, Status::Returned];

    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Returned => "returned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The state a clerk sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppState {
    /// 待审核
    Pending,
    /// 审核中: claimed, lease running.
    InReview,
    /// 已通过
    Approved,
    /// 已退回
    Returned,
}

impl AppState {
    pub fn label(self) -> &'static str {
        match self {
            AppState::Pending => "待审核",
            AppState::InReview => "审核中",
            AppState::Approved => "已通过",
            AppState::Returned => "已退回",
        }
    }

    /// Derives the visible state from the stored status and the lease.
    pub fn derive(status: Status, lease_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match status {
            Status::Approved => AppState::Approved,
            Status::Returned => AppState::Returned,
            Status::Pending if lease_until.is_some_and(|u| u > now) => AppState::InReview,
            Status::Pending => AppState::Pending,
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, AppState::Approved | AppState::Returned)
    }
}

/// A decision's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approve,
    Reject,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Approve => "approved",
            Outcome::Reject => "returned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Outcome::Approve, Outcome::Reject]
            .into_iter()
            .find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Approve => "通过",
            Outcome::Reject => "退回",
        }
    }

    pub fn status(self) -> Status {
        match self {
            Outcome::Approve => Status::Approved,
            Outcome::Reject => Status::Returned,
        }
    }
}

/// What someone tries to do to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Take the application (claim-next or opening it).
    Claim,
    /// Extend one's own lease.
    Renew,
    /// Give it back (one's own, or a supervisor's forced release).
    Release,
    Decide(Outcome),
}

/// Why a transition is not allowed. Messages are shown to clerks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("该申请{0}，不能再操作")]
    AlreadyDecided(&'static str),
    #[error("该申请未被领取，请先领取后再操作")]
    NotClaimed,
    #[error("该申请正由他人审核")]
    HeldByOther,
    #[error("审核时限已过且已被他人接手，本次审核结果未保存，请重新打开该申请")]
    Stale,
}

/// Shown when the holder's name is not known.
pub const SOME_OTHER_REVIEWER: &str = "其他审核员";

/// The one sentence for an application someone else has open:
/// "正在由 赵敏 审核，至 14:35". `until_hm` is the lease end as the clerk
/// reads it (China Standard Time, `HH:MM`).
pub fn held_by_sentence(clerk: Option<&str>, until_hm: &str) -> String {
    format!(
        "正在由 {} 审核，至 {until_hm}",
        clerk.unwrap_or(SOME_OTHER_REVIEWER)
    )
}

/// Who holds the claim, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimState {
    pub status: Status,
    pub holder: Option<i64>,
    pub lease_until: Option<DateTime<Utc>>,
    /// Incremented by every claim; a decision carries the one it was made under.
    pub claim_seq: i64,
}

/// Checks `t` by clerk `actor` who holds ticket `seq` (if any) at `now`.
/// Returns the state after the transition.
pub fn apply(
    c: &ClaimState,
    t: Transition,
    actor: i64,
    ticket: Option<i64>,
    now: DateTime<Utc>,
) -> Result<AppState, TransitionError> {
    let state = AppState::derive(c.status, c.lease_until, now);
    if state.is_final() {
        return Err(TransitionError::AlreadyDecided(state.label()));
    }
    let live_other = state == AppState::InReview && c.holder != Some(actor);
    let mine = c.holder == Some(actor) && ticket == Some(c.claim_seq);
    match t {
        Transition::Claim if live_other => Err(TransitionError::HeldByOther),
        Transition::Claim => Ok(AppState::InReview),
        // A supervisor's forced release is decided by the app layer (role);
        // here only whether there is anything to release.
        Transition::Release if c.holder.is_none() => Err(TransitionError::NotClaimed),
        Transition::Release => Ok(AppState::Pending),
        Transition::Renew | Transition::Decide(_) if mine => Ok(match t {
            Transition::Decide(o) => match o {
                Outcome::Approve => AppState::Approved,
                Outcome::Reject => AppState::Returned,
            },
            _ => AppState::InReview,
        }),
        // The ticket was taken over (someone claimed after the lease ran out).
        Transition::Renew | Transition::Decide(_) if ticket.is_some() => {
            Err(TransitionError::Stale)
        }
        Transition::Renew | Transition::Decide(_) if live_other => {
            Err(TransitionError::HeldByOther)
        }
        Transition::Renew | Transition::Decide(_) => Err(TransitionError::NotClaimed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn held_by_sentence_names_the_holder_or_someone() {
        assert_eq!(
            held_by_sentence(Some("赵敏"), "14:35"),
            "正在由 赵敏 审核，至 14:35"
        );
        assert_eq!(
            held_by_sentence(None, "14:35"),
            "正在由 其他审核员 审核，至 14:35"
        );
    }

    fn claimed(holder: i64, seq: i64, until: i64) -> ClaimState {
        ClaimState {
            status: Status::Pending,
            holder: Some(holder),
            lease_until: Some(t(until)),
            claim_seq: seq,
        }
    }

    const FREE: ClaimState = ClaimState {
        status: Status::Pending,
        holder: None,
        lease_until: None,
        claim_seq: 0,
    };

    #[test]
    fn codes_round_trip() {
        for k in AppKind::ALL {
            assert_eq!(AppKind::from_code(k.code()), Some(k));
        }
        for s in PhotoSource::ALL {
            assert_eq!(PhotoSource::from_code(s.code()), Some(s));
        }
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Outcome::from_code("returned"), Some(Outcome::Reject));
    }

    #[test]
    fn state_is_derived_from_the_lease() {
        assert_eq!(
            AppState::derive(Status::Pending, None, t(0)),
            AppState::Pending
        );
        assert_eq!(
            AppState::derive(Status::Pending, Some(t(15)), t(0)),
            AppState::InReview
        );
        // The lease ran out: back in the queue, nobody had to write anything.
        assert_eq!(
            AppState::derive(Status::Pending, Some(t(15)), t(15)),
            AppState::Pending
        );
        assert_eq!(
            AppState::derive(Status::Returned, Some(t(15)), t(0)),
            AppState::Returned
        );
    }

    #[test]
    fn pending_can_be_claimed_by_anyone() {
        assert_eq!(
            apply(&FREE, Transition::Claim, 7, None, t(0)),
            Ok(AppState::InReview)
        );
    }

    #[test]
    fn a_live_claim_blocks_others_until_it_expires() {
        let c = claimed(1, 3, 15);
        assert_eq!(
            apply(&c, Transition::Claim, 2, None, t(1)),
            Err(TransitionError::HeldByOther)
        );
        assert_eq!(
            apply(&c, Transition::Claim, 2, None, t(15)),
            Ok(AppState::InReview)
        );
        assert_eq!(
            apply(&c, Transition::Decide(Outcome::Approve), 2, None, t(1)),
            Err(TransitionError::HeldByOther)
        );
    }

    #[test]
    fn the_holder_renews_and_decides_with_the_current_ticket() {
        let c = claimed(1, 3, 15);
        assert_eq!(
            apply(&c, Transition::Renew, 1, Some(3), t(5)),
            Ok(AppState::InReview)
        );
        assert_eq!(
            apply(&c, Transition::Decide(Outcome::Approve), 1, Some(3), t(5)),
            Ok(AppState::Approved)
        );
        assert_eq!(
            apply(&c, Transition::Decide(Outcome::Reject), 1, Some(3), t(5)),
            Ok(AppState::Returned)
        );
        // Lease ran out but nobody took it over: the decision still stands.
        assert_eq!(
            apply(&c, Transition::Decide(Outcome::Approve), 1, Some(3), t(20)),
            Ok(AppState::Approved)
        );
    }

    #[test]
    fn a_taken_over_ticket_is_stale() {
        // Clerk 1 held ticket 3; clerk 2 claimed after expiry (ticket 4).
        let c = claimed(2, 4, 40);
        assert_eq!(
            apply(&c, Transition::Decide(Outcome::Approve), 1, Some(3), t(30)),
            Err(TransitionError::Stale)
        );
        assert_eq!(
            apply(&c, Transition::Renew, 1, Some(3), t(30)),
            Err(TransitionError::Stale)
        );
        // Released in between: still stale for the old ticket.
        let released = ClaimState {
            holder: None,
            lease_until: None,
            ..c
        };
        assert_eq!(
            apply(
                &released,
                Transition::Decide(Outcome::Reject),
                1,
                Some(3),
                t(30)
            ),
            Err(TransitionError::Stale)
        );
    }

    #[test]
    fn deciding_needs_a_claim() {
        assert_eq!(
            apply(&FREE, Transition::Decide(Outcome::Approve), 1, None, t(0)),
            Err(TransitionError::NotClaimed)
        );
        assert_eq!(
            apply(&FREE, Transition::Release, 1, None, t(0)),
            Err(TransitionError::NotClaimed)
        );
    }

    #[test]
    fn decided_is_final() {
        let done = ClaimState {
            status: Status::Approved,
            ..FREE
        };
        for tr in [
            Transition::Claim,
            Transition::Renew,
            Transition::Release,
            Transition::Decide(Outcome::Reject),
        ] {
            assert_eq!(
                apply(&done, tr, 1, Some(0), t(0)),
                Err(TransitionError::AlreadyDecided("已通过"))
            );
        }
    }
}
