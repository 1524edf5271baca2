//! `applications` + `queue_counts`: the review queue's records, its pages,
//! searches and per-filter counts, each answered from an index.
//!
//! `queue_counts` is a tally kept by a SECURITY DEFINER trigger in one slot
//! per connection (migration 10); the counts below sum the slots.

use ::postgres::Row;
use ::postgres::types::ToSql;

use super::PgTx;
use crate::domain::documents::licence::valid_until_text;
use crate::domain::review::{PhotoSource, QueueCounts, Scope};
use crate::store::StoreError;
use crate::store::queue::{
    ApplicationRecord, Applications, MAX_PAGE, NewApplication, PageQuery, QueueClock, QueueRow,
    SearchKey,
};
use crate::store::sql::applications::{
    APP_NO, FROM, INSERT, LINK_REGISTRATION, MAX_ID, OF_REGISTRATION, RECORD_COLUMNS,
    REGISTRATION_OF, ROW_COLUMNS, Tally, explained_pages, fold_counts, queue_row, record,
};
use crate::store::sql::pg;
use crate::store::sql::row::RowGet;
use crate::store::time;

/// The counts that are not in `queue_counts` (they depend on leases), from
/// the partial lease index.
pub(super) const CLAIM_COUNT_SQL: &str = "SELECT count(*), \
     count(*) FILTER (WHERE a.claimed_by = $2) \
     FROM applications a WHERE a.lease_until > $1 AND a.claimed_by IS NOT NULL";

/// Per kind and state, the day's and the overdue part: the slots summed.
const COUNTS_SQL: &str = "SELECT kind, status, sum(n)::bigint, \
     coalesce(sum(n) FILTER (WHERE due_day = $1), 0)::bigint, \
     coalesce(sum(n) FILTER (WHERE due_day < $1), 0)::bigint \
     FROM queue_counts GROUP BY kind, status";

type Value = Box<dyn ToSql + Sync>;

/// Parameters of a statement built piece by piece, numbered as pushed.
#[derive(Default)]
pub(super) struct Bind {
    values: Vec<Value>,
}

impl Bind {
    /// Adds a value and returns its placeholder (`$n`).
    pub fn push(&mut self, v: impl ToSql + Sync + 'static) -> String {
        self.values.push(Box::new(v));
        format!("${}", self.values.len())
    }

    pub fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values.iter().map(|v| v.as_ref() as _).collect()
    }
}

/// The page statement for `q` and its parameters.
pub(super) fn page_sql(q: &PageQuery, clock: &QueueClock) -> (String, Bind) {
    let mut b = Bind::default();
    let mut w: Vec<String> = Vec::new();
    let mut order = "a.due_at, a.id";
    if let Some(s) = &q.search {
        match s {
            SearchKey::AppNo(n) => w.push(format!("a.app_no = {}", b.push(n.clone()))),
            SearchKey::DocNo(n) => w.push(format!("a.doc_no = {}", b.push(n.clone()))),
            SearchKey::NamePrefix(n) => {
                // Byte order, as on SQLite: every name starting with n sorts
                // between n and n + U+10FFFF.
                let lo = b.push(n.clone());
                let hi = b.push(format!("{n}\u{10FFFF}"));
                w.push(format!(
                    "a.name COLLATE \"C\" >= {lo} AND a.name COLLATE \"C\" < {hi}"
                ));
                order = "a.name COLLATE \"C\", a.id";
            }
        }
    } else {
        // Status literals (not parameters), so the planner matches them to
        // the partial indexes.
        match q.scope {
            Scope::Open => w.push("a.status = 'pending'".into()),
            Scope::Approved => w.push("a.status = 'approved'".into()),
            Scope::Returned => w.push("a.status = 'returned'".into()),
            Scope::DueToday => {
                let from = b.push(time::format(clock.today_start));
                let to = b.push(time::format(clock.tomorrow_start));
                w.push(format!(
                    "a.status = 'pending' AND a.due_at >= {from} AND a.due_at < {to}"
                ));
            }
            Scope::Overdue => {
                let to = b.push(time::format(clock.today_start));
                w.push(format!("a.status = 'pending' AND a.due_at < {to}"));
            }
            // Running leases: a range on the small partial lease index.
            Scope::InReview => {
                let now = b.push(time::format(clock.now));
                w.push(format!(
                    "a.lease_until > {now} AND a.claimed_by IS NOT NULL AND a.status = 'pending'"
                ));
            }
            Scope::Mine => {
                let now = b.push(time::format(clock.now));
                let me = b.push(clock.clerk);
                w.push(format!(
                    "a.lease_until > {now} AND a.claimed_by = {me} AND a.status = 'pending'"
                ));
            }
        }
        if let Some(c) = q.after {
            // Keyset: a row comparison the btree seeks to directly.
            let due = b.push(time::format(c.due_at));
            let id = b.push(c.id);
            w.push(format!("(a.due_at, a.id) > ({due}, {id})"));
        }
    }
    if let Some(k) = q.kind {
        w.push(format!("a.kind = {}", b.push(k.code())));
    }
    let limit = b.push(i64::from(q.limit.clamp(1, MAX_PAGE)));
    let offset = b.push(i64::from(q.offset));
    let sql = format!(
        "SELECT {ROW_COLUMNS} {FROM} WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        w.join(" AND ")
    );
    (sql, b)
}

