//! `check-id`, `check-code`, `check-phone`.

use std::fmt::Write as _;
use std::io::{BufRead, Write};

use chrono::{Datelike, NaiveDate};

use crate::domain::documents::normalize::normalize_into;
use crate::domain::documents::result::{CheckResult, DocVerdict, Severity};
use crate::domain::documents::router::route_identity;
use crate::domain::documents::router::{check_code, check_phone};

/// Which family of numbers a `check-*` subcommand accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocCommand {
    Id,
    Code,
    Phone,
}

/// Runs one `check-*` subcommand over `inputs`, or over stdin lines when `inputs` is empty.
pub fn run(
    cmd: DocCommand,
    inputs: &[String],
    json: bool,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    // The CLI edge is the only place that reads the clock.
    let today = crate::app::runtime::clock::today(&crate::app::runtime::clock::SystemClock);
    run_on(cmd, inputs, json, stdin, out, today)
}

/// [`run`] with an explicit "today" (tests pin it).
pub fn run_on(
    cmd: DocCommand,
    inputs: &[String],
    json: bool,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
    today: NaiveDate,
) -> anyhow::Result<u8> {
    let mut checker = Checker {
        cmd,
        json,
        today,
        norm: String::new(),
        line: String::new(),
        any_invalid: false,
    };
    if inputs.is_empty() {
        let mut buf = Vec::with_capacity(256);
        loop {
            buf.clear();
            if stdin.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&buf);
            let text = text.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            checker.one(text, out)?;
        }
    } else {
        for input in inputs {
            checker.one(input, out)?;
        }
    }
    Ok(u8::from(checker.any_invalid))
}

/// Reusable buffers so a million lines cost a handful of allocations each.
struct Checker {
    cmd: DocCommand,
    json: bool,
    today: NaiveDate,
    norm: String,
    line: String,
    any_invalid: bool,
}

impl Checker {
    fn one(&mut self, input: &str, out: &mut dyn Write) -> anyhow::Result<()> {
        let result = match self.cmd {
            DocCommand::Id => {
                normalize_into(input, &mut self.norm);
                route_identity(input, self.norm.clone(), self.today)
            }
            DocCommand::Code => check_code(input, self.today),
            DocCommand::Phone => check_phone(input, self.today),
        };
        self.any_invalid |= result.verdict == DocVerdict::Invalid;
        self.line.clear();
        if self.json {
            write_json(&result, &mut self.line);
        } else {
            write_text(&result, &mut self.line);
        }
        self.line.push('\n');
        out.write_all(self.line.as_bytes())?;
        Ok(())
    }
}

/// True when `b` holds a control character, `"`, `\\`, or U+2028/U+2029
/// (E2 80 A8/A9), which some JSON readers choke on.
fn needs_escape(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &c)| {
        c < 0x20
            || c == b'"'
            || c == b'\\'
            || (c == 0xE2
                && b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0xA8 | 0xA9)))
    })
}

/// Appends `s` as a JSON string literal.
pub fn json_str(s: &str, out: &mut String) {
    out.push('"');
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(esc);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn json_codes(r: &CheckResult, sev: Severity, out: &mut String) {
    out.push('[');
    let mut first = true;
    for f in r.findings.iter().filter(|f| f.severity == sev) {
        if !first {
            out.push(',');
        }
        first = false;
        out.push('"');
        out.push_str(f.code);
        out.push('"');
    }
    out.push(']');
}

fn json_field(key: &str, value: &str, out: &mut String) {
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
    json_str(value, out);
}

/// `YYYY-MM-DD` without chrono's (slow) formatter.
fn push_ymd(d: NaiveDate, out: &mut String) {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        return;
    }
    let y = y as u32;
    for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
        out.push(char::from(b'0' + digit as u8));
    }
    for v in [m, day] {
        out.push('-');
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    }
}

