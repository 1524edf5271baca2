//! `check-db`'s value check: every row of the tables a clerk reads is decoded
//! by the same decoders the app uses, so a corrupt status, code or date is
//! found (and named) before a clerk meets it.

use rusqlite::{Connection, Row};

use super::{clerks, decisions, outbox};
use crate::store::sql::applications as sql_applications;
use crate::store::sql::registrations as sql_registrations;

/// The first row whose values the decoders refuse, as their error.
pub fn check_values(conn: &Connection) -> rusqlite::Result<()> {
    scan(
        conn,
        &format!("SELECT {} FROM clerks", clerks::COLUMNS),
        clerks::from_row,
    )?;
    scan(
        conn,
        &format!(
            "SELECT {} FROM applications a LEFT JOIN clerks c ON c.id = a.claimed_by",
            sql_applications::RECORD_COLUMNS
        ),
        |r| sql_applications::record(r),
    )?;
    scan(
        conn,
        &format!(
            "SELECT {} {}",
            sql_registrations::COLUMNS,
            sql_registrations::FROM
        ),
        |r| sql_registrations::record(r),
    )?;
    scan(
        conn,
        &format!(
            "SELECT {} {}",
            decisions::DECISION_COLUMNS,
            decisions::DECISION_FROM
        ),
        decisions::decision_row,
    )?;
    scan(
        conn,
        &format!("SELECT {} FROM outbox", outbox::OUTBOX_COLUMNS),
        outbox::outbox_row,
    )
}

fn scan<T>(
    conn: &Connection,
    sql: &str,
    decode: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        decode(r)?;
    }
    Ok(())
}
