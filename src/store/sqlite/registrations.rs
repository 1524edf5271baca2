//! `registrations` + `registration_counters`: one row per 面签注册, numbered
//! per day; the document number (or company code) is the duplicate key.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use super::time;
use crate::domain::registration::{RegistrationKind, RegistrationStatus};
use crate::store::registrations::{
    NewRegistration, RegistrationQuery, RegistrationRecord, RegistrationSummary, Registrations,
};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

pub(super) const COLUMNS: &str = "r.id, r.reg_no, r.kind, r.status, r.doc_type, r.doc_number, r.org_code, \
    r.name, r.mobile, r.reason, r.reason_text, r.agent_name, r.agent_doc_type, \
    r.agent_doc_number, r.breakdown, r.sighted, r.office, r.clerk_id, c.display_name, \
    r.created_at, r.updated_at, r.countersigned_by, s.display_name, r.countersigned_at";

pub(super) const FROM: &str = "FROM registrations r JOIN clerks c ON c.id = r.clerk_id \
    LEFT JOIN clerks s ON s.id = r.countersigned_by";

pub(super) fn record(r: &Row<'_>) -> rusqlite::Result<RegistrationRecord> {
    let c = Cols::new(r, "registrations", 0)?;
    let sighted: String = r.get(15)?;
    Ok(RegistrationRecord {
        id: c.id(),
        reg_no: r.get(1)?,
        kind: c.code(2, "kind", RegistrationKind::from_code)?,
        status: c.code(3, "status", RegistrationStatus::from_code)?,
        doc_type: r.get(4)?,
        doc_number: r.get(5)?,
        org_code: r.get(6)?,
        name: r.get(7)?,
        mobile: r.get(8)?,
        reason: r.get(9)?,
        reason_text: r.get(10)?,
        agent_name: r.get(11)?,
        agent_doc_type: r.get(12)?,
        agent_doc_number: r.get(13)?,
        breakdown: r.get(14)?,
        sighted: sighted
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        office: r.get(16)?,
        clerk_id: r.get(17)?,
        clerk_name: r.get(18)?,
        created_at: c.time(19, "created_at")?,
        updated_at: c.time(20, "updated_at")?,
        countersigned_by: r.get(21)?,
        countersigner_name: r.get(22)?,
        countersigned_at: c.opt_time(23, "countersigned_at")?,
    })
}

fn summary(r: &Row<'_>) -> rusqlite::Result<RegistrationSummary> {
    let c = Cols::new(r, "registrations", 0)?;
    Ok(RegistrationSummary {
        id: c.id(),
        reg_no: r.get(1)?,
        kind: c.code(2, "kind", RegistrationKind::from_code)?,
        status: c.code(3, "status", RegistrationStatus::from_code)?,
        doc_type: r.get(4)?,
        doc_number: r.get(5)?,
        name: r.get(6)?,
        created_at: c.time(7, "created_at")?,
    })
}

