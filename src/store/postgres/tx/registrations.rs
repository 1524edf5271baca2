//! `registrations` + `registration_counters`: one row per 面签注册, numbered
//! per day; the document number (or company code) is the duplicate key.
//!
//! The MQ number of a day is one `registration_counters` row taken with a
//! row lock (`INSERT … ON CONFLICT DO UPDATE … RETURNING`): a second counter
//! waits for the first one's commit and then gets the next number, so two
//! connections never hand out the same one.

use ::postgres::Row;
use ::postgres::types::ToSql;
use chrono::{DateTime, Utc};

use super::PgTx;
use crate::domain::registration::{RegistrationKind, RegistrationStatus};
use crate::store::StoreError;
use crate::store::registrations::{
    NewRegistration, RegistrationQuery, RegistrationRecord, RegistrationSummary, Registrations,
};
use crate::store::sqlite::time;

pub(super) const COLUMNS: &str = "r.id, r.reg_no, r.kind, r.status, r.doc_type, r.doc_number, r.org_code, \
    r.name, r.mobile, r.reason, r.reason_text, r.agent_name, r.agent_doc_type, \
    r.agent_doc_number, r.breakdown, r.sighted, r.office, r.clerk_id, c.display_name, \
    r.created_at, r.updated_at, r.countersigned_by, s.display_name, r.countersigned_at";

pub(super) const FROM: &str = "FROM registrations r JOIN clerks c ON c.id = r.clerk_id \
    LEFT JOIN clerks s ON s.id = r.countersigned_by";

const SUMMARY: &str =
    "SELECT id, reg_no, kind, status, doc_type, doc_number, name, created_at FROM registrations";

impl PgTx<'_> {
    pub(super) fn registration_record(&self, r: &Row) -> Result<RegistrationRecord, StoreError> {
        let c = self.cols(r, "registrations", 0)?;
        Ok(RegistrationRecord {
            id: c.id(),
            reg_no: c.get(1)?,
            kind: c.code(2, "kind", RegistrationKind::from_code)?,
            status: c.code(3, "status", RegistrationStatus::from_code)?,
            doc_type: c.get(4)?,
            doc_number: c.get(5)?,
            org_code: c.get(6)?,
            name: c.get(7)?,
            mobile: c.get(8)?,
            reason: c.get(9)?,
            reason_text: c.get(10)?,
            agent_name: c.get(11)?,
            agent_doc_type: c.get(12)?,
            agent_doc_number: c.get(13)?,
            breakdown: c.get(14)?,
            sighted: c.list(15)?,
            office: c.get(16)?,
            clerk_id: c.get(17)?,
            clerk_name: c.get(18)?,
            created_at: c.time(19, "created_at")?,
            updated_at: c.time(20, "updated_at")?,
            countersigned_by: c.get(21)?,
            countersigner_name: c.get(22)?,
            countersigned_at: c.opt_time(23, "countersigned_at")?,
        })
    }

    fn registration_summary(&self, r: &Row) -> Result<RegistrationSummary, StoreError> {
        let c = self.cols(r, "registrations", 0)?;
        Ok(RegistrationSummary {
            id: c.id(),
            reg_no: c.get(1)?,
            kind: c.code(2, "kind", RegistrationKind::from_code)?,
            status: c.code(3, "status", RegistrationStatus::from_code)?,
            doc_type: c.get(4)?,
            doc_number: c.get(5)?,
            name: c.get(6)?,
            created_at: c.time(7, "created_at")?,
        })
    }

    fn registration_where(
        &self,
        clause: &str,
        arg: &(dyn ToSql + Sync),
    ) -> Result<Option<RegistrationRecord>, StoreError> {
        self.opt(&format!("SELECT {COLUMNS} {FROM} WHERE {clause}"), &[arg])?
            .map(|r| self.registration_record(&r))
            .transpose()
    }

    fn id_and_no(&self, sql: &str, arg: &str) -> Result<Option<(i64, String)>, StoreError> {
        self.opt(sql, &[&arg])?
            .map(|r| Ok((self.get(&r, 0)?, self.get(&r, 1)?)))
            .transpose()
    }
}

