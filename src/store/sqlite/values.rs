//! `check-db`'s value check: every row of the tables a clerk reads is decoded
//! by the same decoders the app uses, so a corrupt status, code or date is
//! found (and named) before a clerk meets it.

use rusqlite::{Connection, Row};

use super::{applications, clerks, decisions, outbox, registrations};

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
            applications::RECORD_COLUMNS
        ),
        applications::record_from_row,
    )?;
    scan(
        conn,
        &format!("SELECT {} {}", registrations::COLUMNS, registrations::FROM),
        registrations::record,
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
    decode: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        decode(r)?;
    }
    Ok(())
}
