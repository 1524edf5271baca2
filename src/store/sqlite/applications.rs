//! `applications` + `queue_counts`: the review queue's records, its pages,
//! searches and per-filter counts. Every query here is answered from an index
//! (see tests/queue_store.rs, which checks the plans).

use super::SqliteTx;
use super::error::StoreResult;
use crate::domain::documents::licence::valid_until_text;
use crate::domain::review::{PageCursor, PhotoSource, QueueCounts, Scope};
use crate::store::queue::{
    ApplicationRecord, Applications, MAX_PAGE, NewApplication, PageQuery, QueueClock, QueueRow,
    SearchKey,
};
use crate::store::sql::applications::{
    APP_NO, FROM, INSERT, LINK_REGISTRATION, MAX_ID, OF_REGISTRATION, RECORD_COLUMNS,
    REGISTRATION_OF, ROW_COLUMNS, Tally, explained_pages, fold_counts, queue_row, record,
};
use crate::store::time;
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A licence's end date: `YYYY-MM-DD`, or 长期 for a long-term licence.
fn until(d: Option<NaiveDate>) -> Option<String> {
    d.map(valid_until_text)
}

/// The page statement for `q`: its SQL and parameters. Public inside the
/// crate so the plan test can `EXPLAIN` exactly what runs.
pub fn page_sql(q: &PageQuery, clock: &QueueClock) -> (String, Vec<Value>) {
    let mut w: Vec<&str> = Vec::new();
    let mut p: Vec<Value> = Vec::new();
    let now = Value::Text(time::format(clock.now));
    let mut order = "a.due_at, a.id";
    if let Some(s) = &q.search {
        match s {
            SearchKey::AppNo(n) => {
                w.push("a.app_no = ?");
                p.push(Value::Text(n.clone()));
            }
            SearchKey::DocNo(n) => {
                w.push("a.doc_no = ?");
                p.push(Value::Text(n.clone()));
            }
            SearchKey::NamePrefix(n) => {
                // A range on the name index: every string starting with n sorts
                // between n and n + U+10FFFF.
                w.push("a.name >= ? AND a.name < ?");
                p.push(Value::Text(n.clone()));
                p.push(Value::Text(format!("{n}\u{10FFFF}")));
                order = "a.name, a.id";
            }
        }
        if let Some(k) = q.kind {
            w.push("+a.kind = ?");
            p.push(Value::Text(k.code().to_owned()));
        }
    } else {
        // Status literals (not parameters) so the planner can match them to
        // the indexes; the unary + keeps it off the status index for claims.
        match q.scope {
            Scope::Open => w.push("a.status = 'pending'"),
            Scope::Approved => w.push("a.status = 'approved'"),
            Scope::Returned => w.push("a.status = 'returned'"),
            Scope::DueToday => {
                w.push("a.status = 'pending' AND a.due_at >= ? AND a.due_at < ?");
                p.push(Value::Text(time::format(clock.today_start)));
                p.push(Value::Text(time::format(clock.tomorrow_start)));
            }
            Scope::Overdue => {
                w.push("a.status = 'pending' AND a.due_at < ?");
                p.push(Value::Text(time::format(clock.today_start)));
            }
            // Running leases: a range on the small partial lease index.
            Scope::InReview => {
                w.push("a.lease_until > ? AND a.claimed_by IS NOT NULL AND +a.status = 'pending'");
                p.push(now.clone());
            }
            Scope::Mine => {
                w.push("a.lease_until > ? AND a.claimed_by = ? AND +a.status = 'pending'");
                p.push(now.clone());
                p.push(Value::Integer(clock.clerk));
            }
        }
        if let Some(k) = q.kind {
            w.push(if matches!(q.scope, Scope::InReview | Scope::Mine) {
                "+a.kind = ?"
            } else {
                "a.kind = ?"
            });
            p.push(Value::Text(k.code().to_owned()));
        }
        if let Some(c) = q.after {
            return keyset_sql(&w, p, c, q);
        }
    }
    p.push(Value::Integer(i64::from(q.limit.clamp(1, MAX_PAGE))));
    p.push(Value::Integer(i64::from(q.offset)));
    let sql = format!(
        "SELECT {ROW_COLUMNS} {FROM} WHERE {} ORDER BY {order} LIMIT ? OFFSET ?",
        w.join(" AND ")
    );
    (sql, p)
}

