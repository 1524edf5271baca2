//! `registrations` + `registration_counters`: one row per 面签注册, numbered
//! per day; the document number (or company code) is the duplicate key.

use super::SqliteTx;
use super::error::StoreResult;
use crate::domain::registration::RegistrationStatus;
use crate::store::registrations::{
    NewRegistration, RegistrationQuery, RegistrationRecord, RegistrationSummary, Registrations,
};
use crate::store::sql::registrations::{
    COLUMNS, COUNTERSIGN, FROM, INSERT, RETURN, SET_MOBILE, SUMMARY, holder, prefix_end, record,
    summary,
};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

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
                INSERT,
                params![
                    n.reg_no,
                    n.kind.code(),
                    status.code(),
                    n.applicant.doc_type,
                    n.applicant.doc_number,
                    n.applicant.org_code,
                    n.applicant.name,
                    n.applicant.mobile,
                    n.applicant.reason,
                    n.applicant.reason_text,
                    n.applicant.agent_name,
                    n.applicant.agent_doc_type,
                    n.applicant.agent_doc_number,
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
        holder(doc_number, org_code, |sql, arg| {
            self.q(|c| {
                c.query_row(sql, [arg], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
        })
    }

    fn search_registrations(
        &self,
        query: &RegistrationQuery,
        limit: usize,
        offset: usize,
    ) -> StoreResult<Vec<RegistrationSummary>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.q(|c| match query {
            RegistrationQuery::Recent => c
                .prepare_cached(&format!("{SUMMARY} ORDER BY id DESC LIMIT ?1 OFFSET ?2"))?
                .query_map(params![limit, offset], |r| summary(r))?
                .collect(),
            RegistrationQuery::RegNo(n) => c
                .prepare_cached(&format!("{SUMMARY} WHERE reg_no = ?1 LIMIT ?2 OFFSET ?3"))?
                .query_map(params![n, limit, offset], |r| summary(r))?
                .collect(),
            RegistrationQuery::Number(n) => c
                .prepare_cached(&format!(
                    "{SUMMARY} WHERE doc_number = ?1 LIMIT ?2 OFFSET ?3"
                ))?
                .query_map(params![n, limit, offset], |r| summary(r))?
                .collect(),
            RegistrationQuery::NamePrefix(p) => c
                .prepare_cached(&format!(
                    "{SUMMARY} WHERE name >= ?1 AND name < ?2 ORDER BY name, id \
                         LIMIT ?3 OFFSET ?4"
                ))?
                .query_map(params![p, prefix_end(p), limit, offset], |r| summary(r))?
                .collect(),
            RegistrationQuery::PendingCountersign => c
                .prepare_cached(&format!(
                    "{SUMMARY} WHERE status = 'pending_countersign' ORDER BY id \
                         LIMIT ?1 OFFSET ?2"
                ))?
                .query_map(params![limit, offset], |r| summary(r))?
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
            c.execute(SET_MOBILE, params![id, mobile, time::format(now)])
                .map(drop)
        })
    }

    fn countersign_registration(&self, id: i64, by: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let at = time::format(now);
        let n = self.q(|c| c.execute(COUNTERSIGN, params![id, by, at]))?;
        Ok(n == 1)
    }

    fn return_registration(&self, id: i64, by: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let n = self.q(|c| c.execute(RETURN, params![id, by, time::format(now)]))?;
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
        self.q(|c| c.query_row(&sql, [arg], |r| record(r)).optional())
    }
}
