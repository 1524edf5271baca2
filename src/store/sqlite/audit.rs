//! `audit_log` + `audit_head`: append-only (triggers refuse UPDATE/DELETE),
//! each row chained to the previous by SHA-256.

use super::SqliteTx;
use super::error::{StoreError, StoreResult};
use crate::domain::clerks::anchor::Anchor;
pub use crate::domain::clerks::audit::AuditVerdict;
use crate::domain::clerks::audit::{AuditContent, GENESIS_HASH};
use crate::store::audit::{AuditLog, AuditRow, NewAuditEvent};
use crate::store::sql::audit::{TAIL, tail_row};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Walks the whole chain in `seq` order. Reports the first row whose sequence,
/// link or hash does not match, or a head that does not match the last row.
pub fn verify_chain(conn: &Connection) -> rusqlite::Result<AuditVerdict> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor_id, actor, action, target, detail, prev_hash, hash \
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_owned();
    while let Some(r) = rows.next()? {
        // A value of the wrong type (e.g. a number stored over a hash) is
        // tampering, reported like any other break, not as a driver error.
        let fields = (|| -> rusqlite::Result<_> {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })();
        let (seq, at, actor_id, actor, action, target, detail, stored_prev, stored_hash) =
            match fields {
                Ok(f) => f,
                Err(e) if type_changed(&e) => {
                    return Ok(AuditVerdict::Broken {
                        seq: expected_seq,
                        reason: "字段类型被改动（记录被修改）".into(),
                    });
                }
                Err(e) => return Err(e),
            };
        if seq != expected_seq {
            return Ok(AuditVerdict::Broken {
                seq: expected_seq,
                reason: format!(
                    "应为第 {expected_seq} 条，实际为第 {seq} 条（记录被删除或重新编号）"
                ),
            });
        }
        if stored_prev != prev_hash {
            return Ok(AuditVerdict::Broken {
                seq,
                reason: "与上一条记录的哈希链接不符（记录被删除或调换顺序）".into(),
            });
        }
        let content = AuditContent {
            seq,
            at: &at,
            actor_id,
            actor: &actor,
            action: &action,
            target: &target,
            detail: &detail,
        };
        if content.chain_hash(&prev_hash) != stored_hash {
            return Ok(AuditVerdict::Broken {
                seq,
                reason: "内容与其哈希不符（记录被修改）".into(),
            });
        }
        prev_hash = stored_hash;
        expected_seq += 1;
    }
    let rows_seen = expected_seq - 1;
    let head: Option<(i64, String)> = match conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
    {
        Ok(h) => h,
        Err(e) if type_changed(&e) => {
            return Ok(AuditVerdict::Broken {
                seq: rows_seen.max(1),
                reason: "审计链头（audit_head）的字段类型被改动".into(),
            });
        }
        Err(e) if head_damaged(&e) => {
            return Ok(AuditVerdict::Broken {
                seq: rows_seen.max(1),
                reason: HEAD_DAMAGED.into(),
            });
        }
        Err(e) => return Err(e),
    };
    match head {
        None if rows_seen == 0 => Ok(AuditVerdict::Intact { rows: 0 }),
        Some((seq, hash)) if seq == rows_seen && hash == prev_hash => {
            Ok(AuditVerdict::Intact { rows: rows_seen })
        }
        Some((seq, _)) if seq > rows_seen => Ok(AuditVerdict::Broken {
            seq: rows_seen + 1,
            reason: format!("链头记载 {seq} 条，实际只剩 {rows_seen} 条（末尾记录被删除）"),
        }),
        _ => Ok(AuditVerdict::Broken {
            seq: rows_seen.max(1),
            reason: "链头与最后一条记录不符".into(),
        }),
    }
}

/// The chain head is what proves the last rows were not cut off.
const HEAD_DAMAGED: &str = "审计链头（audit_head 表）被删除或损坏：无法确认末尾记录未被删除。请联系信息科，用锚点核对（verify-audit --anchor）并从备份恢复";

