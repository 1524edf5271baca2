//! The two EXIF facts the checks need: which software wrote the file and when
//! the photo was taken. EXIF is optional and easily stripped, so a missing or
//! unreadable block is simply "unknown".

use std::io::Cursor;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use exif::{In, Reader, Tag, Value};

#[derive(Debug, Clone, Default)]
pub struct ExifInfo {
    pub software: Option<String>,
    /// DateTimeOriginal (local time of the camera).
    pub taken: Option<NaiveDateTime>,
    /// OffsetTimeOriginal, when present.
    pub offset: Option<FixedOffset>,
    /// Orientation tag (1–8), when present.
    pub orientation: Option<u32>,
}

impl ExifInfo {
    /// The date the photo was taken, in the camera's own calendar.
    pub fn taken_date(&self) -> Option<NaiveDate> {
        self.taken.map(|t| t.date())
    }

    /// Human-readable "taken at", with the offset when known.
    pub fn taken_text(&self) -> Option<String> {
        let t = self.taken?;
        Some(
            match self.offset.and_then(|o| o.from_local_datetime(&t).single()) {
                Some(dt) => dt.format("%Y-%m-%d %H:%M %:z").to_string(),
                None => t.format("%Y-%m-%d %H:%M").to_string(),
            },
        )
    }
}

/// Reads EXIF from a JPEG or PNG; never fails.
pub fn read(bytes: &[u8]) -> ExifInfo {
    let Ok(exif) = Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return ExifInfo::default();
    };
    let ascii = |tag: Tag| -> Option<String> {
        let field = exif
            .get_field(tag, In::PRIMARY)
            .or_else(|| exif.fields().find(|f| f.tag == tag))?;
        match &field.value {
            Value::Ascii(parts) => parts
                .first()
                .map(|p| String::from_utf8_lossy(p).trim().to_owned()),
            _ => None,
        }
    };
    let software = ascii(Tag::Software).filter(|s| !s.is_empty());
    let taken = ascii(Tag::DateTimeOriginal).and_then(|s| parse_exif_datetime(&s));
    let offset = ascii(Tag::OffsetTimeOriginal).and_then(|s| parse_offset(&s));
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0));
    ExifInfo {
        software,
        taken,
        offset,
        orientation,
    }
}

/// EXIF dates look like `2026:10:02 09:30:00`.
fn parse_exif_datetime(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s.trim_end_matches('\0'), "%Y:%m:%d %H:%M:%S").ok()
}

/// `+08:00` → offset.
fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s.get(1..)?.split_once(':')?;
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * secs)
}

/// A minimal EXIF block (TIFF bytes) carrying DateTimeOriginal, for generated photos.
pub fn encode_taken(taken: NaiveDateTime) -> Option<Vec<u8>> {
    use exif::Field;
    use exif::experimental::Writer;
    let text = taken.format("%Y:%m:%d %H:%M:%S").to_string().into_bytes();
    let field = Field {
        tag: Tag::DateTimeOriginal,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![text]),
    };
    let mut w = Writer::new();
    w.push_field(&field);
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, false).ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exif_dates_and_offsets() {
        let t = parse_exif_datetime("2026:10:02 09:30:00").unwrap();
        assert_eq!(t.to_string(), "2026-10-02 09:30:00");
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert!(parse_exif_datetime("garbage").is_none());
    }

    #[test]
    fn encoded_date_reads_back() {
        let t = parse_exif_datetime("2026:10:02 09:30:00").unwrap();
        let tiff = encode_taken(t).unwrap();
        let exif = Reader::new().read_raw(tiff).unwrap();
        let f = exif.get_field(Tag::DateTimeOriginal, In::PRIMARY).unwrap();
        assert!(f.display_value().to_string().contains("2026-10-02"));
    }
}