/// The smallest string above every string that starts with `prefix` (in
/// byte order, which is why the name comparisons say `COLLATE "C"`).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Registrations for PgTx<'_> {
    fn next_registration_seq(&self, day: &str) -> Result<u32, StoreError> {
        let last: i64 = self.scalar(
            "INSERT INTO registration_counters (day, last) VALUES ($1, 1) \
                 ON CONFLICT (day) DO UPDATE SET last = registration_counters.last + 1 \
                 RETURNING last",
            &[&day],
        )?;
        Ok(u32::try_from(last).unwrap_or(u32::MAX))
    }

    fn insert_registration(
        &self,
        n: &NewRegistration,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let status = RegistrationStatus::initial(n.kind);
        let at = time::format(now);
        let sighted = n.sighted.join(",");
        self.scalar(
            "INSERT INTO registrations (reg_no, kind, status, doc_type, doc_number, org_code, \
                 name, mobile, reason, reason_text, agent_name, agent_doc_type, agent_doc_number, \
                 breakdown, sighted, office, clerk_id, created_at, updated_at, idempotency_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $18, $18, $19) RETURNING id",
            &[
                &n.reg_no,
                &n.kind.code(),
                &status.code(),
                &n.doc_type,
                &n.doc_number,
                &n.org_code,
                &n.name,
                &n.mobile,
                &n.reason,
                &n.reason_text,
                &n.agent_name,
                &n.agent_doc_type,
                &n.agent_doc_number,
                &n.breakdown,
                &sighted,
                &n.office,
                &n.clerk_id,
                &at,
                &n.idempotency_key,
            ],
        )
    }

    fn reg_no_of(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.opt_scalar("SELECT reg_no FROM registrations WHERE id = $1", &[&id])
    }

    fn registration(&self, id: i64) -> Result<Option<RegistrationRecord>, StoreError> {
        self.registration_where("r.id = $1", &id)
    }

    fn registration_by_no(&self, reg_no: &str) -> Result<Option<RegistrationRecord>, StoreError> {
        self.registration_where("r.reg_no = $1", &reg_no)
    }

    fn registration_by_key(&self, key: &str) -> Result<Option<RegistrationRecord>, StoreError> {
        self.registration_where("r.idempotency_key = $1", &key)
    }

    fn registration_holding(
        &self,
        doc_number: &str,
        org_code: Option<&str>,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let by_number = self.id_and_no(
            "SELECT id, reg_no FROM registrations WHERE doc_number = $1 AND status <> 'returned'",
            doc_number,
        )?;
        match (by_number, org_code) {
            (Some(hit), _) => Ok(Some(hit)),
            (None, Some(org)) => self.id_and_no(
                "SELECT id, reg_no FROM registrations WHERE org_code = $1 \
                 AND status <> 'returned' ORDER BY id LIMIT 1",
                org,
            ),
            (None, None) => Ok(None),
        }
    }

    fn search_registrations(
        &self,
        query: &RegistrationQuery,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<RegistrationSummary>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = match query {
            RegistrationQuery::Recent => self.rows(
                &format!("{SUMMARY} ORDER BY id DESC LIMIT $1 OFFSET $2"),
                &[&limit, &offset],
            )?,
            RegistrationQuery::RegNo(n) => self.rows(
                &format!("{SUMMARY} WHERE reg_no = $1 ORDER BY id LIMIT $2 OFFSET $3"),
                &[n, &limit, &offset],
            )?,
            RegistrationQuery::Number(n) => self.rows(
                &format!("{SUMMARY} WHERE doc_number = $1 ORDER BY id LIMIT $2 OFFSET $3"),
                &[n, &limit, &offset],
            )?,
            RegistrationQuery::NamePrefix(p) => self.rows(
                &format!(
                    "{SUMMARY} WHERE name COLLATE \"C\" >= $1 AND name COLLATE \"C\" < $2 \
                     ORDER BY name COLLATE \"C\", id LIMIT $3 OFFSET $4"
                ),
                &[p, &prefix_end(p), &limit, &offset],
            )?,
            RegistrationQuery::PendingCountersign => self.rows(
                &format!(
                    "{SUMMARY} WHERE status = 'pending_countersign' ORDER BY id \
                     LIMIT $1 OFFSET $2"
                ),
                &[&limit, &offset],
            )?,
        };
        rows.iter().map(|r| self.registration_summary(r)).collect()
    }

    fn set_registration_mobile(
        &self,
        id: i64,
        mobile: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE registrations SET mobile = $2, updated_at = $3 WHERE id = $1",
            &[&id, &mobile, &time::format(now)],
        )
        .map(drop)
    }

    fn countersign_registration(
        &self,
        id: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE registrations SET status = 'countersigned', countersigned_by = $2, \
             countersigned_at = $3, updated_at = $3 \
             WHERE id = $1 AND status = 'pending_countersign' AND clerk_id <> $2",
            &[&id, &by, &time::format(now)],
        )?;
        Ok(n == 1)
    }

    fn return_registration(
        &self,
        id: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE registrations SET status = 'returned', updated_at = $3 \
             WHERE id = $1 AND status = 'pending_countersign' AND clerk_id <> $2",
            &[&id, &by, &time::format(now)],
        )?;
        Ok(n == 1)
    }

    fn registration_count(&self) -> Result<i64, StoreError> {
        self.scalar("SELECT count(*) FROM registrations", &[])
    }
}
