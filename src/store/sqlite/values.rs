//! `check-db`'s value check: every row of the tables a clerk reads is decoded
//! by the same decoders the app uses, so a corrupt status, code or date is
//! found (and named) before a clerk meets it.

use rusqlite::{Connection, Row};

use crate::store::sql::values::checks;
use crate::store::sql::{applications, clerks, decisions, registrations};

/// The first row whose values the decoders refuse, as their error.
pub fn check_values(conn: &Connection) -> rusqlite::Result<()> {
    let sql = checks();
    scan(conn, &sql.clerks, |r| clerks::record(r))?;
    scan(conn, &sql.applications, |r| applications::record(r))?;
    scan(conn, &sql.registrations, |r| registrations::record(r))?;
    scan(conn, &sql.decisions, |r| decisions::record(r))?;
    scan(conn, &sql.outbox, |r| decisions::outbox_row(r))
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
