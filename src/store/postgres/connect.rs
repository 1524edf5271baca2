//! Connecting to the office server: the blocking `postgres` client over the
//! rustls connector, every call bounded (connect timeout, statement timeout,
//! keepalives on both ends, idle-in-transaction limit), the password from
//! the passfile, or typed at a prompt when the server asks for one and stdin
//! is a terminal. The typed password is kept in memory for reconnects; it is
//! never logged, never part of an error, never taken from the command line.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use ::postgres::config::SslMode as PgSslMode;
use ::postgres::error::SqlState;
use ::postgres::{Client, Config};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::SCHEMA;
use super::error::OfficeError;
use super::passfile;
use super::target::{SslMode, Target};

/// An open transaction left idle this long is ended by the server, so a
/// workstation that hangs (or loses its cable) mid-write cannot hold the
/// audit head or a queue row for the whole hall.
pub const IDLE_IN_TRANSACTION_TIMEOUT: Duration = Duration::from_secs(60);

/// Asks for a password: gets the target's display text and the user name.
pub type AskPassword = dyn Fn(&str, &str) -> std::io::Result<String> + Send + Sync;

/// Where a password comes from when the server asks and the passfile has none.
pub enum Prompt {
    /// Ask on the terminal, only if stdin is one (the window never prompts).
    Terminal,
    /// Never ask: fail with [`OfficeError::PasswordNeeded`].
    Never,
    /// A caller-supplied prompt (a dialog later; tests now).
    With(Box<AskPassword>),
}

