//! What both backends share below the seam: the row-decoding path, the
//! decoders of the records both read, and SQL text written once with
//! SQLite's numbered parameters (`?1`), which [`pg`] turns into the office
//! server's (`$1`). Each backend keeps its own execution code; SQL that
//! truly differs per backend stays in the backend.

pub mod applications;
pub mod attachments;
pub mod audit;
pub mod claims;
pub mod clerks;
pub mod dashboard;
pub mod decisions;
pub mod registrations;
pub mod row;
pub mod settings;
pub mod values;

use std::borrow::Cow;

/// `sql` with `?N` parameters written as PostgreSQL's `$N`. A `?` inside a
/// quoted literal or identifier, or not followed by a digit, is left alone.
pub fn pg(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(ch),
            (None, '?') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(ch);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::pg;

    #[test]
    fn numbered_parameters_become_dollars() {
        assert_eq!(
            pg("UPDATE t SET a = ?2, b = ?10 WHERE id = ?1"),
            "UPDATE t SET a = $2, b = $10 WHERE id = $1"
        );
    }

    #[test]
    fn literals_and_bare_marks_stay() {
        assert_eq!(
            pg("SELECT '?1', \"a?2\" FROM t WHERE x = ?1 AND y <> '?'"),
            "SELECT '?1', \"a?2\" FROM t WHERE x = $1 AND y <> '?'"
        );
        assert_eq!(pg("SELECT 1"), "SELECT 1");
    }
}
