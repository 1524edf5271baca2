//! Where the office server is: a `postgres://` / `postgresql://` URL (from
//! `--db` or `COUNTERDESK_DB`) parsed into a [`Target`]. The URL may name the
//! user but never the password (that comes from a passfile or a prompt, see
//! `connect.rs`), so a target can be shown and logged as it is.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::error::OfficeError;

/// The environment variable that may hold the database (a path or a URL),
/// like `--db`.
pub const DB_ENV: &str = "COUNTERDESK_DB";

pub const DEFAULT_PORT: u16 = 5432;

/// Transport security to the server, libpq's names. Only the three modes a
/// hall needs: `prefer`/`allow` would silently fall back to clear text, and
/// `verify-ca` without the host check is rarely what IT means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Clear text (the hall LAN with scram-sha-256 authentication).
    Disable,
    /// Encrypted, the server's certificate is not checked.
    Require,
    /// Encrypted, the certificate must chain to `sslrootcert` and name the host.
    VerifyFull,
}

/// One office server database and how to talk to it. No password inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As written in the URL (an IPv6 address without its brackets).
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    pub ssl: SslMode,
    /// PEM file of the CA that signed the server's certificate (`sslrootcert`).
    pub ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    /// Server-side limit for one statement (`statement_timeout`, seconds in the URL).
    pub statement_timeout: Duration,
    /// TCP keepalives, both on our socket and asked of the server, so a
    /// pulled cable is noticed in about idle + interval × count seconds.
    pub keepalives: bool,
    pub keepalives_idle: Duration,
    pub keepalives_interval: Duration,
    pub keepalives_count: u32,
    pub application_name: String,
    /// This workstation's host name, sent at connect (`counterdesk.workstation`)
    /// so the server records it on every registration, decision and audit
    /// row; empty: not recorded. Set by the caller, never from the URL.
    pub workstation: String,
    /// `passfile=` in the URL; otherwise `PGPASSFILE`, then the default place.
    pub passfile: Option<PathBuf>,
}

/// Whether `--db`/`COUNTERDESK_DB` names the office server (a URL) rather
/// than a SQLite file path.
pub fn is_office_url(s: &str) -> bool {
    scheme_rest(s).is_some()
}

fn scheme_rest(s: &str) -> Option<&str> {
    ["postgresql://", "postgres://"].iter().find_map(|scheme| {
        s.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|_| &s[scheme.len()..])
    })
}

