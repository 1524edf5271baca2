//! `audit_log`: the newest rows as the audit view shows them, read and
//! decoded the same way on both backends.

use super::row::{Cols, RowGet};
use crate::domain::clerks::audit::AuditAction;
use crate::store::audit::AuditRow;

/// The newest `?1` rows, newest first ([`tail_row`] reads them).
pub const TAIL: &str = "SELECT seq, at, actor, action, target, detail, hash FROM audit_log \
    ORDER BY seq DESC LIMIT ?1";

/// One row of [`TAIL`]; an action code this version does not know stays
/// as its code.
pub fn tail_row<R: RowGet>(r: R) -> Result<AuditRow, R::Error> {
    let c = Cols::new(r, "audit_log", 0)?;
    let code: String = c.get(3)?;
    Ok(AuditRow {
        seq: c.id(),
        at: c.time(1, "at")?,
        actor: c.get(2)?,
        action: AuditAction::from_code(&code),
        action_code: code,
        target: c.get(4)?,
        detail: c.get(5)?,
        hash: c.get(6)?,
    })
}
