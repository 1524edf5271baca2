//! What a clerk types or a card reader sends → the form the rules validate.

/// Folds full-width ASCII (U+FF01..U+FF5E) and the ideographic space (U+3000)
/// to ASCII. Only these matter for numbers, so no Unicode tables are needed.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// True for the separators clerks paste inside numbers (after width folding).
fn is_dropped(c: char) -> bool {
    c == '-' || c.is_whitespace() || c == '\u{2010}' || c == '\u{2013}' || c == '\u{2014}'
}

/// Trim, fold width, drop spaces and dashes, upper-case — into `out`
/// (cleared first) so hot loops can reuse one buffer.
pub fn normalize_into(raw: &str, out: &mut String) {
    out.clear();
    // Fast path: plain ASCII letters and digits (what card readers send).
    if raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        out.push_str(raw);
        out.make_ascii_uppercase();
        return;
    }
    for c in raw.chars() {
        let c = fold_width(c);
        if is_dropped(c) {
            continue;
        }
        out.push(c.to_ascii_uppercase());
    }
}

/// Owned form of [`normalize_into`].
pub fn normalize(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    normalize_into(raw, &mut s);
    s
}

/// The shortest document number or code a search box can mean (the 9
/// characters of an organisation code): shorter text is a name.
pub const MIN_NUMBER_LEN: usize = 9;

/// Whether normalised search text reads as a document number or code
/// (letters and digits, at least one digit, long enough), not a name. The
/// queue's and 面签记录's search boxes both ask this.
pub fn looks_like_number(n: &str) -> bool {
    n.len() >= MIN_NUMBER_LEN
        && n.bytes().all(|b| b.is_ascii_alphanumeric())
        && n.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_drops() {
        assert_eq!(
            normalize("  １１０１０１ 1990-0307 001x\u{3000}"),
            "11010119900307001X"
        );
        assert_eq!(normalize("ｍａ０００００４－ｘ"), "MA000004X");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn a_number_is_nine_letters_or_digits_with_a_digit() {
        assert!(looks_like_number("60003734X"));
        assert!(looks_like_number("110101199003070011"));
        assert!(!looks_like_number("6000373"), "too short: a name");
        assert!(!looks_like_number("ZHANGSANFENG"), "no digit");
        assert!(!looks_like_number("张三丰1234567890"));
    }
}
