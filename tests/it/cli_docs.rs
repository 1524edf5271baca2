//! Binary-level tests of check-id / check-code / check-phone.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_counterdesk"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("spawn counterdesk");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn args_mode_valid_exits_zero() {
    let out = run(
        &["check-id", "11010519491231002X", "110101199003070011"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(
        text.contains("有效") && text.contains("北京市 朝阳区"),
        "{text}"
    );
}

#[test]
fn any_invalid_exits_one() {
    let out = run(
        &["check-id", "110101199003070011", "110101199003070010"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("无效") && text.contains("check_digit_mismatch"),
        "{text}"
    );
}

#[test]
fn usage_error_exits_two() {
    let out = run(&["check-id", "--bogus"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_json_fields() {
    let input =
        "11010519491231002X\n\n  \r\n110101199003070010\r\n810000199408230021\n110101900307001\n";
    let out = run(&["check-id", "--json"], Some(input));
    assert_eq!(out.status.code(), Some(1));
    let v = json_lines(&out);
    assert_eq!(v.len(), 4, "blank lines are skipped");
    assert_eq!(v[0]["input"], "11010519491231002X");
    assert_eq!(v[0]["normalized"], "11010519491231002X");
    assert_eq!(v[0]["kind"], "resident_id");
    assert_eq!(v[0]["valid"], true);
    assert_eq!(v[0]["errors"], serde_json::json!([]));
    assert_eq!(v[0]["warnings"], serde_json::json!([]));
    assert_eq!(v[0]["birth_date"], "1949-12-31");
    assert_eq!(v[0]["gender"], "F");
    assert_eq!(v[0]["region"], "北京市 朝阳区");
    assert_eq!(v[1]["valid"], false);
    assert_eq!(v[1]["errors"], serde_json::json!(["check_digit_mismatch"]));
    assert_eq!(v[2]["kind"], "hmt_permit");
    assert_eq!(v[2]["region"], "香港特别行政区");
    assert_eq!(v[3]["kind"], "resident_id_legacy15");
    assert_eq!(v[3]["valid"], false);
    assert_eq!(v[3]["converted_18"], "110101199003070011");
}

#[test]
fn check_code_and_phone() {
    let out = run(
        &["check-code", "--json", "91110000600037341L", "MA000004-X"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_lines(&out);
    assert_eq!(v[0]["kind"], "credit_code");
    assert_eq!(v[0]["org_code"], "60003734-1");
    assert_eq!(v[0]["authority"], "工商（市场监管）");
    assert_eq!(v[1]["kind"], "org_code");

    let out = run(
        &["check-phone", "--json"],
        Some("+86 146 1234 5678\n010-62345678\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json_lines(&out);
    assert_eq!(v[0]["kind"], "mobile");
    assert_eq!(v[0]["warnings"], serde_json::json!(["mobile_data_only"]));
    assert_eq!(v[1]["kind"], "landline");

    let out = run(&["check-phone", "12345"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn odd_bytes_and_quotes_are_escaped() {
    let out = run(&["check-id", "--json"], Some("\"\\\t\u{1}汉\n\u{ff}\n"));
    assert_eq!(out.status.code(), Some(1));
    let v = json_lines(&out);
    assert_eq!(v[0]["input"], "\"\\\t\u{1}汉");
    assert_eq!(v[0]["kind"], "unknown");
}

#[test]
fn line_separators_are_escaped() {
    let out = run(&["check-phone", "--json"], Some("1\u{2028}2\n"));
    let raw = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(raw.contains("\\u2028"), "{raw}");
    assert_eq!(json_lines(&out)[0]["input"], "1\u{2028}2");
}