/// One JSON object (no trailing newline). Hand-written: the hot path of
/// `check-* --json` over large files.
pub fn write_json(r: &CheckResult, out: &mut String) {
    out.push_str("{\"input\":");
    json_str(&r.input, out);
    json_field("normalized", &r.normalized, out);
    json_field("kind", r.kind.as_str(), out);
    out.push_str(",\"valid\":");
    out.push_str(if r.is_valid() { "true" } else { "false" });
    let verdict = match r.verdict {
        DocVerdict::Valid => "valid",
        DocVerdict::ValidWithWarnings => "valid_with_warnings",
        DocVerdict::Invalid => "invalid",
    };
    json_field("verdict", verdict, out);
    out.push_str(",\"errors\":");
    json_codes(r, Severity::Error, out);
    out.push_str(",\"warnings\":");
    json_codes(r, Severity::Warning, out);
    let f = &r.fields;
    if let Some(d) = f.birth_date {
        out.push_str(",\"birth_date\":\"");
        push_ymd(d, out);
        out.push('"');
    }
    if let Some(age) = f.age {
        let _ = write!(out, ",\"age\":{age}");
    }
    if let Some(g) = f.gender {
        json_field("gender", g.code(), out);
    }
    if let Some(region) = &f.region {
        out.push_str(",\"region\":\"");
        let at = out.len();
        region.write_name(out);
        if out.len() == at {
            out.push_str(&region.code);
        }
        out.push('"');
        json_field("region_code", &region.code, out);
        let _ = write!(out, ",\"region_start_year\":{}", region.start_year);
        if let Some(end) = region.end_year {
            let _ = write!(out, ",\"region_end_year\":{end}");
        }
    }
    let optional = [
        ("converted_18", f.converted_18.as_deref()),
        ("nationality_code", f.nationality_code.as_deref()),
        ("authority", f.authority),
        ("entity_type", f.entity_type),
        ("org_code", f.org_code.as_deref()),
        ("area_code", f.area_code.as_deref()),
        ("extension", f.extension.as_deref()),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            json_field(key, v, out);
        }
    }
    if !r.findings.is_empty() {
        out.push_str(",\"messages\":[");
        for (i, finding) in r.findings.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_str(&finding.message, out);
        }
        out.push(']');
    }
    out.push('}');
}

/// One readable Chinese line (no trailing newline).
pub fn write_text(r: &CheckResult, out: &mut String) {
    let shown = if r.normalized.is_empty() {
        r.input.trim()
    } else {
        r.normalized.as_str()
    };
    let _ = write!(out, "{shown}  {}  {}", r.verdict.label(), r.kind.label());
    let f = &r.fields;
    let mut parts: Vec<String> = Vec::new();
    if let Some(region) = &f.region {
        let key = if f.authority.is_some() {
            "登记地区"
        } else {
            "地区"
        };
        parts.push(format!(
            "{key}：{}（{}）",
            region.display_name(),
            region.years_label()
        ));
    }
    if let Some(d) = f.birth_date {
        match f.age {
            Some(age) => parts.push(format!("出生：{d}（{age} 岁）")),
            None => parts.push(format!("出生：{d}")),
        }
    }
    if let Some(g) = f.gender {
        parts.push(format!("性别：{}", g.label()));
    }
    if let Some(n) = &f.converted_18 {
        parts.push(format!("18 位：{n}"));
    }
    if let Some(a) = f.authority {
        parts.push(format!("登记管理部门：{a}"));
    }
    if let Some(t) = f.entity_type {
        parts.push(format!("机构类别：{t}"));
    }
    if let Some(o) = &f.org_code {
        parts.push(format!("组织机构代码：{o}"));
    }
    if let Some(a) = &f.area_code {
        parts.push(format!("区号：{a}"));
    }
    if let Some(e) = &f.extension {
        parts.push(format!("分机：{e}"));
    }
    if !parts.is_empty() {
        out.push_str("  ");
        out.push_str(&parts.join("；"));
    }
    for finding in &r.findings {
        let tag = match finding.severity {
            Severity::Error => "错误",
            Severity::Warning => "提示",
        };
        let _ = write!(out, "  [{tag} {}] {}", finding.code, finding.message);
    }
}
