//! Claims on applications: a lease of [`LEASE`](crate::domain::review::LEASE)
//! that its holder renews. Each claim bumps `claim_seq`, the ticket a renewal,
//! release or decision must present, so a claim taken over after expiry makes
//! the old holder's ticket stale.

use super::SqliteTx;
use super::error::StoreResult;
use crate::domain::review::AppKind;
use crate::store::queue::{Claim, ClaimInfo, Claims, Lease};
use crate::store::sql::claims::{CLAIM, INFO, RENEW, info};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// The claim-next statement (public in the crate for the plan test): the
/// first free row, or the first expired lease, whichever is due sooner.
/// One statement: SQLite runs the subquery and the update under the same
/// write lock, so two connections can never take the same row.
pub(crate) const CLAIM_NEXT_SQL: &str = "UPDATE applications \
     SET claimed_by = ?1, lease_until = ?2, claim_seq = claim_seq + 1 \
     WHERE id = (SELECT id FROM ( \
         SELECT id, due_at FROM (SELECT id, due_at FROM applications INDEXED BY applications_free \
             WHERE status = 'pending' AND claimed_by IS NULL \
               AND created_by IS NOT ?1 AND (?4 IS NULL OR kind = ?4) \
             ORDER BY due_at, id LIMIT 1) \
         UNION ALL \
         SELECT id, due_at FROM (SELECT id, due_at FROM applications INDEXED BY applications_leases \
             WHERE claimed_by IS NOT NULL AND lease_until <= ?3 AND status = 'pending' \
               AND created_by IS NOT ?1 AND (?4 IS NULL OR kind = ?4) \
             ORDER BY due_at, id LIMIT 1) \
       ) ORDER BY due_at, id LIMIT 1) \
     RETURNING id, claim_seq";

/// The running claims of one clerk (public in the crate for the plan test).
pub(crate) const RELEASE_MINE_SQL: &str = "UPDATE applications \
     SET claimed_by = NULL, lease_until = NULL \
     WHERE id IN (SELECT id FROM applications INDEXED BY applications_leases \
         WHERE lease_until > ?2 AND claimed_by = ?1 AND status = 'pending') \
     RETURNING id";

impl Claims for SqliteTx<'_> {
    fn claim_next(
        &self,
        clerk: i64,
        lease: Lease,
        kind: Option<AppKind>,
    ) -> StoreResult<Option<Claim>> {
        let Lease { now, until } = lease;
        self.q(|c| {
            c.prepare_cached(CLAIM_NEXT_SQL)?
                .query_row(
                    params![
                        clerk,
                        time::format(until),
                        time::format(now),
                        kind.map(AppKind::code)
                    ],
                    |r| {
                        Ok(Claim {
                            id: r.get(0)?,
                            seq: r.get(1)?,
                            until,
                        })
                    },
                )
                .optional()
        })
    }

    fn claim(&self, id: i64, clerk: i64, lease: Lease) -> StoreResult<Option<Claim>> {
        let Lease { now, until } = lease;
        let p = params![id, clerk, time::format(until), time::format(now)];
        self.q(|c| {
            c.prepare_cached(CLAIM)?
                .query_row(p, |r| {
                    Ok(Claim {
                        id,
                        seq: r.get(0)?,
                        until,
                    })
                })
                .optional()
        })
    }

    fn renew_claim(&self, id: i64, holder: (i64, i64), until: DateTime<Utc>) -> StoreResult<bool> {
        let (clerk, seq) = holder;
        self.q(|c| {
            c.prepare_cached(RENEW)?
                .execute(params![id, clerk, seq, time::format(until)])
                .map(|n| n == 1)
        })
    }

    fn release_claim(&self, id: i64, holder: Option<(i64, i64)>) -> StoreResult<bool> {
        let (clerk, seq) = holder.unzip();
        self.q(|c| {
            c.prepare_cached(
                "UPDATE applications SET claimed_by = NULL, lease_until = NULL \
                 WHERE id = ?1 AND claimed_by IS NOT NULL AND status = 'pending' \
                   AND (?2 IS NULL OR (claimed_by = ?2 AND claim_seq = ?3))",
            )?
            .execute(params![id, clerk, seq])
            .map(|n| n == 1)
        })
    }

    fn release_claims_of(&self, clerk: i64, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
        self.q(|c| {
            let mut stmt = c.prepare_cached(RELEASE_MINE_SQL)?;
            let rows = stmt.query_map(params![clerk, time::format(now)], |r| r.get(0))?;
            rows.collect()
        })
    }

    fn claim_info(&self, id: i64) -> StoreResult<Option<ClaimInfo>> {
        self.q(|c| {
            c.prepare_cached(INFO)?
                .query_row([id], |r| info(r, id))
                .optional()
        })
    }
}
