//! Masking for every screen, list, receipt and printout (registrations and
//! the review queue alike): enough to recognise a record,
//! not enough to reuse the number. Revealing the full number is audited.

/// `110101199003070011` → `110101********0011`: first 6 and last 4 kept.
/// Shorter numbers keep proportionally less; tiny ones are fully masked.
pub fn mask_document(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    let len = chars.len();
    let (head, tail) = match len {
        15.. => (6, 4),
        9..=14 => (3, 2),
        5..=8 => (1, 1),
        _ => (0, 0),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= len - tail { *c } else { '*' })
        .collect()
}

/// `13800138000` → `138****8000`.
pub fn mask_mobile(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    if chars.len() != 11 {
        return mask_document(n);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if (3..7).contains(&i) { '*' } else { *c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_document("110101199003070011"), "110101********0011");
        assert_eq!(mask_document("ABC123456789012"), "ABC123*****9012");
        assert_eq!(mask_document("600037341"), "600****41");
        assert_eq!(mask_document("1234"), "****");
        assert_eq!(mask_document(""), "");
        assert_eq!(mask_mobile("13800138000"), "138****8000");
        // The queue's lists and printouts use the same rule.
        assert_eq!(mask_document("110101900307001"), "110101*****7001");
        assert_eq!(mask_document("H12345678"), "H12****78");
        assert_eq!(mask_document("12"), "**");
    }
}
