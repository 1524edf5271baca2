//! `applications` + `queue_counts`: the review queue's records, its pages,
//! searches and per-filter counts, each answered from an index.
//!
//! `queue_counts` is a tally kept by a SECURITY DEFINER trigger in one slot
//! per connection (migration 10); the counts below sum the slots.

use ::postgres::Row;
use ::postgres::types::ToSql;

use super::PgTx;
use crate::domain::documents::licence::valid_until_text;
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::{
    AppKind, KindCounts, PageCursor, PhotoSource, QueueCounts, Scope, Status,
};
use crate::store::StoreError;
use crate::store::queue::{
    ApplicationRecord, Applications, MAX_PAGE, NewApplication, PageQuery, QueueClock, QueueRow,
    SearchKey,
};
use crate::store::sqlite::time;

pub(super) const RECORD_COLUMNS: &str = "a.id, a.status, a.app_no, a.kind, a.doc_no, a.name, a.mobile, \
    a.licence_no, a.classes, a.licence_status, a.valid_from, a.valid_until, a.authority, \
    a.photo_blob, a.photo_source, a.last_photo_change, a.previous_photo_blob, \
    a.issued_classes, a.issued_valid_until, a.issued_authority, a.issued_photo_source, \
    a.photo_verdict, a.photo_failed, a.photo_summary, a.submitted_at, a.due_at, a.due_day, \
    a.created_by, a.claimed_by, c.display_name, a.lease_until, a.claim_seq";

const ROW_COLUMNS: &str = "a.id, a.app_no, a.kind, a.status, a.name, a.doc_no, a.licence_status, \
    a.photo_verdict, a.submitted_at, a.due_at, a.claimed_by, c.display_name, a.lease_until";

pub(super) const FROM: &str = "FROM applications a LEFT JOIN clerks c ON c.id = a.claimed_by";

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
        let c = self.cols(r, "applications", 0)?;
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
                photo_failed: c.list(22)?,
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

    fn queue_row(&self, r: &Row) -> Result<QueueRow, StoreError> {
        let c = self.cols(r, "applications", 0)?;
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
            "INSERT INTO applications (app_no, kind, doc_no, name, mobile, licence_no, \
                 classes, licence_status, valid_from, valid_until, authority, photo_blob, \
                 photo_source, last_photo_change, previous_photo_blob, issued_classes, \
                 issued_valid_until, issued_authority, issued_photo_source, photo_verdict, \
                 photo_failed, photo_summary, submitted_at, due_at, due_day, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $18, $19, $20, $21, $22, $23, $24, $25, $26) RETURNING id",
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
        self.opt_scalar("SELECT app_no FROM applications WHERE id = $1", &[&id])
    }

    fn link_registration(
        &self,
        application_id: i64,
        registration_id: i64,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE applications SET registration_id = $2 WHERE id = $1",
            &[&application_id, &registration_id],
        )
        .map(drop)
    }

    fn application_for_registration(
        &self,
        registration_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.opt_scalar(
            "SELECT id FROM applications WHERE registration_id = $1",
            &[&registration_id],
        )
    }

    fn registration_for_application(&self, application_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .opt_scalar::<Option<i64>>(
                "SELECT registration_id FROM applications WHERE id = $1",
                &[&application_id],
            )?
            .flatten())
    }

    fn queue_page(&self, q: &PageQuery, clock: &QueueClock) -> Result<Vec<QueueRow>, StoreError> {
        let (sql, b) = page_sql(q, clock);
        self.rows(&sql, &b.refs())?
            .iter()
            .map(|r| self.queue_row(r))
            .collect()
    }

    fn queue_counts(&self, clock: &QueueClock) -> Result<QueueCounts, StoreError> {
        let today = clock.today.to_string();
        let mut out = QueueCounts {
            per_kind: AppKind::ALL
                .into_iter()
                .map(|k| (k, KindCounts::default()))
                .collect(),
            ..QueueCounts::default()
        };
        for r in self.rows(COUNTS_SQL, &[&today])? {
            let (kind, status): (String, String) = (self.get(&r, 0)?, self.get(&r, 1)?);
            let (n, due_today, overdue): (i64, i64, i64) =
                (self.get(&r, 2)?, self.get(&r, 3)?, self.get(&r, 4)?);
            // A kind or state no version writes: the CHECKs make it
            // impossible, and SQLite's counts skip it the same way.
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
        let r = self.one(CLAIM_COUNT_SQL, &[&time::format(clock.now), &clock.clerk])?;
        out.in_review = self.get(&r, 0)?;
        out.mine = self.get(&r, 1)?;
        Ok(out)
    }

    fn max_application_id(&self) -> Result<i64, StoreError> {
        self.scalar("SELECT coalesce(max(id), 0) FROM applications", &[])
    }

    fn explain_queue(&self, clock: &QueueClock) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let mut out = Vec::new();
        let cursor = Some(PageCursor {
            due_at: clock.now,
            id: 1,
        });
        let mut queries: Vec<(String, PageQuery)> = Vec::new();
        for scope in Scope::ALL {
            for kind in [None, Some(AppKind::New)] {
                for after in [None, cursor] {
                    queries.push((
                        format!("{scope:?} kind={kind:?} after={}", after.is_some()),
                        PageQuery {
                            scope,
                            kind,
                            search: None,
                            after,
                            offset: 0,
                            limit: 50,
                        },
                    ));
                }
            }
        }
        for search in [
            SearchKey::AppNo("SL202611230000001".into()),
            SearchKey::DocNo("110101199003070011".into()),
            SearchKey::NamePrefix("王".into()),
        ] {
            queries.push((
                format!("search {search:?}"),
                PageQuery {
                    scope: Scope::Open,
                    kind: None,
                    search: Some(search),
                    after: None,
                    offset: 0,
                    limit: 50,
                },
            ));
        }
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
            self.explain(
                "SELECT id FROM applications WHERE registration_id = $1",
                &[&1i64],
            )?,
        ));
        Ok(out)
    }
}
