//! Registration numbers `MQ-YYYYMMDD-NNNN`: the day in China Standard Time and
//! a sequence per office and day (one database is one office).

use std::fmt;

use chrono::NaiveDate;

pub const PREFIX: &str = "MQ";
pub const MAX_SEQ: u32 = 9999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationNo {
    pub day: NaiveDate,
    pub seq: u32,
}

impl RegistrationNo {
    /// Err when the day's four digits are used up.
    pub fn new(day: NaiveDate, seq: u32) -> Result<Self, String> {
        if seq == 0 || seq > MAX_SEQ {
            return Err(format!(
                "今日面签编号已用完（每日最多 {MAX_SEQ} 个）：请联系信息科。"
            ));
        }
        Ok(Self { day, seq })
    }

    /// Parses `MQ-20261123-0001` (case and width folded, dashes optional).
    pub fn parse(s: &str) -> Option<Self> {
        let n = crate::domain::documents::normalize::normalize(s);
        let rest = n.strip_prefix(PREFIX)?;
        if rest.len() != 12 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let day = NaiveDate::parse_from_str(&rest[..8], "%Y%m%d").ok()?;
        let seq: u32 = rest[8..].parse().ok()?;
        Self::new(day, seq).ok()
    }

    /// The key the day's counter is stored under.
    pub fn day_key(day: NaiveDate) -> String {
        day.format("%Y%m%d").to_string()
    }
}

impl fmt::Display for RegistrationNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}-{}-{:04}", self.day.format("%Y%m%d"), self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let n = RegistrationNo::new(d, 7).unwrap();
        assert_eq!(n.to_string(), "MQ-20261123-0007");
        assert_eq!(RegistrationNo::parse("mq-20261123-0007"), Some(n));
        assert_eq!(
            RegistrationNo::parse("ＭＱ２０２６１１２３０００７"),
            Some(n)
        );
        assert_eq!(RegistrationNo::parse("MQ-20261323-0007"), None);
        assert_eq!(RegistrationNo::parse("MQ-20261123-0000"), None);
        assert!(RegistrationNo::new(d, 10_000).is_err());
    }
}
