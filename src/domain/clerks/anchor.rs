//! An audit anchor: the chain head (sequence number and hash) written into
//! something that leaves the PC — a receipt, an export manifest, an anchor
//! file. Whoever can write the database file can rewrite the chain whole;
//! they cannot rewrite the anchors already handed out, so a database must
//! still contain every anchor's prefix.

use std::fmt;

/// The token as it appears in any file: `CDANCHOR1 seq=N hash=<64 hex>`.
pub const TOKEN_PREFIX: &str = "CDANCHOR1 seq=";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Anchor {
    pub seq: i64,
    /// Lower-case hex SHA-256 of row `seq`.
    pub hash: String,
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{TOKEN_PREFIX}{} hash={}", self.seq, self.hash)
    }
}

impl Anchor {
    /// Every anchor token in `bytes` (a manifest, a receipt's metadata, a
    /// text file), in order of appearance, duplicates removed.
    pub fn find_all(bytes: &[u8]) -> Vec<Anchor> {
        let needle = TOKEN_PREFIX.as_bytes();
        let mut out: Vec<Anchor> = Vec::new();
        let mut i = 0;
        while i + needle.len() <= bytes.len() {
            if &bytes[i..i + needle.len()] != needle {
                i += 1;
                continue;
            }
            i += needle.len();
            if let Some((a, used)) = parse_rest(&bytes[i..]) {
                if !out.contains(&a) {
                    out.push(a);
                }
                i += used;
            }
        }
        out
    }
}

/// Whether the administrator should be reminded to take an anchor: none was
/// ever taken, or the last one's CST day is more than `working_days` working
/// days behind today (1: an anchor on Friday is due by the end of Monday).
pub fn anchor_overdue(
    last: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
    working_days: u32,
) -> bool {
    use crate::domain::documents::holidays::add_working_days;
    use crate::domain::review::queue::cst_date;
    match last {
        None => true,
        Some(t) => add_working_days(cst_date(t), working_days).value < cst_date(now),
    }
}

/// Whether the last backup is older than a day (or there is none).
pub fn backup_overdue(
    last: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    last.is_none_or(|t| now - t > chrono::Duration::days(1))
}

/// `N hash=<64 hex>` → the anchor and the bytes consumed.
fn parse_rest(b: &[u8]) -> Option<(Anchor, usize)> {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let seq: i64 = std::str::from_utf8(&b[..digits]).ok()?.parse().ok()?;
    let rest = b.get(digits..)?.strip_prefix(b" hash=")?;
    let hex = rest.get(..64)?;
    if !hex
        .iter()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
    {
        return None;
    }
    let hash = std::str::from_utf8(hex).ok()?.to_owned();
    (seq >= 1).then_some((Anchor { seq, hash }, digits + 6 + 64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_any_surrounding_bytes() {
        let a = Anchor {
            seq: 25,
            hash: "ab".repeat(32),
        };
        let b = Anchor {
            seq: 7,
            hash: "0f".repeat(32),
        };
        let text = format!("\u{0}xx{a}\n{{\"anchor\":\"{b}\"}} {a} CDANCHOR1 seq=x");
        assert_eq!(Anchor::find_all(text.as_bytes()), vec![a, b]);
    }

    #[test]
    fn reminders_count_working_days_and_hours() {
        use chrono::TimeZone;
        let at = |d: u32, h: u32| chrono::Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        // Friday 20 Nov 2026 (CST): one working day later is Monday 23rd.
        assert!(!anchor_overdue(Some(at(20, 2)), at(23, 10), 1));
        assert!(anchor_overdue(Some(at(20, 2)), at(24, 2), 1));
        assert!(!anchor_overdue(Some(at(20, 2)), at(24, 2), 2));
        assert!(anchor_overdue(None, at(20, 2), 1));
        assert!(!backup_overdue(Some(at(20, 2)), at(21, 1)));
        assert!(backup_overdue(Some(at(20, 2)), at(21, 3)));
        assert!(backup_overdue(None, at(21, 3)));
    }

    #[test]
    fn malformed_tokens_are_ignored() {
        for t in [
            "CDANCHOR1 seq=0 hash=".to_owned() + &"a".repeat(64),
            "CDANCHOR1 seq=3 hash=".to_owned() + &"A".repeat(64),
            "CDANCHOR1 seq=3 hash=".to_owned() + &"a".repeat(63),
            "CDANCHOR1 seq= hash=".to_owned() + &"a".repeat(64),
        ] {
            assert!(Anchor::find_all(t.as_bytes()).is_empty(), "{t}");
        }
    }
}