impl PgTx<'_> {
    pub(super) fn application_record(&self, r: &Row) -> Result<ApplicationRecord, StoreError> {
        record(self.row(r))
    }

    /// `EXPLAIN` of one statement as the connection runs it after a few
    /// executions: the generic plan of the prepared statement (the values
    /// no longer steer it), with sequential scans priced out, so a plan that
    /// still scans the table has no index that can answer it (on a
    /// test-sized table the planner would rightly scan anyway).
    pub(super) fn explain(
        &self,
        sql: &str,
        p: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<String>, StoreError> {
        const NAME: &str = "counterdesk_explain";
        // Left behind by an explain that failed halfway (DEALLOCATE ALL
        // would also drop the statement cache's statements).
        let left = self.rows_once(
            "SELECT 1 FROM pg_prepared_statements WHERE name = $1",
            &[&NAME],
        )?;
        if !left.is_empty() {
            self.rows_once(&format!("DEALLOCATE {NAME}"), &[])?;
        }
        self.rows_once("SET LOCAL enable_seqscan = off", &[])?;
        self.rows_once("SET LOCAL plan_cache_mode = force_generic_plan", &[])?;
        self.rows_once(&format!("PREPARE {NAME} AS {sql}"), &[])?;
        // A generic plan does not look at the values, and EXPLAIN EXECUTE
        // (a utility statement) takes no bound parameters: NULLs of the
        // prepared types stand in for them.
        let exec = if p.is_empty() {
            format!("EXPLAIN EXECUTE {NAME}")
        } else {
            format!(
                "EXPLAIN EXECUTE {NAME}({})",
                vec!["NULL"; p.len()].join(", ")
            )
        };
        let rows = self.rows_once(&exec, &[])?;
        self.rows_once(&format!("DEALLOCATE {NAME}"), &[])?;
        self.rows_once("SET LOCAL enable_seqscan = on", &[])?;
        self.rows_once("SET LOCAL plan_cache_mode = auto", &[])?;
        rows.iter().map(|r| self.get(r, 0)).collect()
    }
}

