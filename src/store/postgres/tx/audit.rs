//! `audit_log` + `audit_head` on the server: rows are staged with
//! `audit_stage()` and join the chain at COMMIT, when a deferred trigger
//! runs `audit_append()` (SECURITY DEFINER, migrations 2 and 16). That locks
//! the head row until the commit ends, so counters queue instead of forking
//! the chain, and the lock is never held across a round trip to a
//! workstation. The row's time is the server's clock, taken under the lock
//! (the `now` passed in is not used); the head starts at seq 0 with the
//! genesis hash, which reads as "no head yet".

use std::ops::ControlFlow;

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::domain::clerks::anchor::Anchor;
use crate::domain::clerks::audit::{AuditContent, AuditVerdict};
use crate::domain::clerks::audit_walk::ChainWalk;
use crate::store::StoreError;
use crate::store::audit::{AuditLog, AuditRow, NewAuditEvent};
use crate::store::sql::audit::{TAIL, tail_row};
use crate::store::sql::pg;

impl PgTx<'_> {
    /// Feeds the rows `sql` returns (seq, at, actor_id, actor, action,
    /// target, detail, prev_hash, hash — in seq order) to `walk`; the first
    /// broken link's verdict, or `None` when every row held. The office
    /// chain and the migrated chapters are walked alike.
    pub(super) fn walk_rows(
        &self,
        sql: &str,
        p: &super::Params<'_>,
        walk: &mut ChainWalk,
    ) -> Result<Option<AuditVerdict>, StoreError> {
        let mut broken = None;
        self.stream(sql, p, |r| {
            let at: String = self.get(r, 1)?;
            let actor: String = self.get(r, 3)?;
            let action: String = self.get(r, 4)?;
            let target: String = self.get(r, 5)?;
            let detail: String = self.get(r, 6)?;
            let prev: String = self.get(r, 7)?;
            let hash: String = self.get(r, 8)?;
            let row = AuditContent {
                seq: self.get(r, 0)?,
                at: &at,
                actor_id: self.get(r, 2)?,
                actor: &actor,
                action: &action,
                target: &target,
                detail: &detail,
            };
            Ok(match walk.step(&row, &prev, &hash) {
                Ok(()) => ControlFlow::Continue(()),
                Err(v) => {
                    broken = Some(v);
                    ControlFlow::Break(())
                }
            })
        })?;
        Ok(broken)
    }

    /// Links the rows this transaction staged into the chain now, instead
    /// of at COMMIT, so that a read of the chain sees them (as it would on
    /// SQLite). The head then stays locked until this transaction ends, and
    /// later rows link as they are staged.
    pub(super) fn link_staged(&self) -> Result<(), StoreError> {
        if self.staged.replace(false) {
            self.rows_once("SET CONSTRAINTS audit_pending_link IMMEDIATE", &[])
                .map_err(|e| self.head_error(e))?;
        }
        Ok(())
    }

    /// A missing head row (raised by `audit_append()`, when staged rows
    /// link) in the store's words.
    pub(super) fn head_error(&self, e: StoreError) -> StoreError {
        head_missing(e, &self.place())
    }

    /// The head row as stored (seq 0 while the chain is empty); `None`
    /// when the row is gone.
    fn head_row(&self) -> Result<Option<(i64, String)>, StoreError> {
        self.link_staged()?;
        self.opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?
            .map(|r| Ok((self.get(&r, 0)?, self.get(&r, 1)?)))
            .transpose()
    }
}

impl AuditLog for PgTx<'_> {
    fn append_audit(&self, e: &NewAuditEvent, _now: DateTime<Utc>) -> Result<(), StoreError> {
        let target = e.target.to_string();
        self.exec(
            "SELECT audit_stage($1, $2, $3, $4, $5)",
            &[&e.actor_id, &e.actor, &e.action.code(), &target, &e.detail],
        )?;
        self.staged.set(true);
        Ok(())
    }

    fn audit_tail(&self, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
        self.link_staged()?;
        self.rows(&pg(TAIL), &[&i64::try_from(limit).unwrap_or(i64::MAX)])?
            .iter()
            .map(|r| tail_row(self.row(r)))
            .collect()
    }

    fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self.head_row()?.filter(|(seq, _)| *seq > 0))
    }

    fn verify_audit(&self) -> Result<AuditVerdict, StoreError> {
        self.link_staged()?;
        let mut walk = ChainWalk::default();
        if let Some(v) = self.walk_rows(
            "SELECT seq, at, actor_id, actor, action, target, detail, prev_hash, hash \
             FROM audit_log ORDER BY seq",
            &[],
            &mut walk,
        )? {
            return Ok(v);
        }
        let head = self.head_row()?;
        match walk.finish(head.as_ref().map(|(s, h)| (*s, h.as_str()))) {
            // The office chain holds; then the chapters of migrated
            // workstations, each against the head the office chain recorded.
            AuditVerdict::Intact { rows } => match self.verify_chapters()? {
                AuditVerdict::Intact { .. } => Ok(AuditVerdict::Intact { rows }),
                broken => Ok(broken),
            },
            broken => Ok(broken),
        }
    }

    fn audit_anchor(&self) -> Result<Option<Anchor>, StoreError> {
        Ok(self.audit_head()?.map(|(seq, hash)| Anchor { seq, hash }))
    }
}

/// `audit_append()` raises "audit_head is missing" when the head row was
/// deleted (by a superuser); every audited write then stops, saying so.
pub fn head_missing(e: StoreError, place: &std::path::Path) -> StoreError {
    match e {
        StoreError::Office(err)
            if err
                .technical()
                .is_some_and(|t| t.contains("audit_head is missing")) =>
        {
            StoreError::AuditHeadDamaged {
                path: place.to_path_buf(),
            }
        }
        other => other,
    }
}
