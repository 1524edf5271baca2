//! Approving an application whose automated photo check failed: allowed only
//! as an explicit override with a reason, which is kept with the decision.
//! Warnings need no reason. Blocking pre-checks are never overridable (see
//! [`super::eligibility`]).

use super::notice::clean_free_text;
use super::reasons::{PHOTO_OVERRIDE_REASONS, Reason};

/// Shortest typed override reason, in characters.
pub const OVERRIDE_MIN_CHARS: usize = 4;

/// Whether approving needs an override: some automated photo check failed
/// (`failed_checks` are the ids recorded at intake).
pub fn needed(failed_checks: &[String]) -> bool {
    !failed_checks.is_empty()
}

/// The reason as stored: one of [`PHOTO_OVERRIDE_REASONS`], or cleaned free
/// text of at least [`OVERRIDE_MIN_CHARS`] characters.
pub fn reason(text: &str) -> Result<String, String> {
    let t = clean_free_text(text)?;
    if PHOTO_OVERRIDE_REASONS.contains(&t.as_str()) {
        return Ok(t);
    }
    let n = t.chars().filter(|c| !c.is_whitespace()).count();
    if n < OVERRIDE_MIN_CHARS {
        return Err(format!(
            "请选择一项标准理由，或填写至少 {OVERRIDE_MIN_CHARS} 个字的理由"
        ));
    }
    Ok(t)
}

/// The failed checks in the reviewer's words (背景、反光), each once; an id
/// with no standard reason is named as recorded.
pub fn failed_labels(failed_checks: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in failed_checks {
        let l = Reason::for_photo_check(id).map_or_else(|| id.clone(), |r| r.label().to_owned());
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_failed_check_needs_an_override() {
        assert!(!needed(&[]));
        assert!(needed(&["glare".to_owned()]));
    }

    #[test]
    fn a_reason_is_standard_or_at_least_four_characters() {
        for r in PHOTO_OVERRIDE_REASONS {
            assert_eq!(reason(r), Ok(r.to_owned()));
        }
        assert!(reason("").is_err());
        assert!(reason("  好的 ").is_err());
        assert!(reason("已 核 对").is_err(), "spaces do not count");
        assert_eq!(reason(" 本人在场核对 "), Ok("本人在场核对".to_owned()));
        assert!(reason(&"字".repeat(201)).is_err());
    }

    #[test]
    fn failed_checks_are_named_once() {
        let ids: Vec<String> = ["background_white", "background_uniform", "glare", "odd"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(failed_labels(&ids), ["背景", "反光", "odd"]);
    }
}
