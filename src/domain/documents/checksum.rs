//! Check-character algorithms (GB 11643 MOD 11-2, GB 32100, GB 11714).

use super::rules::{CREDIT_ALPHABET, CREDIT_WEIGHTS, MOD11_2_CHARS, MOD11_2_WEIGHTS, ORG_WEIGHTS};

/// MOD 11-2 check character for 17 ASCII digits; `None` if any byte is not a digit.
pub fn mod11_2(body: &[u8]) -> Option<u8> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in body.iter().zip(MOD11_2_WEIGHTS) {
        if !b.is_ascii_digit() {
            return None;
        }
        sum += u32::from(b - b'0') * w;
    }
    Some(MOD11_2_CHARS[(sum % 11) as usize])
}

/// Value of a GB 32100 character (its index in the alphabet).
pub fn credit_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
}

/// GB 32100 check character for the first 17 characters.
pub fn credit_check(body: &[u8]) -> Option<u8> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in body.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    // 31 − (S mod 31), with 31 meaning 0.
    let k = (31 - sum % 31) % 31;
    Some(CREDIT_ALPHABET[k as usize])
}

/// Value of a GB 11714 body character: 0–9, A=10 … Z=35.
fn org_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// GB 11714 check character for the 8 body characters.
pub fn org_check(body: &[u8]) -> Option<u8> {
    if body.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in body.iter().zip(ORG_WEIGHTS) {
        sum += org_value(c)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        n => b'0' + n as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_examples() {
        assert_eq!(mod11_2(b"11010519491231002"), Some(b'X'));
        assert_eq!(mod11_2(b"44052418800101001"), Some(b'4'));
        assert_eq!(credit_check(b"91110000600037341"), Some(b'L'));
        assert_eq!(credit_check(b"91110000MA0000082"), Some(b'0'));
        assert_eq!(org_check(b"60003734"), Some(b'1'));
        assert_eq!(org_check(b"MA000004"), Some(b'X'));
        assert_eq!(org_check(b"MA000009"), Some(b'0'));
    }

    #[test]
    fn rejects_bad_bytes() {
        assert_eq!(mod11_2(b"1101051949123100A"), None);
        assert_eq!(credit_check(b"9111000060003734I"), None);
        assert_eq!(org_check(b"6000373-"), None);
    }
}
