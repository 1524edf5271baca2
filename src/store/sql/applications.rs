//! `applications` + `queue_counts`: the columns, the shared statements, the
//! one decoder of each record shape, and the queue counts folded from the
//! tally rows either backend sums.

use super::row::{Cols, RowGet};
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::{
    AppKind, KindCounts, PageCursor, PhotoSource, QueueCounts, Scope, Status,
};
use crate::store::queue::{
    ApplicationRecord, NewApplication, PageQuery, QueueClock, QueueRow, SearchKey,
};

pub const RECORD_COLUMNS: &str = "a.id, a.status, a.app_no, a.kind, a.doc_no, a.name, a.mobile, \
    a.licence_no, a.classes, a.licence_status, a.valid_from, a.valid_until, a.authority, \
    a.photo_blob, a.photo_source, a.last_photo_change, a.previous_photo_blob, \
    a.issued_classes, a.issued_valid_until, a.issued_authority, a.issued_photo_source, \
    a.photo_verdict, a.photo_failed, a.photo_summary, a.submitted_at, a.due_at, a.due_day, \
    a.created_by, a.claimed_by, c.display_name, a.lease_until, a.claim_seq";

/// The columns of a queue page's row ([`queue_row`]).
pub const ROW_COLUMNS: &str = "a.id, a.app_no, a.kind, a.status, a.name, a.doc_no, a.licence_status, \
    a.photo_verdict, a.submitted_at, a.due_at, a.claimed_by, c.display_name, a.lease_until";

pub const FROM: &str = "FROM applications a LEFT JOIN clerks c ON c.id = a.claimed_by";

/// A new application; the id comes back per backend.
pub const INSERT: &str = "INSERT INTO applications (app_no, kind, doc_no, name, mobile, \
    licence_no, classes, licence_status, valid_from, valid_until, authority, photo_blob, \
    photo_source, last_photo_change, previous_photo_blob, issued_classes, issued_valid_until, \
    issued_authority, issued_photo_source, photo_verdict, photo_failed, photo_summary, \
    submitted_at, due_at, due_day, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
    ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)";

pub const APP_NO: &str = "SELECT app_no FROM applications WHERE id = ?1";
pub const LINK_REGISTRATION: &str = "UPDATE applications SET registration_id = ?2 WHERE id = ?1";
pub const OF_REGISTRATION: &str = "SELECT id FROM applications WHERE registration_id = ?1";
pub const REGISTRATION_OF: &str = "SELECT registration_id FROM applications WHERE id = ?1";
pub const MAX_ID: &str = "SELECT coalesce(max(id), 0) FROM applications";

/// One row of [`RECORD_COLUMNS`] [`FROM`].
pub fn record<R: RowGet>(r: R) -> Result<ApplicationRecord, R::Error> {
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

/// One row of [`ROW_COLUMNS`].
pub fn queue_row<R: RowGet>(r: R) -> Result<QueueRow, R::Error> {
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

/// One tally row: kind, status, count, due today, overdue.
pub type Tally = (String, String, i64, i64, i64);

/// The queue counts from the tally rows and the lease counts. A kind or
/// state no version writes (the CHECKs make it impossible) is skipped.
pub fn fold_counts(tallies: Vec<Tally>, in_review: i64, mine: i64) -> QueueCounts {
    let mut out = QueueCounts {
        per_kind: AppKind::ALL
            .into_iter()
            .map(|k| (k, KindCounts::default()))
            .collect(),
        ..QueueCounts::default()
    };
    for (kind, status, n, due_today, overdue) in tallies {
        let (Some(kind), Some(status)) = (AppKind::from_code(&kind), Status::from_code(&status))
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
    out.in_review = in_review;
    out.mine = mine;
    out
}

/// The pages whose plans `explain_queue` shows: every scope with and
/// without a kind and a cursor, and each kind of search.
pub fn explained_pages(clock: &QueueClock) -> Vec<(String, PageQuery)> {
    let cursor = Some(PageCursor {
        due_at: clock.now,
        id: 1,
    });
    let page = |scope, kind, search, after| PageQuery {
        scope,
        kind,
        search,
        after,
        offset: 0,
        limit: 50,
    };
    let mut out = Vec::new();
    for scope in Scope::ALL {
        for kind in [None, Some(AppKind::New)] {
            for after in [None, cursor] {
                let name = format!("{scope:?} kind={kind:?} after={}", after.is_some());
                out.push((name, page(scope, kind, None, after)));
            }
        }
    }
    for search in [
        SearchKey::AppNo("SL202611230000001".into()),
        SearchKey::DocNo("110101199003070011".into()),
        SearchKey::NamePrefix("王".into()),
    ] {
        let name = format!("search {search:?}");
        out.push((name, page(Scope::Open, None, Some(search), None)));
    }
    out
}
