//! Names as written on the document: Chinese names (with the middle dot `·`
//! of minority and transliterated foreign names), Latin names on foreign PR
//! cards, and company names.

use crate::domain::documents::normalize::fold_width;

const MAX_CHINESE: usize = 40;
const MAX_LATIN: usize = 80;
const MAX_COMPANY: usize = 100;
pub const MIDDLE_DOT: char = '\u{00B7}';

/// Dots that clerks' input methods produce for the name separator.
fn is_dot_variant(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}' | '\u{22C5}' | '\u{2219}'
    )
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x3134F)
}

fn is_latin_name_char(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | ',')
}

/// Trim, fold full width, collapse runs of whitespace to one space.
fn tidy(raw: &str) -> String {
    let folded: String = raw.chars().map(fold_width).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A person's name, normalised: Chinese names without spaces and with `·`,
/// Latin names upper-case as on the card. Err is the Chinese message.
pub fn person_name(raw: &str, allow_latin: bool) -> Result<String, String> {
    let s = tidy(raw);
    if s.is_empty() {
        return Err("请填写姓名。".to_owned());
    }
    let has_cjk = s.chars().any(is_cjk);
    let has_latin = s.chars().any(|c| c.is_ascii_alphabetic());
    if has_cjk && has_latin {
        return Err("姓名不能同时含汉字和拉丁字母：请按证件上的一种写法填写。".to_owned());
    }
    if has_cjk {
        return chinese_name(&s);
    }
    if has_latin {
        if !allow_latin {
            return Err("该证件上的姓名为中文：请按证件填写中文姓名。".to_owned());
        }
        return latin_name(&s);
    }
    Err("姓名只能由汉字（少数民族姓名可含间隔号“·”）或证件上的拉丁字母组成。".to_owned())
}

fn chinese_name(s: &str) -> Result<String, String> {
    // Spaces inside a Chinese name are typing slips, never part of the name.
    let n: String = s
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| if is_dot_variant(c) { MIDDLE_DOT } else { c })
        .collect();
    if let Some(bad) = n.chars().find(|&c| !is_cjk(c) && c != MIDDLE_DOT) {
        return Err(format!(
            "姓名中不能有“{bad}”：只能填写汉字，少数民族姓名可用间隔号“·”。"
        ));
    }
    if n.starts_with(MIDDLE_DOT) || n.ends_with(MIDDLE_DOT) || n.contains("··") {
        return Err("间隔号“·”只能出现在两个名字之间：请核对姓名。".to_owned());
    }
    let len = n.chars().count();
    if len < 2 {
        return Err("姓名至少 2 个字：请按证件填写全名。".to_owned());
    }
    if len > MAX_CHINESE {
        return Err(format!("姓名最多 {MAX_CHINESE} 个字：请核对。"));
    }
    Ok(n)
}

fn latin_name(s: &str) -> Result<String, String> {
    if let Some(bad) = s.chars().find(|&c| !is_latin_name_char(c)) {
        return Err(format!(
            "外文姓名中不能有“{bad}”：只能填写证件上的拉丁字母、空格、连字符或撇号。"
        ));
    }
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    if letters < 2 {
        return Err("外文姓名至少 2 个字母：请按证件填写全名。".to_owned());
    }
    if s.chars().count() > MAX_LATIN {
        return Err(format!("外文姓名最多 {MAX_LATIN} 个字符：请核对。"));
    }
    Ok(s.to_ascii_uppercase())
}

/// A company name as on the business licence.
pub fn company_name(raw: &str) -> Result<String, String> {
    let s = tidy(raw);
    if s.is_empty() {
        return Err("请填写单位名称。".to_owned());
    }
    if s.chars().any(char::is_control) {
        return Err("单位名称含有不可见字符：请重新填写。".to_owned());
    }
    if !s.chars().any(|c| is_cjk(c) || c.is_alphabetic()) {
        return Err("单位名称应含有文字：请按营业执照填写。".to_owned());
    }
    let len = s.chars().count();
    if len < 2 {
        return Err("单位名称至少 2 个字：请按营业执照填写全称。".to_owned());
    }
    if len > MAX_COMPANY {
        return Err(format!("单位名称最多 {MAX_COMPANY} 个字：请核对。"));
    }
    Ok(s)
}

/// A typed search text in the form names are stored in: tidy, dots folded,
/// Latin-only text upper-case (Latin names are stored as on the card).
pub fn search_key(raw: &str) -> String {
    let s = tidy(raw);
    if s.chars().any(is_cjk) {
        s.chars()
            .map(|c| if is_dot_variant(c) { MIDDLE_DOT } else { c })
            .collect()
    } else {
        s.to_ascii_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names() {
        assert_eq!(person_name(" 张三 ", false).unwrap(), "张三");
        assert_eq!(person_name("王 小明", false).unwrap(), "王小明");
        assert_eq!(
            person_name("阿依古丽·买买提", false).unwrap(),
            "阿依古丽·买买提"
        );
        // other dots fold to U+00B7
        assert_eq!(
            person_name("阿依古丽•买买提", false).unwrap(),
            "阿依古丽·买买提"
        );
        assert!(person_name("·张三", false).is_err());
        assert!(person_name("张··三", false).is_err());
        assert!(person_name("张", false).is_err());
        assert!(person_name("张3", false).is_err());
    }

    #[test]
    fn only_spaces_is_refused() {
        assert_eq!(person_name("   ", true).unwrap_err(), "请填写姓名。");
        assert_eq!(
            person_name("\u{3000}\u{3000}", true).unwrap_err(),
            "请填写姓名。"
        );
    }

    #[test]
    fn latin_names_only_for_foreign_pr() {
        assert_eq!(
            person_name("  john   o'neil-smith ", true).unwrap(),
            "JOHN O'NEIL-SMITH"
        );
        assert!(
            person_name("John Smith", false)
                .unwrap_err()
                .contains("中文")
        );
        assert!(person_name("John 史密斯", true).is_err());
        assert!(person_name("John@Smith", true).is_err());
    }

    #[test]
    fn company_names() {
        assert_eq!(
            company_name(" 北京某某  科技有限公司 ").unwrap(),
            "北京某某 科技有限公司"
        );
        assert!(company_name("  ").is_err());
        assert!(company_name("123").is_err());
    }

    #[test]
    fn every_message_ends_with_punctuation() {
        for input in ["", "·张", "张", "John", "a@", "张3"] {
            for latin in [false, true] {
                if let Err(e) = person_name(input, latin) {
                    assert!(e.ends_with('。'), "{e}");
                }
            }
        }
    }
}
