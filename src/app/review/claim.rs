//! Claiming, opening, renewing and releasing: the lease side of the queue.

use crate::domain::clerks::audit_target::AuditTarget;
use crate::store::Lease;
use chrono::{DateTime, Utc};

use crate::app::clerks::access::audit;
use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::review::NOT_FOUND;
use crate::app::review::NOT_REVIEWER;
use crate::app::review::OWN_ENTRY;
use crate::app::review::Resp;
use crate::app::review::ReviewItem;
use crate::app::review::Ticket;
use crate::app::review::held_by;
use crate::app::review::may_view;
use crate::app::review::refused;
use crate::app::review::view::review_item;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::Role;
use crate::domain::review::application::apply;
use crate::domain::review::{AppKind, AppState, LEASE, Transition};
use crate::store::Store;

pub(crate) fn claim_next(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    kind: Option<AppKind>,
) -> Result<Option<Box<ReviewItem>>, AppError> {
    // The item is read in the claim's own transaction: one round trip to
    // an office server fewer than a second transaction (docs/office.md).
    store.write_lease(|tx| -> Result<_, AppError> {
        require_role(tx, actor, Role::can_decide, NOT_REVIEWER)?;
        let Some(c) = tx.claim_next(actor.id, Lease::new(now, now + LEASE), kind)? else {
            return Ok(None);
        };
        audit(
            tx,
            Some(actor),
            AuditAction::ReviewClaimed,
            AuditTarget::Application(c.id),
            "领取下一件".to_owned(),
            now,
        )?;
        let ticket = Ticket {
            id: c.id,
            seq: c.seq,
            until: c.until,
        };
        Ok(review_item(tx, now, c.id, Some(ticket), None)?.map(Box::new))
    })
}

/// Opens one application: claims it when free, keeps the actor's own live
/// claim, refuses with [`AppError::HeldBy`] when someone else's claim runs.
pub fn open(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
) -> Result<ReviewItem, AppError> {
    if !may_view(actor.role) {
        return Err(AppError::rejected("管理员不查看审核队列中的申请人信息"));
    }
    enum Access {
        Ticket(Ticket),
        ReadOnly(String),
    }
    let access: Result<Access, AppError> = store.write_lease(|tx| -> Result<_, AppError> {
        let Some(info) = tx.claim_info(id)? else {
            return Err(AppError::rejected(NOT_FOUND));
        };
        let state = AppState::derive(info.state.status, info.state.lease_until, now);
        if state.is_final() {
            return Ok(Access::ReadOnly(format!("该申请{}", state.label())));
        }
        let reviewer = tx
            .clerk_by_id(actor.id)?
            .is_some_and(|c| c.role.can_decide() && !c.disabled);
        if !reviewer {
            return Ok(Access::ReadOnly(NOT_REVIEWER.to_owned()));
        }
        if info.created_by == Some(actor.id) {
            return Ok(Access::ReadOnly(OWN_ENTRY.to_owned()));
        }
        if state == AppState::InReview && info.state.holder == Some(actor.id) {
            // Reopening one's own claim keeps its ticket and extends it.
            let until = now + LEASE;
            tx.renew_claim(id, (actor.id, info.state.claim_seq), until)?;
            return Ok(Access::Ticket(Ticket {
                id,
                seq: info.state.claim_seq,
                until,
            }));
        }
        if let Err(e) = apply(&info.state, Transition::Claim, actor.id, None, now) {
            return Err(refused(e, id, &info));
        }
        match tx.claim(id, actor.id, Lease::new(now, now + LEASE))? {
            Some(c) => {
                audit(
                    tx,
                    Some(actor),
                    AuditAction::ReviewClaimed,
                    AuditTarget::Application(id),
                    "打开并领取".to_owned(),
                    now,
                )?;
                Ok(Access::Ticket(Ticket {
                    id,
                    seq: c.seq,
                    until: c.until,
                }))
            }
            None => Err(held_by(&info)),
        }
    });
    let (ticket, reason) = match access? {
        Access::Ticket(t) => (Some(t), None),
        Access::ReadOnly(r) => (None, Some(r)),
    };
    store
        .read(|tx| review_item(tx, now, id, ticket, reason))?
        .ok_or_else(|| AppError::rejected(NOT_FOUND))
}

pub(crate) fn renew(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    ticket: Ticket,
) -> Result<Ticket, AppError> {
    let out: Result<Ticket, AppError> = store.write_lease(|tx| -> Result<_, AppError> {
        let Some(info) = tx.claim_info(ticket.id)? else {
            return Err(AppError::rejected(NOT_FOUND));
        };
        if let Err(e) = apply(
            &info.state,
            Transition::Renew,
            actor.id,
            Some(ticket.seq),
            now,
        ) {
            return Err(refused(e, ticket.id, &info));
        }
        let until = now + LEASE;
        if !tx.renew_claim(ticket.id, (actor.id, ticket.seq), until)? {
            return Err(AppError::Stale {
                application: ticket.id,
            });
        }
        Ok(Ticket { until, ..ticket })
    });
    out
}

pub(crate) fn release(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
    ticket: Option<Ticket>,
) -> Result<Resp, AppError> {
    let out: Result<(), AppError> = store.write_checked(|tx| -> Result<_, AppError> {
        let Some(info) = tx.claim_info(id)? else {
            return Err(AppError::rejected(NOT_FOUND));
        };
        if let Err(e) = apply(&info.state, Transition::Release, actor.id, None, now) {
            return Err(refused(e, id, &info));
        }
        let own = info.state.holder == Some(actor.id)
            && ticket.is_none_or(|t| t.seq == info.state.claim_seq);
        if own {
            tx.release_claim(id, Some((actor.id, info.state.claim_seq)))?;
            audit(
                tx,
                Some(actor),
                AuditAction::ReviewReleased,
                AuditTarget::Application(id),
                "放回队列".to_owned(),
                now,
            )?;
            return Ok(());
        }
        if ticket.is_some() {
            return Err(AppError::Stale { application: id });
        }
        require_role(tx, actor, Role::can_decide, "只有审核岗可以解除他人的领取")?;
        tx.release_claim(id, None)?;
        let holder = info.holder_name.clone().unwrap_or_default();
        let until = info
            .state
            .lease_until
            .map(crate::app::runtime::clock::fmt_minute)
            .unwrap_or_default();
        audit(
            tx,
            Some(actor),
            AuditAction::ReviewReleasedForOther,
            AuditTarget::Application(id),
            format!("解除 {holder} 的领取（原至 {until}）"),
            now,
        )?;
        Ok(())
    });
    out.map(|()| Resp::Released { id })
}