impl Target {
    /// Parses `postgres://user@host[:port]/dbname[?param=value&…]`.
    pub fn parse(url: &str) -> Result<Target, OfficeError> {
        let bad = |why: String| OfficeError::BadUrl(why);
        let rest = scheme_rest(url).ok_or_else(|| {
            bad("地址应以 postgres:// 或 postgresql:// 开头（例如 postgres://counterdesk_app@服务器/counterdesk）".into())
        })?;
        let (authority_path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if authority_path.contains('#') || query.contains('#') {
            return Err(bad("地址中不能有 #".into()));
        }
        let (authority, path) = authority_path
            .split_once('/')
            .unwrap_or((authority_path, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if userinfo.is_some_and(|u| u.contains(':')) {
            return Err(bad(
                "地址中不能写密码：密码请放在密码文件（PGPASSFILE）中，或在连接时输入".into(),
            ));
        }
        let user = userinfo
            .map(percent_decode)
            .transpose()?
            .unwrap_or_default();
        let (host, port) = split_host_port(hostport)?;
        let dbname = percent_decode(path)?;
        let mut t = Target {
            host,
            port,
            dbname,
            user,
            ssl: SslMode::Disable,
            ca_file: None,
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            keepalives: true,
            keepalives_idle: Duration::from_secs(10),
            keepalives_interval: Duration::from_secs(5),
            keepalives_count: 3,
            application_name: "counterdesk".into(),
            workstation: String::new(),
            passfile: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            t.set_param(&percent_decode(k)?, &percent_decode(v)?)?;
        }
        if t.host.is_empty() {
            return Err(bad("地址中缺少服务器名或 IP 地址".into()));
        }
        if t.user.is_empty() {
            return Err(bad(
                "地址中缺少用户名（例如 postgres://counterdesk_app@服务器/counterdesk）".into(),
            ));
        }
        if t.dbname.is_empty() {
            return Err(bad(
                "地址中缺少数据库名（例如 postgres://counterdesk_app@服务器/counterdesk）".into(),
            ));
        }
        if t.ssl == SslMode::VerifyFull && t.ca_file.is_none() {
            return Err(bad(
                "sslmode=verify-full 需要 sslrootcert=CA证书文件（PEM）".into(),
            ));
        }
        Ok(t)
    }

    /// The office server named by `COUNTERDESK_DB`, if that variable holds a
    /// URL (a path there means SQLite, which is not this module's business).
    pub fn from_env() -> Result<Option<Target>, OfficeError> {
        Target::from_db_value(std::env::var_os(DB_ENV).as_deref())
    }

    /// `--db`'s or `COUNTERDESK_DB`'s value: a target if it is a URL.
    pub fn from_db_value(value: Option<&std::ffi::OsStr>) -> Result<Option<Target>, OfficeError> {
        match value.and_then(|v| v.to_str()) {
            Some(s) if is_office_url(s) => Target::parse(s).map(Some),
            _ => Ok(None),
        }
    }

    fn set_param(&mut self, key: &str, value: &str) -> Result<(), OfficeError> {
        let bad = |why: String| OfficeError::BadUrl(why);
        let secs = |v: &str| -> Result<Duration, OfficeError> {
            v.parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| bad(format!("参数 {key} 应为整数秒，实际为“{v}”")))
        };
        match key {
            "sslmode" => {
                self.ssl = match value {
                    "disable" => SslMode::Disable,
                    "require" => SslMode::Require,
                    "verify-full" => SslMode::VerifyFull,
                    other => {
                        return Err(bad(format!(
                            "sslmode 只支持 disable、require、verify-full，实际为“{other}”"
                        )));
                    }
                }
            }
            "sslrootcert" => self.ca_file = Some(PathBuf::from(value)),
            "connect_timeout" => self.connect_timeout = secs(value)?,
            "statement_timeout" => self.statement_timeout = secs(value)?,
            "keepalives" => {
                self.keepalives = match value {
                    "1" => true,
                    "0" => false,
                    other => return Err(bad(format!("keepalives 应为 0 或 1，实际为“{other}”"))),
                }
            }
            "keepalives_idle" => self.keepalives_idle = secs(value)?,
            "keepalives_interval" => self.keepalives_interval = secs(value)?,
            "keepalives_count" => {
                self.keepalives_count = value
                    .parse()
                    .map_err(|_| bad(format!("keepalives_count 应为整数，实际为“{value}”")))?
            }
            "application_name" => self.application_name = value.to_owned(),
            "passfile" => self.passfile = Some(PathBuf::from(value)),
            "user" => self.user = value.to_owned(),
            "dbname" => self.dbname = value.to_owned(),
            "password" => {
                return Err(bad(
                    "地址中不能写密码：密码请放在密码文件（PGPASSFILE）中，或在连接时输入".into(),
                ));
            }
            other => return Err(bad(format!("不认识的地址参数“{other}”"))),
        }
        Ok(())
    }

    /// The host as a URL would write it (IPv6 in brackets).
    fn host_for_display(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
}

/// What the status bar shows: `办公室服务器 host/db`, the port only when it is
/// not the default. Never the user or a password.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "办公室服务器 {}", self.host_for_display())?;
        if self.port != DEFAULT_PORT {
            write!(f, ":{}", self.port)?;
        }
        write!(f, "/{}", self.dbname)
    }
}

fn split_host_port(s: &str) -> Result<(String, u16), OfficeError> {
    let bad = |why: String| OfficeError::BadUrl(why);
    if s.contains(',') {
        return Err(bad("只支持一个服务器地址".into()));
    }
    let (host, port) = if let Some(v6) = s.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| bad("IPv6 地址缺少 ]".into()))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| bad(format!("无法识别“{after}”")))?,
            ),
        };
        (h.to_owned(), port)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (percent_decode(h)?, Some(p)),
            None => (percent_decode(s)?, None),
        }
    };
    let port = match port {
        None | Some("") => DEFAULT_PORT,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad(format!("端口“{p}”无效")))?,
    };
    Ok((host, port))
}

