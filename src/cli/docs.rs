//! `check-id`, `check-code`, `check-phone`.

use std::io::{BufRead, Write};

/// Which family of numbers a `check-*` subcommand accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocCommand {
    Id,
    Code,
    Phone,
}

/// Runs one `check-*` subcommand over `inputs`, or over stdin lines when `inputs` is empty.
pub fn run(
    _cmd: DocCommand,
    _inputs: &[String],
    _json: bool,
    _stdin: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    writeln!(out, "尚未实现")?;
    Ok(2)
}
