//! `applications` + `queue_counts`: the review queue's records, its pages,
//! searches and per-filter counts. Every query here is answered from an index
//! (see tests/queue_store.rs, which checks the plans).

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use super::time;
use crate::domain::documents::licence::valid_until_text;
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::{
    AppKind, KindCounts, PageCursor, PhotoSource, QueueCounts, Scope, Status,
};
use crate::store::queue::{
    ApplicationRecord, Applications, MAX_PAGE, NewApplication, PageQuery, QueueClock, QueueRow,
    SearchKey,
};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A licence's end date: `YYYY-MM-DD`, or 长期 for a long-term licence.
fn until(d: Option<NaiveDate>) -> Option<String> {
    d.map(valid_until_text)
}

pub(super) const RECORD_COLUMNS: &str = "a.id, a.status, a.app_no, a.kind, a.doc_no, a.name, a.mobile, \
    a.licence_no, a.classes, a.licence_status, a.valid_from, a.valid_until, a.authority, \
    a.photo_blob, a.photo_source, a.last_photo_change, a.previous_photo_blob, \
    a.issued_classes, a.issued_valid_until, a.issued_authority, a.issued_photo_source, \
    a.photo_verdict, a.photo_failed, a.photo_summary, a.submitted_at, a.due_at, a.due_day, \
    a.created_by, a.claimed_by, c.display_name, a.lease_until, a.claim_seq";

pub(super) fn record_from_row(r: &Row<'_>) -> rusqlite::Result<ApplicationRecord> {
    let c = Cols::new(r, "applications", 0)?;
    let issued_classes: Option<String> = c.get(17)?;
    let issued_until = c.opt_until(18, "issued_valid_until")?;
    let issued_authority: Option<String> = c.get(19)?;
    let issued_source = c.opt_code(20, "issued_photo_source", PhotoSource::from_code)?;
    let issued = match (
        issued_classes,
        issued_until,
        issued_authority,
        issued_source,
    ) {
        (Some(classes), Some(valid_until), Some(authority), Some(photo_source)) => {
            Some(IssuedELicence {
                classes,
                valid_until,
                authority,
                photo_source,
            })
        }
        _ => None,
    };
    let failed: String = c.get(22)?;
    Ok(ApplicationRecord {
        id: c.id(),
        status: c.code(1, "status", Status::from_code)?,
        data: NewApplication {
            app_no: c.get(2)?,
            kind: c.code(3, "kind", AppKind::from_code)?,
            doc_no: c.get(4)?,
            name: c.get(5)?,
            mobile: c.get(6)?,
            licence_no: c.get(7)?,
            classes: c.get(8)?,
            licence_status: c.get(9)?,
            valid_from: c.opt_day(10, "valid_from")?,
            valid_until: c.opt_until(11, "valid_until")?,
            authority: c.get(12)?,
            photo_blob: c.get(13)?,
            photo_source: c.opt_code(14, "photo_source", PhotoSource::from_code)?,
            last_photo_change: c.opt_day(15, "last_photo_change")?,
            previous_photo_blob: c.get(16)?,
            issued,
            photo_verdict: c.get(21)?,
            photo_failed: failed
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            photo_summary: c.get(23)?,
            submitted_at: c.time(24, "submitted_at")?,
            due_at: c.time(25, "due_at")?,
            due_day: c.day(26, "due_day")?,
            created_by: c.get(27)?,
        },
        claimed_by: c.get(28)?,
        claimed_by_name: c.get(29)?,
        lease_until: c.opt_time(30, "lease_until")?,
        claim_seq: c.get(31)?,
    })
}

const ROW_COLUMNS: &str = "a.id, a.app_no, a.kind, a.status, a.name, a.doc_no, a.licence_status, \
    a.photo_verdict, a.submitted_at, a.due_at, a.claimed_by, c.display_name, a.lease_until";