/// Makes connections to one target; cheap to keep for the life of a worker.
pub struct Connector {
    target: Target,
    tls: MakeRustlsConnect,
    prompt: Prompt,
    /// A password typed at the prompt, reused when reconnecting.
    typed: Mutex<Option<String>>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Prepares TLS (reads the CA file once) without touching the network.
    pub fn new(target: Target, prompt: Prompt) -> Result<Self, OfficeError> {
        let tls = super::tls::connector(&target)?;
        Ok(Connector {
            target,
            tls,
            prompt,
            typed: Mutex::new(None),
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The driver configuration, without any password.
    pub fn config(&self) -> Config {
        let t = &self.target;
        let mut c = Config::new();
        c.host(&t.host)
            .port(t.port)
            .user(&t.user)
            .dbname(&t.dbname)
            .application_name(&t.application_name)
            .connect_timeout(t.connect_timeout)
            .keepalives(t.keepalives)
            .ssl_mode(match t.ssl {
                SslMode::Disable => PgSslMode::Disable,
                SslMode::Require | SslMode::VerifyFull => PgSslMode::Require,
            })
            .options(&session_options(t));
        if t.keepalives {
            c.keepalives_idle(t.keepalives_idle)
                .keepalives_interval(t.keepalives_interval)
                .keepalives_retries(t.keepalives_count)
                // Unacknowledged data (a write into a pulled cable) gives up
                // after the same time the keepalives would.
                .tcp_user_timeout(dead_after(t));
        }
        c
    }

    /// A new connection. Passfile first; if the server asks for a password
    /// the file does not have, the prompt (at most once per call).
    pub fn connect(&self) -> Result<Client, OfficeError> {
        let mut config = self.config();
        let typed = self.typed_password();
        let mut note = String::new();
        let known = match typed {
            Some(pw) => Some(pw),
            None => {
                let t = &self.target;
                let lookup = passfile::path(t.passfile.as_deref())
                    .map(|p| passfile::read(&p, &t.host, t.port, &t.dbname, &t.user))
                    .unwrap_or_default();
                note = lookup.ignored.unwrap_or_default();
                lookup.password
            }
        };
        if let Some(pw) = &known {
            config.password(pw);
        }
        match config.connect(self.tls.clone()) {
            Ok(client) => Ok(client),
            Err(e) if password_missing(&e) => {
                let Some(pw) = self.ask()? else {
                    return Err(OfficeError::PasswordNeeded {
                        target: self.target.to_string(),
                        user: self.target.user.clone(),
                        note,
                    });
                };
                config.password(&pw);
                let client = config
                    .connect(self.tls.clone())
                    .map_err(|e| OfficeError::connect(&self.target, e))?;
                self.set_typed(Some(pw));
                Ok(client)
            }
            Err(e) => {
                if e.code() == Some(&SqlState::INVALID_PASSWORD) {
                    // Changed on the server meanwhile: ask again next time.
                    self.set_typed(None);
                }
                Err(OfficeError::connect(&self.target, e))
            }
        }
    }

    fn ask(&self) -> Result<Option<String>, OfficeError> {
        let shown = self.target.to_string();
        let read = match &self.prompt {
            Prompt::Never => return Ok(None),
            Prompt::Terminal if !std::io::stdin().is_terminal() => return Ok(None),
            Prompt::Terminal => {
                rpassword::prompt_password(format!("{shown} 用户 {} 的密码：", self.target.user))
            }
            Prompt::With(f) => f(&shown, &self.target.user),
        };
        read.map(Some)
            .map_err(|e| OfficeError::Rejected(format!("无法读取密码（{e}）")))
    }

    fn typed_password(&self) -> Option<String> {
        self.typed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set_typed(&self, pw: Option<String>) {
        *self.typed.lock().unwrap_or_else(|p| p.into_inner()) = pw;
    }
}

/// How long a silent peer takes to be declared dead by the keepalives.
fn dead_after(t: &Target) -> Duration {
    t.keepalives_idle + t.keepalives_interval * t.keepalives_count
}

/// The session setting the server's column defaults read the workstation
/// from (registrations, decisions, audit_log: migration 12).
pub const WORKSTATION_SETTING: &str = "counterdesk.workstation";

/// A host name as one startup-option value: letters, digits, `.`, `-` and
/// `_` kept, anything else (spaces, quotes, backslashes) becomes `_`, at
/// most 63 characters, so it can never add an option of its own.
fn option_value(s: &str) -> String {
    s.chars()
        .take(63)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Settings the server applies to this session from the start (no extra
/// round trip): limits, the schema, the server's own keepalives, UTC.
fn session_options(t: &Target) -> String {
    let mut o = format!(
        "-c statement_timeout={}ms -c idle_in_transaction_session_timeout={}ms \
         -c search_path={SCHEMA} -c TimeZone=UTC",
        t.statement_timeout.as_millis(),
        IDLE_IN_TRANSACTION_TIMEOUT.as_millis(),
    );
    let ws = option_value(&t.workstation);
    if !ws.is_empty() {
        o.push_str(&format!(" -c {WORKSTATION_SETTING}={ws}"));
    }
    if t.keepalives {
        o.push_str(&format!(
            " -c tcp_keepalives_idle={} -c tcp_keepalives_interval={} -c tcp_keepalives_count={}",
            t.keepalives_idle.as_secs(),
            t.keepalives_interval.as_secs(),
            t.keepalives_count
        ));
    }
    o
}

/// The server asked for a password and the configuration had none. The
/// driver only says so in the error's source text.
pub fn password_missing(e: &::postgres::Error) -> bool {
    e.code().is_none()
        && std::error::Error::source(e).is_some_and(|s| s.to_string() == "password missing")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connector(url: &str) -> Connector {
        Connector::new(Target::parse(url).unwrap(), Prompt::Never).unwrap()
    }

    #[test]
    fn every_limit_reaches_the_driver_and_the_session() {
        let c = connector(
            "postgres://app@10.1.2.3:5433/cd?connect_timeout=4&statement_timeout=9\
             &keepalives_idle=8&keepalives_interval=3&keepalives_count=2",
        )
        .config();
        assert_eq!(c.get_hosts().len(), 1);
        assert_eq!(c.get_ports(), &[5433]);
        assert_eq!(c.get_user(), Some("app"));
        assert_eq!(c.get_dbname(), Some("cd"));
        assert_eq!(c.get_password(), None);
        assert_eq!(c.get_connect_timeout(), Some(&Duration::from_secs(4)));
        assert!(c.get_keepalives());
        assert_eq!(c.get_keepalives_idle(), Duration::from_secs(8));
        assert_eq!(c.get_keepalives_interval(), Some(Duration::from_secs(3)));
        assert_eq!(c.get_keepalives_retries(), Some(2));
        assert_eq!(c.get_tcp_user_timeout(), Some(&Duration::from_secs(14)));
        assert_eq!(c.get_ssl_mode(), PgSslMode::Disable);
        let o = c.get_options().unwrap();
        for part in [
            "statement_timeout=9000ms",
            "idle_in_transaction_session_timeout=60000ms",
            "search_path=counterdesk",
            "tcp_keepalives_idle=8",
            "tcp_keepalives_interval=3",
            "tcp_keepalives_count=2",
            "TimeZone=UTC",
        ] {
            assert!(o.contains(part), "{o}");
        }
    }

    #[test]
    fn tls_modes_map_to_require_and_keepalives_can_be_off() {
        let c = connector("postgres://a@h/d?sslmode=require&keepalives=0").config();
        assert_eq!(c.get_ssl_mode(), PgSslMode::Require);
        assert!(!c.get_keepalives());
        assert!(!c.get_options().unwrap().contains("tcp_keepalives"));
    }

    #[test]
    fn debug_shows_no_password() {
        let c = connector("postgres://a@h/d");
        c.set_typed(Some("typed-s3cret".into()));
        assert!(!format!("{c:?}").contains("typed-s3cret"));
        let mut cfg = c.config();
        cfg.password("typed-s3cret");
        assert!(!format!("{cfg:?}").contains("typed-s3cret"));
    }
}