/// The smallest string above every string that starts with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Registrations for SqliteTx<'_> {
    fn next_registration_seq(&self, day: &str) -> StoreResult<u32> {
        let last: i64 = self.q(|c| {
            c.query_row(
                "INSERT INTO registration_counters (day, last) VALUES (?1, 1) \
                 ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last",
                [day],
                |r| r.get(0),
            )
        })?;
        Ok(u32::try_from(last).unwrap_or(u32::MAX))
    }

    fn insert_registration(&self, n: &NewRegistration, now: DateTime<Utc>) -> StoreResult<i64> {
        let status = RegistrationStatus::initial(n.kind);
        let at = time::format(now);
        self.q(|c| {
            c.execute(
                "INSERT INTO registrations (reg_no, kind, status, doc_type, doc_number, org_code, \
                 name, mobile, reason, reason_text, agent_name, agent_doc_type, agent_doc_number, \
                 breakdown, sighted, office, clerk_id, created_at, updated_at, idempotency_key) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                 ?17, ?18, ?18, ?19)",
                params![
                    n.reg_no,
                    n.kind.code(),
                    status.code(),
                    n.doc_type,
                    n.doc_number,
                    n.org_code,
                    n.name,
                    n.mobile,
                    n.reason,
                    n.reason_text,
                    n.agent_name,
                    n.agent_doc_type,
                    n.agent_doc_number,
                    n.breakdown,
                    n.sighted.join(","),
                    n.office,
                    n.clerk_id,
                    at,
                    n.idempotency_key,
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    fn reg_no_of(&self, id: i64) -> StoreResult<Option<String>> {
        self.q(|c| {
            c.prepare_cached("SELECT reg_no FROM registrations WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()
        })
    }

    fn registration(&self, id: i64) -> StoreResult<Option<RegistrationRecord>> {
        self.registration_where("r.id = ?1", &id)
    }

    fn registration_by_no(&self, reg_no: &str) -> StoreResult<Option<RegistrationRecord>> {
        self.registration_where("r.reg_no = ?1", &reg_no)
    }

    fn registration_by_key(&self, key: &str) -> StoreResult<Option<RegistrationRecord>> {
        self.registration_where("r.idempotency_key = ?1", &key)
    }

    fn registration_holding(
        &self,
        doc_number: &str,
        org_code: Option<&str>,
    ) -> StoreResult<Option<(i64, String)>> {
        let by_number = self.q(|c| {
            c.query_row(
                "SELECT id, reg_no FROM registrations WHERE doc_number = ?1 \
                 AND status <> 'returned'",
                [doc_number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })?;
        match (by_number, org_code) {
            (Some(hit), _) => Ok(Some(hit)),
            (None, Some(org)) => self.q(|c| {
                c.query_row(
                    "SELECT id, reg_no FROM registrations WHERE org_code = ?1 \
                     AND status <> 'returned' ORDER BY id LIMIT 1",
                    [org],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
            }),
            (None, None) => Ok(None),
        }
    }

    fn search_registrations(
        &self,
        query: &RegistrationQuery,
        limit: usize,
        offset: usize,
    ) -> StoreResult<Vec<RegistrationSummary>> {
        const SELECT: &str = "SELECT id, reg_no, kind, status, doc_type, doc_number, name, \
            created_at FROM registrations";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.q(|c| match query {
            RegistrationQuery::Recent => c
                .prepare_cached(&format!("{SELECT} ORDER BY id DESC LIMIT ?1 OFFSET ?2"))?
                .query_map(params![limit, offset], summary)?
                .collect(),
            RegistrationQuery::RegNo(n) => c
                .prepare_cached(&format!("{SELECT} WHERE reg_no = ?1 LIMIT ?2 OFFSET ?3"))?
                .query_map(params![n, limit, offset], summary)?
                .collect(),
            RegistrationQuery::Number(n) => c
                .prepare_cached(&format!(
                    "{SELECT} WHERE doc_number = ?1 LIMIT ?2 OFFSET ?3"
                ))?
                .query_map(params![n, limit, offset], summary)?
                .collect(),
            RegistrationQuery::NamePrefix(p) => c
                .prepare_cached(&format!(
                    "{SELECT} WHERE name >= ?1 AND name < ?2 ORDER BY name, id \
                         LIMIT ?3 OFFSET ?4"
                ))?
                .query_map(params![p, prefix_end(p), limit, offset], summary)?
                .collect(),
            RegistrationQuery::PendingCountersign => c
                .prepare_cached(&format!(
                    "{SELECT} WHERE status = 'pending_countersign' ORDER BY id \
                         LIMIT ?1 OFFSET ?2"
                ))?
                .query_map(params![limit, offset], summary)?
                .collect(),
        })
    }

    fn set_registration_mobile(
        &self,
        id: i64,
        mobile: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "UPDATE registrations SET mobile = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, mobile, time::format(now)],
            )
            .map(drop)
        })
    }

    fn countersign_registration(&self, id: i64, by: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let at = time::format(now);
        let n = self.q(|c| {
            c.execute(
                "UPDATE registrations SET status = 'countersigned', countersigned_by = ?2, \
                 countersigned_at = ?3, updated_at = ?3 \
                 WHERE id = ?1 AND status = 'pending_countersign' AND clerk_id <> ?2",
                params![id, by, at],
            )
        })?;
        Ok(n == 1)
    }

    fn return_registration(&self, id: i64, by: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let n = self.q(|c| {
            c.execute(
                "UPDATE registrations SET status = 'returned', updated_at = ?3 \
                 WHERE id = ?1 AND status = 'pending_countersign' AND clerk_id <> ?2",
                params![id, by, time::format(now)],
            )
        })?;
        Ok(n == 1)
    }

    fn registration_count(&self) -> StoreResult<i64> {
        self.q(|c| c.query_row("SELECT count(*) FROM registrations", [], |r| r.get(0)))
    }
}

impl SqliteTx<'_> {
    fn registration_where(
        &self,
        clause: &str,
        arg: &dyn rusqlite::ToSql,
    ) -> StoreResult<Option<RegistrationRecord>> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE {clause}");
        self.q(|c| c.query_row(&sql, [arg], record).optional())
    }
}