/// The page after a cursor, as two index seeks: the rest of the cursor's due
/// time (`due_at = ? AND id > ?`, a range on the rowid inside the index), then
/// later due times. Due times are the end of a day, so one due time holds a
/// whole day of applications: the row-value form `(due_at, id) > (?, ?)`
/// walked that whole day (20 ms at a million) to find its place.
fn keyset_sql(w: &[&str], base: Vec<Value>, c: PageCursor, q: &PageQuery) -> (String, Vec<Value>) {
    let take = i64::from(q.limit.clamp(1, MAX_PAGE)) + i64::from(q.offset);
    let due = Value::Text(time::format(c.due_at));
    let mut p = base.clone();
    p.push(due.clone());
    p.push(Value::Integer(c.id));
    p.push(Value::Integer(take));
    p.extend(base);
    p.push(due);
    p.push(Value::Integer(take));
    p.push(Value::Integer(i64::from(q.limit.clamp(1, MAX_PAGE))));
    p.push(Value::Integer(i64::from(q.offset)));
    let w = w.join(" AND ");
    let sql = format!(
        "SELECT * FROM ( \
           SELECT * FROM (SELECT {ROW_COLUMNS} {FROM} WHERE {w} AND a.due_at = ? AND a.id > ? \
             ORDER BY a.id LIMIT ?) \
           UNION ALL \
           SELECT * FROM (SELECT {ROW_COLUMNS} {FROM} WHERE {w} AND a.due_at > ? \
             ORDER BY a.due_at, a.id LIMIT ?) \
         ) ORDER BY due_at, id LIMIT ? OFFSET ?"
    );
    (sql, p)
}

/// SQL of the counts that are not in `queue_counts` (they depend on leases).
pub(crate) const CLAIM_COUNT_SQL: &str = "SELECT COUNT(*), COALESCE(SUM(a.claimed_by = ?2), 0) \
     FROM applications a INDEXED BY applications_leases \
     WHERE a.lease_until > ?1 AND a.claimed_by IS NOT NULL";

