//! The review queue's rules: application kinds and states, standard reasons,
//! the one-time notice, and the computed pre-checks. Pure: "now"
//! and "today" are parameters.

pub mod application;
pub mod eligibility;
pub mod notice;
pub mod photo_override;
pub mod queue;
pub mod reasons;

pub use application::{
    AppKind, AppState, ClaimState, LEASE, Outcome, PhotoSource, Status, Transition, TransitionError,
};
pub use queue::{KindCounts, PageCursor, QueueCounts, Scope};
pub use reasons::{Reason, ReasonKind};
