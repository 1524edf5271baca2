//! GB/T 2260 division codes 1980 → today, from the bundled table
//! (assets/regions/gb2260.tsv, built by tools/regions/build_regions.py).

use std::sync::OnceLock;

use serde::Serialize;

/// Earliest year in the table; a start of 1980 means "1980 or earlier".
pub const FIRST_YEAR: u16 = 1980;

static TABLE_TEXT: &str = include_str!("../../../assets/regions/gb2260.tsv");

/// Grouping rows that are not place names of their own.
const PLACEHOLDERS: [&str; 9] = [
    "市辖区",
    "县",
    "市区",
    "郊区",
    "矿区",
    "省直辖县级行政单位",
    "自治区直辖县级行政单位",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

/// One validity period of one code.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub code: u32,
    pub start: u16,
    pub end: Option<u16>,
    pub name: &'static str,
}

struct Table {
    entries: Vec<Entry>,
    /// `entries[i].code`, kept apart so the binary search stays in cache.
    codes: Vec<u32>,
    data_year: u16,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse(TABLE_TEXT))
}

/// Parses the TSV; malformed lines are skipped (the build script is the
/// gatekeeper, and a unit test checks the row count).
fn parse(text: &'static str) -> Table {
    let mut entries = Vec::with_capacity(8192);
    let mut data_year = FIRST_YEAR;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#data_year\t") {
            data_year = rest.trim().parse().unwrap_or(data_year);
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(code), Some(start), Some(end), Some(name)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let (Ok(code), Ok(start)) = (code.parse::<u32>(), start.parse::<u16>()) else {
            continue;
        };
        let end = if end.is_empty() {
            None
        } else {
            end.parse::<u16>().ok()
        };
        entries.push(Entry {
            code,
            start,
            end,
            name,
        });
    }
    entries.sort_by_key(|e| (e.code, e.start));
    let codes = entries.iter().map(|e| e.code).collect();
    Table {
        entries,
        codes,
        data_year,
    }
}

/// Year of the newest list the table reflects.
pub fn data_year() -> u16 {
    table().data_year
}

/// All periods of `code`, oldest first (empty when it never existed).
pub fn entries(code: u32) -> &'static [Entry] {
    let t = table();
    let lo = t.codes.partition_point(|&c| c < code);
    let hi = lo + t.codes[lo..].iter().take_while(|&&c| c == code).count();
    &t.entries[lo..hi]
}

/// Number of rows in the table.
pub fn len() -> usize {
    table().entries.len()
}

/// The period in force in `year`, else the nearest one.
fn pick(list: &'static [Entry], year: Option<u16>) -> Option<&'static Entry> {
    let data_year = data_year();
    match year {
        Some(y) => list
            .iter()
            .find(|e| e.start <= y && y <= e.end.unwrap_or(data_year))
            .or_else(|| {
                if list.first().is_some_and(|e| y < e.start) {
                    list.first()
                } else {
                    list.last()
                }
            }),
        None => list.last(),
    }
}

fn name_at(code: u32, year: Option<u16>) -> Option<&'static str> {
    pick(entries(code), year)
        .map(|e| e.name)
        .filter(|n| !PLACEHOLDERS.contains(n))
}

/// How a code relates to the year of interest (birth year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub info: RegionInfo,
    /// The code was first used after `year`.
    pub newer_than_year: bool,
    /// The code is no longer in force.
    pub abolished: bool,
    /// The code is province- or prefecture-level (ends in 00).
    pub not_county: bool,
}

/// Resolves a 6-digit code as of `year` (`None` = latest). `None` when the
/// code never existed.
pub fn resolve(code: &str, year: Option<i32>) -> Option<Resolved> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = code.parse().ok()?;
    let list = entries(n);
    let year16 = year.and_then(|y| u16::try_from(y).ok());
    let entry = pick(list, year16)?;
    let province_code = n / 10000 * 10000;
    let prefecture_code = n / 100 * 100;
    let province = name_at(province_code, year16);
    let prefecture = if prefecture_code != province_code {
        name_at(prefecture_code, year16)
    } else {
        None
    };
    let own = Some(entry.name).filter(|n| !PLACEHOLDERS.contains(n));
    let county = if n != prefecture_code { own } else { None };
    let prefecture = if n == prefecture_code && n != province_code {
        own
    } else {
        prefecture
    };
    let first = list.first().map_or(entry.start, |e| e.start);
    let abolished = list.iter().all(|e| e.end.is_some());
    Some(Resolved {
        info: RegionInfo {
            code: code.to_owned(),
            province,
            prefecture,
            county,
            start_year: entry.start,
            end_year: entry.end,
        },
        // A start of 1980 only says "in the first list", not "created in 1980".
        newer_than_year: first > FIRST_YEAR && year16.is_some_and(|y| y < first),
        abolished,
        not_county: n.is_multiple_of(100),
    })
}

/// A resolved GB/T 2260 code. Names borrow the bundled table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionInfo {
    pub code: String,
    pub province: Option<&'static str>,
    pub prefecture: Option<&'static str>,
    pub county: Option<&'static str>,
    /// First year the code is in the table (1980 = "1980 or earlier").
    pub start_year: u16,
    /// Last year it was in force; `None` while still in force.
    pub end_year: Option<u16>,
}

impl RegionInfo {
    /// "北京市 东城区" — each non-empty level once, space separated.
    pub fn display_name(&self) -> String {
        let mut s = String::new();
        self.write_name(&mut s);
        s
    }

    /// Appends the display name to `out` (the CLI writes it without allocating).
    pub fn write_name(&self, out: &mut String) {
        for (i, part) in [self.province, self.prefecture, self.county]
            .into_iter()
            .flatten()
            .enumerate()
        {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(part);
        }
    }

    /// "1980 年以前启用，至今有效" or "1991 年启用，2009 年后撤销".
    pub fn years_label(&self) -> String {
        let start = if self.start_year <= FIRST_YEAR {
            format!("{} 年以前启用", self.start_year)
        } else {
            format!("{} 年启用", self.start_year)
        };
        match self.end_year {
            Some(end) => format!("{start}，{end} 年后撤销"),
            None => format!("{start}，至今有效"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads() {
        assert!(len() > 7000, "{}", len());
        assert!(data_year() >= 2026);
    }

    #[test]
    fn resolves_names_and_years() {
        let r = resolve("110101", Some(1990)).expect("东城区");
        assert_eq!(r.info.display_name(), "北京市 东城区");
        assert!(!r.abolished && !r.newer_than_year && !r.not_county);
        let r = resolve("110103", Some(1990)).expect("崇文区");
        assert_eq!(r.info.display_name(), "北京市 崇文区");
        assert_eq!(r.info.end_year, Some(2009));
        assert!(r.abolished);
        let r = resolve("810000", Some(1994)).expect("香港");
        assert_eq!(r.info.display_name(), "香港特别行政区");
        assert!(resolve("119999", None).is_none());
        let r = resolve("445100", Some(1985)).expect("潮州市");
        assert!(r.newer_than_year);
        let r = resolve("429004", Some(2000)).expect("仙桃市");
        assert_eq!(r.info.display_name(), "湖北省 仙桃市");
    }
}
