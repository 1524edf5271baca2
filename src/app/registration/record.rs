//! One registration as the use cases load and name it: who may see it, the
//! sentence when it is not there, and its [`RecordRef`].

use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::registration::view::RegistrationView;
use crate::app::registration::view::view;
use crate::app::runtime::error::AppError;
use crate::app::runtime::error::RecordRef;
use crate::domain::clerks::clerk::Role;
use crate::store::{RegistrationRecord, Store, Tx};

pub(super) const NOT_ALLOWED: &str = "只有窗口或审核人员可以办理和查看面签注册。";
pub(super) const NOT_SUPERVISOR: &str = "只有审核人员可以复核单位面签。";
const NOT_FOUND: &str = "未找到该面签记录，可能已被删除或编号有误。";

pub(super) fn registration_ref(id: i64, number: String) -> RecordRef {
    RecordRef {
        kind: "registration",
        id,
        number,
    }
}

/// The registration `id`, or the clerk's sentence that it is not there.
pub(super) fn existing(tx: &Tx<'_>, id: i64) -> Result<RegistrationRecord, AppError> {
    tx.registration(id)?
        .ok_or_else(|| AppError::rejected(NOT_FOUND.to_owned()))
}

/// Which roles may change a registration, and the sentence for the rest.
#[derive(Clone, Copy)]
pub(super) struct Gate {
    allowed: fn(Role) -> bool,
    refusal: &'static str,
}

/// Counter clerks and supervisors: registering, revealing, editing.
pub(super) const REGISTRARS: Gate = Gate {
    allowed: Role::can_register,
    refusal: NOT_ALLOWED,
};

/// Supervisors: countersigning a company's registration.
pub(super) const SUPERVISORS: Gate = Gate {
    allowed: Role::can_decide,
    refusal: NOT_SUPERVISOR,
};

/// A change to registration `id` by a clerk `gate` lets through: one write
/// transaction, in which `f` gets the stored record.
pub(super) fn change<T>(
    store: &mut Store,
    actor: &SessionClerk,
    id: i64,
    gate: Gate,
    f: impl FnOnce(&Tx<'_>, RegistrationRecord) -> Result<T, AppError>,
) -> Result<T, AppError> {
    store.write_checked(|tx| {
        require_role(tx, actor, gate.allowed, gate.refusal)?;
        let rec = existing(tx, id)?;
        f(tx, rec)
    })
}

pub(super) fn load_view(
    tx: &Tx<'_>,
    actor: &SessionClerk,
    id: i64,
) -> Result<RegistrationView, AppError> {
    let clerk = require_role(tx, actor, Role::can_register, NOT_ALLOWED)?;
    let rec = existing(tx, id)?;
    let attachments = tx.attachments_of(id)?;
    Ok(view(rec, attachments, clerk.id, clerk.role.can_decide()))
}
