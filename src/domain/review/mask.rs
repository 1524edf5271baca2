//! Masking for lists and printouts: enough to recognise a record, not enough
//! to copy an identity. The full number is shown only on the opened record.

/// `110101199003070011` → `110101********0011`. Shorter numbers (permits,
/// passports) keep their first two and last two characters.
pub fn mask_document(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let (head, tail) = match chars.len() {
        n if n >= 15 => (6, 4),
        n if n >= 6 => (2, 2),
        _ => (0, 0),
    };
    mask(&chars, head, tail)
}

/// `13812345678` → `138****5678`.
pub fn mask_mobile(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() >= 11 {
        mask(&chars, 3, 4)
    } else {
        mask(&chars, 0, 0)
    }
}

fn mask(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_document("110101199003070011"), "110101********0011");
        assert_eq!(mask_document("110101900307001"), "110101*****7001");
        assert_eq!(mask_document("H12345678"), "H1*****78");
        assert_eq!(mask_document("12"), "**");
        assert_eq!(mask_document(""), "");
        assert_eq!(mask_mobile("13812345678"), "138****5678");
        assert_eq!(mask_mobile("1381"), "****");
    }
}