/// `%XX` escapes as UTF-8 (a URL's user, database or parameter may be Chinese).
fn percent_decode(s: &str) -> Result<String, OfficeError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| OfficeError::BadUrl(format!("“{s}”中的 % 转义无效")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| OfficeError::BadUrl(format!("“{s}”不是有效的 UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_url_gets_the_defaults() {
        let t = Target::parse("postgres://counterdesk_app@hall-db/counterdesk").unwrap();
        assert_eq!(t.host, "hall-db");
        assert_eq!(t.port, 5432);
        assert_eq!(t.user, "counterdesk_app");
        assert_eq!(t.dbname, "counterdesk");
        assert_eq!(t.ssl, SslMode::Disable);
        assert_eq!(t.connect_timeout, Duration::from_secs(5));
        assert_eq!(t.statement_timeout, Duration::from_secs(30));
        assert!(t.keepalives);
        assert_eq!(t.to_string(), "办公室服务器 hall-db/counterdesk");
    }

    #[test]
    fn both_schemes_any_case_and_every_parameter() {
        let t = Target::parse(
            "PostgreSQL://app@10.0.0.5:5433/%E8%BD%A6%E7%AE%A1?sslmode=verify-full&sslrootcert=/etc/ca.pem\
             &connect_timeout=3&statement_timeout=12&keepalives_idle=7&keepalives_interval=2\
             &keepalives_count=4&application_name=counter-07&passfile=/home/c/.pgpass",
        )
        .unwrap();
        assert_eq!((t.host.as_str(), t.port), ("10.0.0.5", 5433));
        assert_eq!(t.dbname, "车管");
        assert_eq!(t.ssl, SslMode::VerifyFull);
        assert_eq!(t.ca_file, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(t.connect_timeout, Duration::from_secs(3));
        assert_eq!(t.statement_timeout, Duration::from_secs(12));
        assert_eq!(t.keepalives_idle, Duration::from_secs(7));
        assert_eq!(t.keepalives_interval, Duration::from_secs(2));
        assert_eq!(t.keepalives_count, 4);
        assert_eq!(t.application_name, "counter-07");
        assert_eq!(t.passfile, Some(PathBuf::from("/home/c/.pgpass")));
        assert_eq!(t.to_string(), "办公室服务器 10.0.0.5:5433/车管");
    }

    #[test]
    fn ipv6_hosts_keep_their_brackets_in_display_only() {
        let t = Target::parse("postgres://app@[fe80::1]:6000/cd").unwrap();
        assert_eq!(t.host, "fe80::1");
        assert_eq!(t.port, 6000);
        assert_eq!(t.to_string(), "办公室服务器 [fe80::1]:6000/cd");
        let t = Target::parse("postgres://app@[::1]/cd").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 5432));
    }

    #[test]
    fn a_password_in_the_url_is_refused_and_not_echoed() {
        for url in [
            "postgres://app:s3cret-pw@host/db",
            "postgres://app@host/db?password=s3cret-pw",
        ] {
            let e = Target::parse(url).unwrap_err();
            let text = e.to_string();
            assert!(text.contains("不能写密码"), "{text}");
            assert!(!text.contains("s3cret-pw"), "{text}");
        }
    }

    #[test]
    fn display_never_shows_the_user() {
        let t = Target::parse("postgres://zhang_admin@host/db").unwrap();
        assert!(!t.to_string().contains("zhang_admin"));
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        let cases = [
            ("mysql://a@b/c", "postgres://"),
            ("postgres://host/db", "用户名"),
            ("postgres://app@/db", "服务器"),
            ("postgres://app@host", "数据库名"),
            ("postgres://app@host:99999/db", "端口"),
            ("postgres://app@host:0/db", "端口"),
            ("postgres://app@h1,h2/db", "一个服务器"),
            ("postgres://app@host/db?sslmode=prefer", "sslmode"),
            ("postgres://app@host/db?sslmode=verify-full", "sslrootcert"),
            ("postgres://app@host/db?connect_timeout=5s", "整数秒"),
            ("postgres://app@host/db?keepalives=yes", "0 或 1"),
            ("postgres://app@host/db?target_session_attrs=any", "不认识"),
            ("postgres://app@host/db%zz", "转义"),
            ("postgres://app@[::1/db", "]"),
        ];
        for (url, needle) in cases {
            let text = Target::parse(url).unwrap_err().to_string();
            assert!(text.contains(needle), "{url}: {text}");
        }
    }

    #[test]
    fn office_urls_are_told_from_paths() {
        assert!(is_office_url("postgres://a@b/c"));
        assert!(is_office_url("POSTGRESQL://a@b/c"));
        assert!(!is_office_url("/var/lib/counterdesk.sqlite3"));
        assert!(!is_office_url("postgres.sqlite3"));
        assert!(!is_office_url(r"C:\data\postgres\cd.sqlite3"));
        assert!(!is_office_url("邮件"));
    }

    #[test]
    fn a_db_value_is_a_target_only_when_it_is_a_url() {
        use std::ffi::OsStr;
        assert_eq!(Target::from_db_value(None).unwrap(), None);
        let path = OsStr::new("/home/c/counterdesk.sqlite3");
        assert_eq!(Target::from_db_value(Some(path)).unwrap(), None);
        let url = OsStr::new("postgresql://app@hall/cd");
        let t = Target::from_db_value(Some(url)).unwrap().unwrap();
        assert_eq!(t.to_string(), "办公室服务器 hall/cd");
        assert!(Target::from_db_value(Some(OsStr::new("postgres://hall/cd"))).is_err());
    }

    #[test]
    fn user_and_dbname_may_also_come_as_parameters() {
        let t = Target::parse("postgres://host?user=app&dbname=cd").unwrap();
        assert_eq!((t.user.as_str(), t.dbname.as_str()), ("app", "cd"));
    }
}
