//! Walks a JPEG's marker segments up to the start of scan, for the few header
//! facts the decoder does not report (component count, quantisation tables).

/// Yields `(marker, payload)` for each segment before SOS; the payload is the
/// segment after its 2-byte length, cut short if the file is. Stops at the
/// first malformed marker.
pub fn segments(bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut i = 2;
    std::iter::from_fn(move || {
        if i + 4 > bytes.len() || bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if marker == 0xDA || len < 2 {
            return None;
        }
        let end = (i + 2 + len).min(bytes.len());
        let payload = &bytes[i + 4..end];
        i += 2 + len;
        Some((marker, payload))
    })
}

/// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
pub fn is_frame_header(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_to_the_scan_and_stops() {
        // SOI, APP0 (len 4), SOF0 (len 8), SOS
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 1, 2, 0xFF, 0xC0, 0x00, 0x08, 8, 0, 1, 0, 1, 3,
            0xFF, 0xDA, 0x00, 0x02,
        ];
        let segs: Vec<_> = segments(&bytes).collect();
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0], (0xE0, &[1u8, 2][..]));
        assert!(is_frame_header(segs[1].0));
        assert_eq!(segs[1].1.get(5), Some(&3));
    }

    #[test]
    fn garbage_and_truncation_end_the_walk() {
        assert_eq!(segments(b"not a jpeg at all").count(), 0);
        assert_eq!(
            segments(&[0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x40, 8]).next(),
            Some((0xC0, &[8u8][..]))
        );
    }
}