fn queue_row(r: &Row<'_>) -> rusqlite::Result<QueueRow> {
    let c = Cols::new(r, "applications", 0)?;
    Ok(QueueRow {
        id: c.id(),
        app_no: c.get(1)?,
        kind: c.code(2, "kind", AppKind::from_code)?,
        status: c.code(3, "status", Status::from_code)?,
        name: c.get(4)?,
        doc_no: c.get(5)?,
        licence_status: c.get(6)?,
        photo_verdict: c.get(7)?,
        submitted_at: c.time(8, "submitted_at")?,
        due_at: c.time(9, "due_at")?,
        claimed_by: c.get(10)?,
        claimed_by_name: c.get(11)?,
        lease_until: c.opt_time(12, "lease_until")?,
    })
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
        "SELECT {ROW_COLUMNS} FROM applications a LEFT JOIN clerks c ON c.id = a.claimed_by \
         WHERE {} ORDER BY {order} LIMIT ? OFFSET ?",
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
    let from = "FROM applications a LEFT JOIN clerks c ON c.id = a.claimed_by";
    let sql = format!(
        "SELECT * FROM ( \
           SELECT * FROM (SELECT {ROW_COLUMNS} {from} WHERE {w} AND a.due_at = ? AND a.id > ? \
             ORDER BY a.id LIMIT ?) \
           UNION ALL \
           SELECT * FROM (SELECT {ROW_COLUMNS} {from} WHERE {w} AND a.due_at > ? \
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
            c.prepare_cached(
                "INSERT INTO applications (app_no, kind, doc_no, name, mobile, licence_no, classes, \
                 licence_status, valid_from, valid_until, authority, photo_blob, photo_source, \
                 last_photo_change, previous_photo_blob, issued_classes, issued_valid_until, \
                 issued_authority, issued_photo_source, photo_verdict, photo_failed, photo_summary, \
                 submitted_at, due_at, due_day, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, \
                 ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
            )?
            .execute(params![
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
            c.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM applications a \
                 LEFT JOIN clerks c ON c.id = a.claimed_by WHERE a.id = ?1"
            ))?
            .query_row([id], record_from_row)
            .optional()
        })
    }

    fn app_no_of(&self, id: i64) -> StoreResult<Option<String>> {
        self.q(|c| {
            c.prepare_cached("SELECT app_no FROM applications WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()
        })
    }

    fn link_registration(&self, application_id: i64, registration_id: i64) -> StoreResult<()> {
        self.q(|c| {
            c.prepare_cached("UPDATE applications SET registration_id = ?2 WHERE id = ?1")?
                .execute(params![application_id, registration_id])
                .map(drop)
        })
    }

    fn application_for_registration(&self, registration_id: i64) -> StoreResult<Option<i64>> {
        self.q(|c| {
            c.prepare_cached("SELECT id FROM applications WHERE registration_id = ?1")?
                .query_row([registration_id], |r| r.get(0))
                .optional()
        })
    }

    fn registration_for_application(&self, application_id: i64) -> StoreResult<Option<i64>> {
        self.q(|c| {
            c.prepare_cached("SELECT registration_id FROM applications WHERE id = ?1")?
                .query_row([application_id], |r| r.get::<_, Option<i64>>(0))
                .optional()
                .map(Option::flatten)
        })
    }

    fn queue_page(&self, q: &PageQuery, clock: &QueueClock) -> StoreResult<Vec<QueueRow>> {
        let (sql, p) = page_sql(q, clock);
        self.q(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(p), queue_row)?;
            rows.collect()
        })
    }

    fn queue_counts(&self, clock: &QueueClock) -> StoreResult<QueueCounts> {
        let today = clock.today.to_string();
        let rows: Vec<(String, String, i64, i64, i64)> = self.q(|c| {
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
        let mut out = QueueCounts {
            per_kind: AppKind::ALL
                .into_iter()
                .map(|k| (k, KindCounts::default()))
                .collect(),
            ..QueueCounts::default()
        };
        for (kind, status, n, due_today, overdue) in rows {
            let (Some(kind), Some(status)) =
                (AppKind::from_code(&kind), Status::from_code(&status))
            else {
                continue;
            };
            let Some((_, k)) = out.per_kind.iter_mut().find(|(x, _)| *x == kind) else {
                continue;
            };
            match status {
                Status::Pending => {
                    k.open += n;
                    k.due_today += due_today;
                    k.overdue += overdue;
                }
                Status::Approved => k.approved += n,
                Status::Returned => k.returned += n,
            }
        }
        let mut total = KindCounts::default();
        for (_, k) in &out.per_kind {
            total.add(k);
        }
        out.total = total;
        let (in_review, mine) = self.q(|c| {
            c.prepare_cached(CLAIM_COUNT_SQL)?
                .query_row(params![time::format(clock.now), clock.clerk], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
        })?;
        out.in_review = in_review;
        out.mine = mine;
        Ok(out)
    }

    fn max_application_id(&self) -> StoreResult<i64> {
        self.q(|c| {
            c.query_row("SELECT COALESCE(MAX(id), 0) FROM applications", [], |r| {
                r.get(0)
            })
        })
    }

    fn explain_queue(&self, clock: &QueueClock) -> StoreResult<Vec<(String, Vec<String>)>> {
        let mut queries: Vec<(String, String, Vec<Value>)> = Vec::new();
        let cursor = Some(PageCursor {
            due_at: clock.now,
            id: 1,
        });
        for scope in Scope::ALL {
            for kind in [None, Some(AppKind::New)] {
                for after in [None, cursor] {
                    let q = PageQuery {
                        scope,
                        kind,
                        search: None,
                        after,
                        offset: 0,
                        limit: 50,
                    };
                    let (sql, p) = page_sql(&q, clock);
                    queries.push((
                        format!("{scope:?} kind={kind:?} after={}", after.is_some()),
                        sql,
                        p,
                    ));
                }
            }
        }
        for search in [
            SearchKey::AppNo("SL202611230000001".into()),
            SearchKey::DocNo("110101199003070011".into()),
            SearchKey::NamePrefix("王".into()),
        ] {
            let q = PageQuery {
                scope: Scope::Open,
                kind: None,
                search: Some(search.clone()),
                after: None,
                offset: 0,
                limit: 50,
            };
            let (sql, p) = page_sql(&q, clock);
            queries.push((format!("search {search:?}"), sql, p));
        }
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
            "SELECT id FROM applications WHERE registration_id = ?1".into(),
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
