//! The audit chain on the office server. Appends go through the
//! `audit_append()` function (SECURITY DEFINER, see migration 2), which
//! locks the head row, so concurrent counters queue up instead of forking
//! the chain. The hash is the one `domain::audit::AuditContent` computes.

use ::postgres::GenericClient;

use super::SCHEMA;
use crate::domain::clerks::anchor::Anchor;
use crate::store::NewAuditEvent;

/// Appends `e` at once inside the caller's transaction and returns its
/// sequence number (raw connections: tests and tools). The head stays
/// locked until that transaction ends; the store itself stages rows
/// instead, linked at COMMIT (migration 16). The row's time is the
/// server's clock.
pub fn append(
    client: &mut impl GenericClient,
    e: &NewAuditEvent,
) -> Result<i64, ::postgres::Error> {
    let row = client.query_one(
        format!("SELECT appended_seq FROM {SCHEMA}.audit_append($1, $2, $3, $4, $5)").as_str(),
        &[
            &e.actor_id,
            &e.actor,
            &e.action.code(),
            &e.target.to_string(),
            &e.detail,
        ],
    )?;
    Ok(row.get(0))
}

/// The chain head as an anchor; `None` while the chain is empty (the head
/// row then holds seq 0 and the genesis hash).
pub fn anchor(client: &mut impl GenericClient) -> Result<Option<Anchor>, ::postgres::Error> {
    let row = client.query_one(
        format!("SELECT seq, hash FROM {SCHEMA}.audit_head WHERE id = 1").as_str(),
        &[],
    )?;
    let seq: i64 = row.get(0);
    Ok((seq > 0).then(|| Anchor {
        seq,
        hash: row.get(1),
    }))
}