/// A missing or rebuilt `audit_head` table (dropped, or columns changed).
fn head_damaged(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => {
            msg.contains("audit_head") || msg.contains("no such column")
        }
        _ => false,
    }
}

/// Whether the chain still holds `anchor`'s row with its hash. Call after
/// [`verify_chain`] said the chain is intact: then the row's hash also
/// proves every row before it.
/// Why the database no longer holds the anchor's row, or `None` when it does.
pub fn check_anchor(conn: &Connection, anchor: &Anchor) -> rusqlite::Result<Option<String>> {
    let stored: Option<Option<String>> = conn
        .query_row(
            "SELECT hash FROM audit_log WHERE seq = ?1",
            [anchor.seq],
            |r| r.get::<_, String>(0).map(Some).or(Ok(None)),
        )
        .optional()?;
    Ok(anchor_finding(
        anchor,
        stored.as_ref().map(|h| h.as_deref().unwrap_or("")),
    ))
}

/// Why a chain whose row `anchor.seq` has hash `stored` (`None`: no such
/// row) no longer holds the anchor, or `None` when it does. Both backends'
/// `verify-audit --anchor` say it in these words.
pub fn anchor_finding(anchor: &Anchor, stored: Option<&str>) -> Option<String> {
    match stored {
        None => Some(format!(
            "锚点记载第 {} 条，数据库中已没有这一条（末尾记录被删除）",
            anchor.seq
        )),
        Some(h) if h == anchor.hash => None,
        Some(_) => Some(format!(
            "第 {} 条记录的哈希与锚点不符（哈希链被整体重写）",
            anchor.seq
        )),
    }
}

impl AuditLog for SqliteTx<'_> {
    fn append_audit(&self, e: &NewAuditEvent, now: DateTime<Utc>) -> StoreResult<()> {
        let head = self
            .conn
            .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            });
        let (prev_seq, prev_hash) = match head.optional() {
            Ok(h) => h.unwrap_or((0, GENESIS_HASH.to_owned())),
            Err(err) if head_damaged(&err) => {
                return Err(StoreError::AuditHeadDamaged {
                    path: self.path.to_path_buf(),
                });
            }
            Err(err) => return Err(super::error::from_sqlite(self.path, err)),
        };
        let seq = prev_seq + 1;
        let at = time::format(now);
        let target = e.target.to_string();
        let content = AuditContent {
            seq,
            at: &at,
            actor_id: e.actor_id,
            actor: &e.actor,
            action: e.action.code(),
            target: &target,
            detail: &e.detail,
        };
        let hash = content.chain_hash(&prev_hash);
        self.q(|c| {
            c.execute(
                "INSERT INTO audit_log (seq, at, actor_id, actor, action, target, detail, prev_hash, hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![seq, at, e.actor_id, e.actor, e.action.code(), target, e.detail, prev_hash, hash],
            )?;
            // Plain INSERT for the first row, UPDATE after: the head's
            // triggers allow exactly these two moves.
            if seq == 1 {
                c.execute(
                    "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)",
                    params![seq, hash],
                )
            } else {
                c.execute(
                    "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
                    params![seq, hash],
                )
            }
        })?;
        Ok(())
    }

    fn audit_tail(&self, limit: usize) -> StoreResult<Vec<AuditRow>> {
        self.q(|c| {
            let mut stmt = c.prepare(TAIL)?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map([limit], |r| tail_row(r))?;
            rows.collect()
        })
    }

    fn audit_head(&self) -> StoreResult<Option<(i64, String)>> {
        self.q(|c| {
            c.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
        })
    }

    fn verify_audit(&self) -> StoreResult<AuditVerdict> {
        self.q(verify_chain)
    }

    fn audit_anchor(&self) -> StoreResult<Option<Anchor>> {
        self.q(|c| {
            c.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                Ok(Anchor {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            })
            .optional()
        })
    }
}

/// A field whose stored type no longer matches the schema's (an edited row).
fn type_changed(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}
