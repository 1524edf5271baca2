//! Reading the search box: application number, document number or name.

use crate::domain::documents::normalize::{looks_like_number, normalize};
use crate::domain::review::AppKind;
use crate::store::SearchKey;

/// Reads what was typed in the search box: an application number, a
/// document number (exact), or the start of a name.
pub fn classify_search(text: &str) -> Option<(SearchKey, &'static str)> {
    let raw = text.trim();
    if raw.is_empty() {
        return None;
    }
    let n = normalize(raw);
    let is_app_no = n.len() >= 10
        && AppKind::ALL
            .iter()
            .any(|k| n.starts_with(k.number_prefix()))
        && n[2..].bytes().all(|b| b.is_ascii_digit());
    if is_app_no {
        return Some((SearchKey::AppNo(n), "受理号"));
    }
    if looks_like_number(&n) {
        return Some((SearchKey::DocNo(n), "证件号码"));
    }
    Some((SearchKey::NamePrefix(raw.to_owned()), "姓名"))
}
