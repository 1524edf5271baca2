//! Claims: the statements both backends run as they are (claim-next and
//! releasing a clerk's claims differ per backend and stay there), and the
//! decoder of an application's claim.

use super::row::{Cols, RowGet};
use crate::domain::review::{ClaimState, Status};
use crate::store::queue::ClaimInfo;

/// Claims application `?1` for `?2` until `?3` if it is pending and free
/// or its lease ran out by `?4`; returns the new ticket.
pub const CLAIM: &str = "UPDATE applications SET claimed_by = ?2, lease_until = ?3, \
    claim_seq = claim_seq + 1 \
    WHERE id = ?1 AND status = 'pending' AND (lease_until IS NULL OR lease_until <= ?4) \
    RETURNING claim_seq";

/// Extends the lease of the holder `?2` with ticket `?3` to `?4`.
pub const RENEW: &str = "UPDATE applications SET lease_until = ?4 \
    WHERE id = ?1 AND claimed_by = ?2 AND claim_seq = ?3 AND status = 'pending'";

/// An application's claim and who holds it ([`info`] reads it).
pub const INFO: &str = "SELECT a.status, a.claimed_by, a.lease_until, a.claim_seq, \
    c.display_name, a.created_by FROM applications a \
    LEFT JOIN clerks c ON c.id = a.claimed_by WHERE a.id = ?1";

/// One row of [`INFO`] for application `id`.
pub fn info<R: RowGet>(r: R, id: i64) -> Result<ClaimInfo, R::Error> {
    let c = Cols::with_id(r, "applications", id);
    Ok(ClaimInfo {
        state: ClaimState {
            status: c.code(0, "status", Status::from_code)?,
            holder: c.get(1)?,
            lease_until: c.opt_time(2, "lease_until")?,
            claim_seq: c.get(3)?,
        },
        holder_name: c.get(4)?,
        created_by: c.get(5)?,
    })
}
