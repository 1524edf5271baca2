//! The server commands run as the database administrator (`counterdesk
//! office-init postgres://ADMIN@host/db`): one superuser connection, the
//! idempotent [`office_init`], the workstation role's password, and what to
//! report (what was there before, the URL workstations use).

use ::postgres::Client;

use super::connect::{Connector, Prompt};
use super::error::OfficeError;
use super::office_init::{InitReport, office_init, schema_version, set_app_password};
use super::target::{DEFAULT_PORT, SslMode, Target};
use super::{APP_ROLE, OWNER_ROLE};

/// An administrator's connection to one office database.
pub struct OfficeAdmin {
    client: Client,
    target: Target,
}

/// What one `office-init` run found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOutcome {
    pub report: InitReport,
    /// The schema version before this run (`None`: never initialised).
    pub version_before: Option<i64>,
    /// Roles that existed before this run (of the owner and the app role).
    pub roles_kept: Vec<&'static str>,
}

impl OfficeAdmin {
    /// Connects as the URL's user (a superuser, e.g. `postgres`); the
    /// password from the passfile, or typed at `prompt`.
    pub fn connect(target: Target, prompt: Prompt) -> Result<Self, OfficeError> {
        let client = Connector::new(target.clone(), prompt)?.connect()?;
        Ok(OfficeAdmin { client, target })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Roles, schema, migrations and grants (see [`office_init`]); safe to
    /// run again.
    pub fn init(&mut self) -> Result<InitOutcome, OfficeError> {
        let version_before =
            schema_version(&mut self.client).map_err(|e| OfficeError::db(&self.target, e))?;
        let report = office_init(&mut self.client, &self.target)?;
        let roles_kept = [OWNER_ROLE, APP_ROLE]
            .into_iter()
            .filter(|r| !report.created_roles.contains(r))
            .collect();
        Ok(InitOutcome {
            report,
            version_before,
            roles_kept,
        })
    }

    /// Sets the workstation role's password (only its SCRAM verifier
    /// reaches the server).
    pub fn set_app_password(&mut self, password: &str) -> Result<(), OfficeError> {
        if password.is_empty() {
            return Err(OfficeError::Rejected(
                "工作站账号的密码不能为空，未修改。".into(),
            ));
        }
        set_app_password(&mut self.client, &self.target, password)
    }

    /// Whether the workstation role has a password at all (without one it
    /// cannot log in over scram-sha-256).
    pub fn app_has_password(&mut self) -> Result<bool, OfficeError> {
        self.client
            .query_opt(
                "SELECT 1 FROM pg_authid WHERE rolname = $1 AND rolpassword IS NOT NULL",
                &[&APP_ROLE],
            )
            .map(|r| r.is_some())
            .map_err(|e| OfficeError::db(&self.target, e))
    }
}

/// The URL workstations use for the database `admin` names: the same
/// server, database and TLS settings, as `counterdesk_app`, no password.
pub fn workstation_url(admin: &Target) -> String {
    let host = if admin.host.contains(':') {
        format!("[{}]", admin.host)
    } else {
        admin.host.clone()
    };
    let port = if admin.port == DEFAULT_PORT {
        String::new()
    } else {
        format!(":{}", admin.port)
    };
    let mut url = format!("postgres://{APP_ROLE}@{host}{port}/{}", admin.dbname);
    match admin.ssl {
        SslMode::Disable => {}
        SslMode::Require => url.push_str("?sslmode=require"),
        SslMode::VerifyFull => {
            url.push_str("?sslmode=verify-full");
            if let Some(ca) = &admin.ca_file {
                url.push_str(&format!("&sslrootcert={}", ca.display()));
            }
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workstation_url_keeps_server_database_and_tls_but_not_the_admin() {
        let t = Target::parse("postgres://postgres@10.1.2.3/cgs").unwrap();
        assert_eq!(
            workstation_url(&t),
            "postgres://counterdesk_app@10.1.2.3/cgs"
        );
        let t = Target::parse(
            "postgresql://postgres@db.hall:5433/cgs?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        )
        .unwrap();
        assert_eq!(
            workstation_url(&t),
            "postgres://counterdesk_app@db.hall:5433/cgs?sslmode=verify-full&sslrootcert=/etc/ca.pem"
        );
        // The URL must parse back into a target for the same database.
        let back = Target::parse(&workstation_url(&t)).unwrap();
        assert_eq!(
            (back.host, back.port, back.dbname),
            ("db.hall".into(), 5433, "cgs".into())
        );
    }
}