impl Applications for PgTx<'_> {
    fn insert_application(&self, a: &NewApplication) -> Result<i64, StoreError> {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
        let issued = a.issued.as_ref();
        self.scalar(
            &format!("{} RETURNING id", pg(INSERT)),
            &[
                &a.app_no,
                &a.kind.code(),
                &a.doc_no,
                &a.name,
                &a.mobile,
                &a.licence_no,
                &a.classes,
                &a.licence_status,
                &day(a.valid_from),
                &a.valid_until.map(valid_until_text),
                &a.authority,
                &a.photo_blob,
                &a.photo_source.map(PhotoSource::code),
                &day(a.last_photo_change),
                &a.previous_photo_blob,
                &issued.map(|i| i.classes.as_str()),
                &issued.map(|i| valid_until_text(i.valid_until)),
                &issued.map(|i| i.authority.as_str()),
                &issued.map(|i| i.photo_source.code()),
                &a.photo_verdict,
                &a.photo_failed.join(","),
                &a.photo_summary,
                &time::format(a.submitted_at),
                &time::format(a.due_at),
                &a.due_day.to_string(),
                &a.created_by,
            ],
        )
    }

    fn application(&self, id: i64) -> Result<Option<ApplicationRecord>, StoreError> {
        self.opt(
            &format!("SELECT {RECORD_COLUMNS} {FROM} WHERE a.id = $1"),
            &[&id],
        )?
        .map(|r| self.application_record(&r))
        .transpose()
    }

    fn app_no_of(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.opt_scalar(&pg(APP_NO), &[&id])
    }

    fn link_registration(
        &self,
        application_id: i64,
        registration_id: i64,
    ) -> Result<(), StoreError> {
        self.exec(&pg(LINK_REGISTRATION), &[&application_id, &registration_id])
            .map(drop)
    }

    fn application_for_registration(
        &self,
        registration_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.opt_scalar(&pg(OF_REGISTRATION), &[&registration_id])
    }

    fn registration_for_application(&self, application_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .opt_scalar::<Option<i64>>(&pg(REGISTRATION_OF), &[&application_id])?
            .flatten())
    }

    fn queue_page(&self, q: &PageQuery, clock: &QueueClock) -> Result<Vec<QueueRow>, StoreError> {
        let (sql, b) = page_sql(q, clock);
        self.rows(&sql, &b.refs())?
            .iter()
            .map(|r| queue_row(self.row(r)))
            .collect()
    }

    fn queue_counts(&self, clock: &QueueClock) -> Result<QueueCounts, StoreError> {
        let today = clock.today.to_string();
        let tallies = self
            .rows(COUNTS_SQL, &[&today])?
            .iter()
            .map(|r| -> Result<Tally, StoreError> {
                let r = self.row(r);
                Ok((r.text(0)?, r.text(1)?, r.int(2)?, r.int(3)?, r.int(4)?))
            })
            .collect::<Result<_, _>>()?;
        let r = self.one(CLAIM_COUNT_SQL, &[&time::format(clock.now), &clock.clerk])?;
        Ok(fold_counts(tallies, self.get(&r, 0)?, self.get(&r, 1)?))
    }

    fn max_application_id(&self) -> Result<i64, StoreError> {
        self.scalar(MAX_ID, &[])
    }

    fn explain_queue(&self, clock: &QueueClock) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let mut out = Vec::new();
        let queries = explained_pages(clock);
        for (name, q) in queries {
            let (sql, b) = page_sql(&q, clock);
            out.push((name, self.explain(&sql, &b.refs())?));
        }
        let now = time::format(clock.now);
        out.push((
            "claims count".into(),
            self.explain(CLAIM_COUNT_SQL, &[&now, &clock.clerk])?,
        ));
        let none: Option<&str> = None;
        out.push((
            "claim next".into(),
            self.explain(
                super::claims::CLAIM_NEXT_SQL,
                &[&clock.clerk, &now, &now, &none],
            )?,
        ));
        out.push((
            "release claims of a clerk".into(),
            self.explain(super::claims::RELEASE_MINE_SQL, &[&clock.clerk, &now])?,
        ));
        out.push((
            "application of a registration".into(),
            self.explain(&pg(OF_REGISTRATION), &[&1i64])?,
        ));
        Ok(out)
    }
}