impl Applications for SqliteTx<'_> {
    fn insert_application(&self, a: &NewApplication) -> StoreResult<i64> {
        let failed = a.photo_failed.join(",");
        let issued = a.issued.as_ref();
        self.q(|c| {
            c.prepare_cached(INSERT)?.execute(params![
                a.app_no,
                a.kind.code(),
                a.doc_no,
                a.name,
                a.mobile,
                a.licence_no,
                a.classes,
                a.licence_status,
                day(a.valid_from),
                until(a.valid_until),
                a.authority,
                a.photo_blob,
                a.photo_source.map(PhotoSource::code),
                day(a.last_photo_change),
                a.previous_photo_blob,
                issued.map(|i| i.classes.as_str()),
                issued.map(|i| valid_until_text(i.valid_until)),
                issued.map(|i| i.authority.as_str()),
                issued.map(|i| i.photo_source.code()),
                a.photo_verdict,
                failed,
                a.photo_summary,
                time::format(a.submitted_at),
                time::format(a.due_at),
                a.due_day.to_string(),
                a.created_by,
            ])?;
            Ok(c.last_insert_rowid())
        })
    }

    fn application(&self, id: i64) -> StoreResult<Option<ApplicationRecord>> {
        self.q(|c| {
            c.prepare_cached(&format!("SELECT {RECORD_COLUMNS} {FROM} WHERE a.id = ?1"))?
                .query_row([id], |r| record(r))
                .optional()
        })
    }

    fn app_no_of(&self, id: i64) -> StoreResult<Option<String>> {
        self.q(|c| {
            c.prepare_cached(APP_NO)?
                .query_row([id], |r| r.get(0))
                .optional()
        })
    }

    fn link_registration(&self, application_id: i64, registration_id: i64) -> StoreResult<()> {
        self.q(|c| {
            c.prepare_cached(LINK_REGISTRATION)?
                .execute(params![application_id, registration_id])
                .map(drop)
        })
    }

    fn application_for_registration(&self, registration_id: i64) -> StoreResult<Option<i64>> {
        self.q(|c| {
            c.prepare_cached(OF_REGISTRATION)?
                .query_row([registration_id], |r| r.get(0))
                .optional()
        })
    }

    fn registration_for_application(&self, application_id: i64) -> StoreResult<Option<i64>> {
        self.q(|c| {
            c.prepare_cached(REGISTRATION_OF)?
                .query_row([application_id], |r| r.get::<_, Option<i64>>(0))
                .optional()
                .map(Option::flatten)
        })
    }

    fn queue_page(&self, q: &PageQuery, clock: &QueueClock) -> StoreResult<Vec<QueueRow>> {
        let (sql, p) = page_sql(q, clock);
        self.q(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(p), |r| queue_row(r))?;
            rows.collect()
        })
    }

    fn queue_counts(&self, clock: &QueueClock) -> StoreResult<QueueCounts> {
        let today = clock.today.to_string();
        let rows: Vec<Tally> = self.q(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT kind, status, SUM(n), \
                 SUM(CASE WHEN due_day = ?1 THEN n ELSE 0 END), \
                 SUM(CASE WHEN due_day < ?1 THEN n ELSE 0 END) \
                 FROM queue_counts GROUP BY kind, status",
            )?;
            let rows = stmt.query_map([&today], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect()
        })?;
        let (in_review, mine) = self.q(|c| {
            c.prepare_cached(CLAIM_COUNT_SQL)?
                .query_row(params![time::format(clock.now), clock.clerk], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
        })?;
        Ok(fold_counts(rows, in_review, mine))
    }

    fn max_application_id(&self) -> StoreResult<i64> {
        self.q(|c| c.query_row(MAX_ID, [], |r| r.get(0)))
    }

    fn explain_queue(&self, clock: &QueueClock) -> StoreResult<Vec<(String, Vec<String>)>> {
        let mut queries: Vec<(String, String, Vec<Value>)> = explained_pages(clock)
            .into_iter()
            .map(|(name, q)| {
                let (sql, p) = page_sql(&q, clock);
                (name, sql, p)
            })
            .collect();
        queries.push((
            "claims count".into(),
            CLAIM_COUNT_SQL.into(),
            vec![
                Value::Text(time::format(clock.now)),
                Value::Integer(clock.clerk),
            ],
        ));
        queries.push((
            "claim next".into(),
            super::claims::CLAIM_NEXT_SQL.into(),
            vec![
                Value::Integer(clock.clerk),
                Value::Text(time::format(clock.now)),
                Value::Text(time::format(clock.now)),
                Value::Null,
            ],
        ));
        queries.push((
            "release claims of a clerk".into(),
            super::claims::RELEASE_MINE_SQL.into(),
            vec![
                Value::Integer(clock.clerk),
                Value::Text(time::format(clock.now)),
            ],
        ));
        queries.push((
            "application of a registration".into(),
            OF_REGISTRATION.into(),
            vec![Value::Integer(1)],
        ));
        let mut out = Vec::new();
        for (name, sql, p) in queries {
            let lines = self.q(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let rows = stmt.query_map(params_from_iter(p), |r| r.get::<_, String>(3))?;
                rows.collect::<rusqlite::Result<Vec<String>>>()
            })?;
            out.push((name, lines));
        }
        Ok(out)
    }
}
