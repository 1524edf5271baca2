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
use crate::domain::registration::RegistrationStatus;
use crate::store::StoreError;
use crate::store::registrations::{
    NewRegistration, RegistrationQuery, RegistrationRecord, RegistrationSummary, Registrations,
};
use crate::store::sql::pg;
use crate::store::sql::registrations::{
    COLUMNS, COUNTERSIGN, FROM, INSERT, RETURN, SET_MOBILE, SUMMARY, holder, prefix_end, record,
    summary,
};
use crate::store::time;

impl PgTx<'_> {
    pub(super) fn registration_record(&self, r: &Row) -> Result<RegistrationRecord, StoreError> {
        record(self.row(r))
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
            &format!("{} RETURNING id", pg(INSERT)),
            &[
                &n.reg_no,
                &n.kind.code(),
                &status.code(),
                &n.applicant.doc_type,
                &n.applicant.doc_number,
                &n.applicant.org_code,
                &n.applicant.name,
                &n.applicant.mobile,
                &n.applicant.reason,
                &n.applicant.reason_text,
                &n.applicant.agent_name,
                &n.applicant.agent_doc_type,
                &n.applicant.agent_doc_number,
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
        holder(doc_number, org_code, |sql, arg| {
            self.id_and_no(&pg(sql), arg)
        })
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
        rows.iter().map(|r| summary(self.row(r))).collect()
    }

    fn set_registration_mobile(
        &self,
        id: i64,
        mobile: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(&pg(SET_MOBILE), &[&id, &mobile, &time::format(now)])
            .map(drop)
    }

    fn countersign_registration(
        &self,
        id: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.exec(&pg(COUNTERSIGN), &[&id, &by, &time::format(now)])?;
        Ok(n == 1)
    }

    fn return_registration(
        &self,
        id: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.exec(&pg(RETURN), &[&id, &by, &time::format(now)])?;
        Ok(n == 1)
    }

    fn registration_count(&self) -> Result<i64, StoreError> {
        self.scalar("SELECT count(*) FROM registrations", &[])
    }
}
