//! Claims on applications: a lease its holder renews. Each claim bumps
//! `claim_seq`, the ticket a renewal, release or decision must present.
//!
//! Many reviewers claim at once here: `claim_next` locks the row it takes
//! and skips rows other transactions hold (`FOR UPDATE SKIP LOCKED`), so
//! twenty reviewers pressing F2 together get twenty different applications
//! without waiting on each other. Expiry is judged on the caller's `now`.

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::domain::review::AppKind;
use crate::store::StoreError;
use crate::store::queue::{Claim, ClaimInfo, Claims, Lease};
use crate::store::sql::claims::{CLAIM, INFO, RENEW, info};
use crate::store::sql::pg;
use crate::store::time;

/// The first free row, or the first expired lease, whichever is due sooner.
/// Each arm locks its candidate (skipping rows another claimer holds; a row
/// that a committed claim took meanwhile fails the re-check and the scan
/// moves on), then the update takes the earlier of the two. The arm not
/// taken keeps its row locked until commit: harmless, the next claimer
/// skips it. `FOR UPDATE` cannot sit on a UNION arm, hence the CTEs.
///
/// The expired arm walks the small lease index in lease order (the lease
/// that ran out first), not in due order as SQLite's `INDEXED BY` does:
/// PostgreSQL takes no index hints, and with `ORDER BY due_at` the generic
/// plan of the prepared statement walked every pending row through
/// `applications_queue` looking for an expired lease when there was none
/// (measured: 30 ms per claim growing to 300 ms with 50 000 leases held).
/// Only an order the lease index alone can give keeps that plan away.
pub(super) const CLAIM_NEXT_SQL: &str = "WITH free AS ( \
         SELECT id, due_at FROM applications \
         WHERE status = 'pending' AND claimed_by IS NULL \
           AND created_by IS DISTINCT FROM $1 AND ($4::text IS NULL OR kind = $4) \
         ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED), \
     expired AS ( \
         SELECT id, due_at FROM applications \
         WHERE claimed_by IS NOT NULL AND lease_until <= $3 AND status = 'pending' \
           AND created_by IS DISTINCT FROM $1 AND ($4::text IS NULL OR kind = $4) \
         ORDER BY lease_until, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
     UPDATE applications SET claimed_by = $1, lease_until = $2, claim_seq = claim_seq + 1 \
     WHERE id = (SELECT id FROM (SELECT id, due_at FROM free UNION ALL \
                                 SELECT id, due_at FROM expired) c \
                 ORDER BY due_at, id LIMIT 1) \
     RETURNING id, claim_seq";

/// The running claims of one clerk, from the lease index.
pub(super) const RELEASE_MINE_SQL: &str = "UPDATE applications \
     SET claimed_by = NULL, lease_until = NULL \
     WHERE id IN (SELECT id FROM applications \
         WHERE lease_until > $2 AND claimed_by = $1 AND status = 'pending') \
       AND claimed_by = $1 AND lease_until > $2 AND status = 'pending' \
     RETURNING id";

impl Claims for PgTx<'_> {
    fn claim_next(
        &self,
        clerk: i64,
        lease: Lease,
        kind: Option<AppKind>,
    ) -> Result<Option<Claim>, StoreError> {
        let Lease { now, until } = lease;
        let row = self.opt(
            CLAIM_NEXT_SQL,
            &[
                &clerk,
                &time::format(until),
                &time::format(now),
                &kind.map(AppKind::code),
            ],
        )?;
        row.map(|r| {
            Ok(Claim {
                id: self.get(&r, 0)?,
                seq: self.get(&r, 1)?,
                until,
            })
        })
        .transpose()
    }

    fn claim(&self, id: i64, clerk: i64, lease: Lease) -> Result<Option<Claim>, StoreError> {
        // A second claimer waits for the first one's commit, then finds the
        // lease running and takes nothing.
        let Lease { now, until } = lease;
        let row = self.opt(
            &pg(CLAIM),
            &[&id, &clerk, &time::format(until), &time::format(now)],
        )?;
        row.map(|r| {
            Ok(Claim {
                id,
                seq: self.get(&r, 0)?,
                until,
            })
        })
        .transpose()
    }

    fn renew_claim(
        &self,
        id: i64,
        holder: (i64, i64),
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (clerk, seq) = holder;
        let n = self.exec(&pg(RENEW), &[&id, &clerk, &seq, &time::format(until)])?;
        Ok(n == 1)
    }

    fn release_claim(&self, id: i64, holder: Option<(i64, i64)>) -> Result<bool, StoreError> {
        let (clerk, seq) = holder.unzip();
        let n = self.exec(
            "UPDATE applications SET claimed_by = NULL, lease_until = NULL \
             WHERE id = $1 AND claimed_by IS NOT NULL AND status = 'pending' \
               AND ($2::bigint IS NULL OR (claimed_by = $2 AND claim_seq = $3))",
            &[&id, &clerk, &seq],
        )?;
        Ok(n == 1)
    }

    fn release_claims_of(&self, clerk: i64, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
        self.rows(RELEASE_MINE_SQL, &[&clerk, &time::format(now)])?
            .iter()
            .map(|r| self.get(r, 0))
            .collect()
    }

    fn claim_info(&self, id: i64) -> Result<Option<ClaimInfo>, StoreError> {
        self.opt(&pg(INFO), &[&id])?
            .map(|r| info(self.row(&r), id))
            .transpose()
    }
}
