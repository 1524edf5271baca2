//! Audit chapters: the chains of workstations moved into the office
//! (`counterdesk migrate`, migration 13), kept verbatim with their own
//! `seq` and hashes. Each is walked by the same [`ChainWalk`] as the office
//! chain, against the head its migration record names; the office chain's
//! own `workstation_migrated` row (`migration:<id>`) repeats that length and
//! head, so a chapter rewritten together with its record no longer matches
//! the hash-chained office row.

use super::PgTx;
use crate::domain::clerks::audit::{AuditAction, AuditVerdict};
use crate::domain::clerks::audit_target::AuditTarget;
use crate::domain::clerks::audit_walk::ChainWalk;
use crate::store::StoreError;

/// What the office chain's row says of a chapter: its detail carries this.
pub fn chapter_words(rows: i64, head: &str) -> String {
    format!("源审计链 {rows} 条，链头 {head}")
}

struct Record {
    id: i64,
    workstation: String,
    rows: i64,
    head: String,
}

impl PgTx<'_> {
    /// Every chapter against its record and the office row that records
    /// it; `Intact { rows }` counts the chapter rows walked.
    pub(super) fn verify_chapters(&self) -> Result<AuditVerdict, StoreError> {
        let records = self
            .rows(
                "SELECT id, workstation, chapter_rows, chapter_head \
                 FROM workstation_migrations ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(Record {
                    id: self.get(r, 0)?,
                    workstation: self.get(r, 1)?,
                    rows: self.get(r, 2)?,
                    head: self.get(r, 3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut total = 0;
        for m in records {
            match self.verify_chapter(&m)? {
                AuditVerdict::Intact { rows } => total += rows,
                broken => return Ok(broken),
            }
        }
        Ok(AuditVerdict::Intact { rows: total })
    }

    fn verify_chapter(&self, m: &Record) -> Result<AuditVerdict, StoreError> {
        self.link_staged()?;
        let target = AuditTarget::Migration(m.id).to_string();
        let office: Vec<(i64, String)> = self
            .rows(
                "SELECT seq, detail FROM audit_log WHERE action = $1 AND target = $2 ORDER BY seq",
                &[&AuditAction::WorkstationMigrated.code(), &target],
            )?
            .iter()
            .map(|r| Ok((self.get(r, 0)?, self.get(r, 1)?)))
            .collect::<Result<_, StoreError>>()?;
        let short = m.workstation.get(..24).unwrap_or(&m.workstation);
        let broken = |seq: i64, why: String| AuditVerdict::Broken {
            seq,
            reason: format!("迁入记录 {}（工作台 {short}…）的审计章节：{why}", m.id),
        };
        let [(office_seq, detail)] = office.as_slice() else {
            return Ok(broken(
                1,
                format!(
                    "办公室审计链中应有且仅有一条记载它的记录，实际 {} 条",
                    office.len()
                ),
            ));
        };
        if !detail.contains(&chapter_words(m.rows, &m.head)) {
            return Ok(broken(
                *office_seq,
                "迁入记录的条数或链头与办公室审计链的记载不符（章节或迁入记录被改动）".into(),
            ));
        }
        let mut walk = ChainWalk::default();
        let bad = self.walk_rows(
            "SELECT seq, at, actor_id, actor, action, target, detail, prev_hash, hash \
             FROM audit_chapters WHERE migration_id = $1 ORDER BY seq",
            &[&m.id],
            &mut walk,
        )?;
        let verdict = match bad {
            Some(v) => v,
            None => walk.finish(Some((m.rows, m.head.as_str()))),
        };
        Ok(match verdict {
            AuditVerdict::Broken { seq, reason } => {
                broken(*office_seq, format!("章节第 {seq} 条：{reason}"))
            }
            intact => intact,
        })
    }
}
