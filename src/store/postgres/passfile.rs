//! The password file, with libpq's format and lookup rules (`.pgpass`), so IT
//! can keep one file for `psql` and the workstation:
//! - `hostname:port:database:username:password`, one entry a line; `*` in
//!   any of the first four fields matches anything; `\:` and `\\` escape;
//!   lines starting with `#` are comments; the first matching line wins.
//! - The file is the connection's `passfile`, else `PGPASSFILE`, else
//!   `~/.pgpass` (Windows: `%APPDATA%\postgresql\pgpass.conf`).
//! - On Unix a file that group or others may read is ignored (with a
//!   warning), as libpq does; so is anything that is not a plain file.
//!
//! The password itself is never logged or put into an error.

use std::path::{Path, PathBuf};

/// What a lookup found.
#[derive(Default)]
pub struct Lookup {
    pub password: Option<String>,
    /// Why an existing file was not used (for the "password needed" message).
    pub ignored: Option<String>,
}

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lookup")
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("ignored", &self.ignored)
            .finish()
    }
}

/// The file to read: `explicit` (the URL's `passfile=`), then `PGPASSFILE`,
/// then the platform default.
pub fn path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let dirs = directories::BaseDirs::new()?;
    if cfg!(windows) {
        Some(dirs.config_dir().join("postgresql").join("pgpass.conf"))
    } else {
        Some(dirs.home_dir().join(".pgpass"))
    }
}

/// Reads `file` and returns the password for the first matching line.
pub fn read(file: &Path, host: &str, port: u16, dbname: &str, user: &str) -> Lookup {
    let meta = match std::fs::metadata(file) {
        Ok(m) => m,
        // No file is the normal case: nothing to say.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::default(),
        Err(e) => return ignored(file, format!("无法读取（{e}）")),
    };
    if !meta.is_file() {
        return ignored(file, "不是普通文件".into());
    }
    if let Some(why) = too_open(&meta) {
        return ignored(file, why);
    }
    match std::fs::read_to_string(file) {
        Ok(text) => Lookup {
            password: find(&text, host, &port.to_string(), dbname, user),
            ignored: None,
        },
        Err(e) => ignored(file, format!("无法读取（{e}）")),
    }
}

fn ignored(file: &Path, why: String) -> Lookup {
    tracing::warn!(file = %file.display(), reason = %why, "password file ignored");
    Lookup {
        password: None,
        ignored: Some(format!("密码文件 {} {why}，已忽略", file.display())),
    }
}

#[cfg(unix)]
fn too_open(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode();
    ((mode & 0o077) != 0).then(|| {
        format!(
            "的权限为 {:o}，组或其他用户可以读取（应为 600：chmod 600）",
            mode & 0o777
        )
    })
}

#[cfg(not(unix))]
fn too_open(_meta: &std::fs::Metadata) -> Option<String> {
    // libpq does not check on Windows either: the file lives in the user's
    // own profile folder.
    None
}

/// The password of the first line matching all four fields.
pub fn find(text: &str, host: &str, port: &str, dbname: &str, user: &str) -> Option<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|line| {
            let mut rest = line;
            for want in [host, port, dbname, user] {
                rest = match_field(rest, want)?;
            }
            Some(unescape_password(rest))
        })
}

/// Matches one `field:` at the start of `line` (a `*:` matches anything);
/// returns what follows the colon.
fn match_field<'a>(line: &'a str, want: &str) -> Option<&'a str> {
    if let Some(rest) = line.strip_prefix("*:") {
        return Some(rest);
    }
    let mut chars = line.char_indices();
    let mut want_chars = want.chars();
    while let Some((i, c)) = chars.next() {
        let c = match c {
            ':' => {
                return want_chars.next().is_none().then(|| &line[i + 1..]);
            }
            '\\' => match chars.next() {
                Some((_, escaped)) => escaped,
                None => return None,
            },
            c => c,
        };
        if want_chars.next() != Some(c) {
            return None;
        }
    }
    None
}

/// The rest of the line up to an unescaped `:`, with escapes removed.
fn unescape_password(rest: &str) -> String {
    let mut out = String::with_capacity(rest.len());
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => break,
            '\\' => match chars.next() {
                Some(escaped) => out.push(escaped),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# office server
hall-db:5432:counterdesk:counterdesk_app:first-pw
hall-db:*:*:counterdesk_app:second-pw
*:*:*:postgres:admin-pw
10.0.0.9:5433:db\\:x:app:pa\\:ss\\\\word:ignored-tail
";

    fn f(host: &str, port: &str, db: &str, user: &str) -> Option<String> {
        find(FILE, host, port, db, user)
    }

    #[test]
    fn first_matching_line_wins() {
        assert_eq!(
            f("hall-db", "5432", "counterdesk", "counterdesk_app").as_deref(),
            Some("first-pw")
        );
        assert_eq!(
            f("hall-db", "6000", "other", "counterdesk_app").as_deref(),
            Some("second-pw")
        );
        assert_eq!(
            f("anything", "1", "x", "postgres").as_deref(),
            Some("admin-pw")
        );
        assert_eq!(
            f("other-host", "5432", "counterdesk", "counterdesk_app"),
            None
        );
    }

    #[test]
    fn escapes_and_the_password_end() {
        assert_eq!(
            f("10.0.0.9", "5433", "db:x", "app").as_deref(),
            Some("pa:ss\\word")
        );
        assert_eq!(f("10.0.0.9", "5433", "dbx", "app"), None);
    }

    #[test]
    fn fields_match_whole_not_by_prefix() {
        assert_eq!(f("hall-db", "5432", "counterdesk", "counterdesk_ap"), None);
        assert_eq!(f("hall", "5432", "counterdesk", "counterdesk_app"), None);
        assert_eq!(
            find("a:1:d:u", "a", "1", "d", "u"),
            None,
            "no password field"
        );
        assert_eq!(find("a:1:d:u:", "a", "1", "d", "u").as_deref(), Some(""));
    }

    #[test]
    fn comments_crlf_and_chinese() {
        let text = "#a:1:d:u:commented\r\n库:5432:车管所:张三:密码一\r\n";
        assert_eq!(find(text, "a", "1", "d", "u"), None);
        assert_eq!(
            find(text, "库", "5432", "车管所", "张三").as_deref(),
            Some("密码一")
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let l = Lookup {
            password: Some("s3cret".into()),
            ignored: None,
        };
        assert!(!format!("{l:?}").contains("s3cret"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_ignored_like_libpq() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "h:5432:d:u:pw\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let l = read(&file, "h", 5432, "d", "u");
        assert_eq!(l.password, None);
        let why = l.ignored.unwrap();
        assert!(why.contains("644") && why.contains("chmod 600"), "{why}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let l = read(&file, "h", 5432, "d", "u");
        assert_eq!(l.password.as_deref(), Some("pw"));
        assert_eq!(l.ignored, None);
        // A missing file is silent; a directory is not a password file.
        let l = read(&dir.path().join("none"), "h", 5432, "d", "u");
        assert!(l.password.is_none() && l.ignored.is_none());
        let l = read(dir.path(), "h", 5432, "d", "u");
        assert!(l.ignored.unwrap().contains("不是普通文件"));
    }

    #[test]
    fn the_url_passfile_comes_first() {
        assert_eq!(
            path(Some(Path::new("/x/pgpass"))),
            Some(PathBuf::from("/x/pgpass"))
        );
    }
}
