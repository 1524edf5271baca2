//! `office-init`: prepares one database on the office server, idempotently.
//! - Roles (cluster-wide, so a second database reuses them):
//!   `counterdesk_owner` (NOLOGIN) owns the schema, its tables and functions;
//!   `counterdesk_app` (LOGIN) is what workstations connect as.
//! - The schema `counterdesk`, migrated as the owner.
//! - Privileges: the app role gets exactly [`APP_GRANTS`] (DML where the
//!   store writes, SELECT elsewhere), no DDL anywhere (no CREATE on any
//!   schema, no TEMP), no UPDATE/DELETE/INSERT on the audit tables, and
//!   EXECUTE only on `audit_append()`, `audit_stage()` and `bulk_insert_end()`.
//!
//! It is the only thing that changes the schema; a workstation checks the
//! version with [`check_schema_version`] and refuses to start on a mismatch.

use ::postgres::Client;
use ::postgres::error::SqlState;

use super::error::OfficeError;
use super::migrations::{self, LATEST_VERSION, MIGRATION_LOCK, MigrateError, Migrated};
use super::target::Target;
use super::{APP_ROLE, OWNER_ROLE, SCHEMA};

/// What the workstation role may do, table by table. A table missing here
/// makes office-init fail, so a new migration cannot forget its grant.
pub const APP_GRANTS: &[(&str, &str)] = &[
    ("schema_migrations", "SELECT"),
    ("clerks", "SELECT, INSERT, UPDATE"),
    ("settings", "SELECT, INSERT, UPDATE"),
    // Appends go through audit_append() (SECURITY DEFINER), nothing else.
    ("audit_log", "SELECT"),
    ("audit_head", "SELECT"),
    // Staged rows (migration 16): only audit_stage() and the commit
    // trigger, both the owner's, touch them.
    ("audit_pending", ""),
    ("drafts", "SELECT, INSERT, UPDATE"),
    ("registrations", "SELECT, INSERT, UPDATE"),
    ("registration_counters", "SELECT, INSERT, UPDATE"),
    ("scan_blobs", "SELECT, INSERT"),
    ("attachments", "SELECT, INSERT"),
    ("blobs", "SELECT, INSERT"),
    // UPDATE also covers the claim's SELECT … FOR UPDATE SKIP LOCKED.
    ("applications", "SELECT, INSERT, UPDATE"),
    // Kept by SECURITY DEFINER triggers.
    ("queue_counts", "SELECT"),
    ("decisions", "SELECT, INSERT"),
    ("outbox", "SELECT, INSERT, UPDATE"),
    ("export_marks", "SELECT, INSERT, UPDATE"),
    // UPDATE: an export moves from 'writing' to 'done'.
    ("exports", "SELECT, INSERT, UPDATE"),
    // Rows wait here until an export carries them (filled by triggers).
    ("export_pending", "SELECT, UPDATE, DELETE"),
    // UPDATE: marked removed once an export finds the folder again.
    ("export_leftovers", "SELECT, INSERT, UPDATE"),
    ("anchors", "SELECT, INSERT"),
    ("backups", "SELECT, INSERT"),
    ("imports", "SELECT, INSERT"),
    ("registration_changes", "SELECT"),
    ("decision_days", "SELECT"),
    ("decision_reasons", "SELECT"),
    // One counter at a time per clerk: a sign-in replaces, a sign-out deletes.
    ("sessions", "SELECT, INSERT, UPDATE, DELETE"),
    // Written only by `counterdesk migrate` (as the owner); read by the
    // workstation's verifier.
    ("workstation_migrations", "SELECT"),
    ("audit_chapters", "SELECT"),
];

/// The functions the workstation role may call (with their signatures).
pub const APP_FUNCTIONS: &[&str] = &[
    "audit_append(bigint, text, text, text, text)",
    // Stages a row that joins the chain at commit (migration 16).
    "audit_stage(bigint, text, text, text, text)",
    // Ends a bulk import: counts its rows into queue_counts (migration 10).
    "bulk_insert_end(bigint)",
];

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// Roles this run created (empty when the cluster already had them).
    pub created_roles: Vec<&'static str>,
    pub migrated: Migrated,
}

/// Prepares the database `admin` is connected to. `admin` must be a
/// superuser (the roles are cluster-wide and the owner role has no login).
/// Safe to run again, and from two places at once.
pub fn office_init(admin: &mut Client, target: &Target) -> Result<InitReport, OfficeError> {
    let db = |e| OfficeError::db(target, e);
    let row = admin
        .query_one(
            "SELECT current_user::text, r.rolsuper, pg_encoding_to_char(d.encoding)::text \
             FROM pg_roles r, pg_database d \
             WHERE r.rolname = current_user AND d.datname = current_database()",
            &[],
        )
        .map_err(db)?;
    let (user, superuser, encoding): (String, bool, String) = (row.get(0), row.get(1), row.get(2));
    if !superuser {
        return Err(OfficeError::NotSuperuser {
            target: target.to_string(),
            user,
        });
    }
    if encoding != "UTF8" {
        // The audit hash counts UTF-8 bytes on the server.
        return Err(OfficeError::Encoding {
            target: target.to_string(),
            encoding,
        });
    }
    // No statement limit for DDL (a later migration may build an index on
    // a big table).
    admin
        .batch_execute("SET statement_timeout = 0")
        .map_err(db)?;
    let created_roles = ensure_roles(admin).map_err(db)?;
    ensure_schema(admin).map_err(db)?;
    let migrated = migrations::migrate(admin).map_err(|e| match e {
        MigrateError::Newer { found, .. } => mismatch(target, found),
        MigrateError::Db(e) => db(e),
    })?;
    grant(admin, target)?;
    tracing::info!(
        created_roles = created_roles.len(),
        from = migrated.from,
        to = migrated.to,
        "office-init done"
    );
    Ok(InitReport {
        created_roles,
        migrated,
    })
}

/// Creates the two roles if missing and puts their attributes right. Only
/// what differs is altered: two office-inits at once (for two databases)
/// would otherwise race on the same catalog rows ("tuple concurrently
/// updated").
fn ensure_roles(admin: &mut Client) -> Result<Vec<&'static str>, ::postgres::Error> {
    let plain = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
    let mut created = Vec::new();
    for (role, login) in [(OWNER_ROLE, false), (APP_ROLE, true)] {
        let attributes = format!(
            "{} {}{plain}",
            if login { "LOGIN" } else { "NOLOGIN" },
            if login { "NOINHERIT " } else { "" }
        );
        let found = admin.query_opt(
            "SELECT rolcanlogin, rolinherit, \
                    rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls \
             FROM pg_roles WHERE rolname = $1",
            &[&role],
        )?;
        match found {
            None => match admin.batch_execute(&format!("CREATE ROLE {role} {attributes}")) {
                Ok(()) => created.push(role),
                // Another office-init (another database) won the race.
                Err(e)
                    if e.code() == Some(&SqlState::DUPLICATE_OBJECT)
                        || e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {}
                Err(e) => return Err(e),
            },
            Some(r) => {
                let (can_login, inherit, powerful): (bool, bool, bool) =
                    (r.get(0), r.get(1), r.get(2));
                if can_login != login || (login && inherit) || powerful {
                    admin.batch_execute(&format!("ALTER ROLE {role} {attributes}"))?;
                }
            }
        }
    }
    // Also for IT's own psql sessions as the workstation role.
    let has_path = admin
        .query_opt(
            "SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole \
             WHERE r.rolname = $1 AND s.setdatabase = 0 AND $2 = ANY (s.setconfig)",
            &[&APP_ROLE, &format!("search_path={SCHEMA}")],
        )?
        .is_some();
    if !has_path {
        admin.batch_execute(&format!("ALTER ROLE {APP_ROLE} SET search_path = {SCHEMA}"))?;
    }
    // The app role must never be able to SET ROLE to the owner.
    let member = admin
        .query_opt(
            "SELECT 1 FROM pg_auth_members m \
             JOIN pg_roles o ON o.oid = m.roleid JOIN pg_roles a ON a.oid = m.member \
             WHERE o.rolname = $1 AND a.rolname = $2",
            &[&OWNER_ROLE, &APP_ROLE],
        )?
        .is_some();
    if member {
        admin.batch_execute(&format!("REVOKE {OWNER_ROLE} FROM {APP_ROLE}"))?;
    }
    Ok(created)
}

/// The schema, owned by the owner role; no CREATE for anyone else, in this
/// schema, in `public`, or as temporary tables.
fn ensure_schema(admin: &mut Client) -> Result<(), ::postgres::Error> {
    let mut tx = admin.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {SCHEMA} AUTHORIZATION {OWNER_ROLE};
         ALTER SCHEMA {SCHEMA} OWNER TO {OWNER_ROLE};
         REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
         GRANT USAGE ON SCHEMA {SCHEMA} TO {APP_ROLE};
         DO $$
         BEGIN
             IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                 REVOKE CREATE ON SCHEMA public FROM PUBLIC;
             END IF;
             EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC',
                            current_database());
             EXECUTE format('GRANT CONNECT ON DATABASE %I TO {APP_ROLE}', current_database());
         END $$;"
    ))?;
    tx.commit()
}

/// Sets the app role's privileges to exactly [`APP_GRANTS`] and
/// [`APP_FUNCTIONS`], and fails if a table in the schema has no entry.
fn grant(admin: &mut Client, target: &Target) -> Result<(), OfficeError> {
    let db = |e| OfficeError::db(target, e);
    let mut tx = admin.transaction().map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(db)?;
    let tables: Vec<String> = tx
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
            &[&SCHEMA],
        )
        .map_err(db)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if let Some(missing) = tables
        .iter()
        .find(|t| !APP_GRANTS.iter().any(|(name, _)| *name == t.as_str()))
    {
        return Err(OfficeError::Rejected(format!(
            "表 {missing} 没有为 {APP_ROLE} 规定权限（office_init.rs 的 APP_GRANTS），未授权。"
        )));
    }
    let mut sql = format!(
        "REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM PUBLIC, {APP_ROLE};
         REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM PUBLIC, {APP_ROLE};
         REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {SCHEMA} FROM PUBLIC, {APP_ROLE};\n"
    );
    for (table, privileges) in APP_GRANTS.iter().filter(|(_, p)| !p.is_empty()) {
        sql.push_str(&format!(
            "GRANT {privileges} ON {SCHEMA}.{table} TO {APP_ROLE};\n"
        ));
    }
    for function in APP_FUNCTIONS {
        sql.push_str(&format!(
            "GRANT EXECUTE ON FUNCTION {SCHEMA}.{function} TO {APP_ROLE};\n"
        ));
    }
    tx.batch_execute(&sql).map_err(db)?;
    tx.commit().map_err(db)
}

/// Sets the workstation role's password. The SCRAM-SHA-256 verifier is
/// computed here, so the server (and its statement log) never sees the
/// password itself.
pub fn set_app_password(
    admin: &mut Client,
    target: &Target,
    password: &str,
) -> Result<(), OfficeError> {
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    // Base64, digits and "SCRAM-SHA-256$…:…$…:…": nothing that could end
    // the quoted literal.
    if !verifier
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=$:-".contains(c))
    {
        return Err(OfficeError::Rejected("密码摘要格式异常，未修改。".into()));
    }
    admin
        .batch_execute(&format!("ALTER ROLE {APP_ROLE} PASSWORD '{verifier}'"))
        .map_err(|e| OfficeError::db(target, e))
}

/// The server's schema version, `None` when office-init never ran there.
pub fn schema_version(client: &mut Client) -> Result<Option<i64>, ::postgres::Error> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL",
            &[&format!("{SCHEMA}.schema_migrations")],
        )?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = client.query_one(
        format!("SELECT max(version) FROM {SCHEMA}.schema_migrations").as_str(),
        &[],
    )?;
    Ok(row.get(0))
}

/// A workstation's start-up check: the server must be at exactly this
/// build's version; otherwise the message tells IT to run office-init (or
/// to upgrade the workstation).
pub fn check_schema_version(client: &mut Client, target: &Target) -> Result<i64, OfficeError> {
    match schema_version(client).map_err(|e| OfficeError::db(target, e))? {
        None => Err(OfficeError::NotInitialised {
            target: target.to_string(),
        }),
        Some(v) if v == LATEST_VERSION => Ok(v),
        Some(v) => Err(mismatch(target, v)),
    }
}

/// The server is at `server`, this build at [`LATEST_VERSION`].
pub fn mismatch(target: &Target, server: i64) -> OfficeError {
    OfficeError::SchemaMismatch {
        target: target.to_string(),
        server,
        build: LATEST_VERSION,
        advice: if server < LATEST_VERSION {
            "请由信息科先运行新版本的 counterdesk office-init 升级服务器，再打开工作台。"
        } else {
            "服务器已由更新版本的 counterdesk office-init 升级，请把本工作台升级到同一版本。"
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_write_grant_on_audit_or_derived_tables() {
        for (table, privileges) in APP_GRANTS {
            if table.starts_with("audit")
                || [
                    "queue_counts",
                    "registration_changes",
                    "decision_days",
                    "decision_reasons",
                    "schema_migrations",
                ]
                .contains(table)
            {
                // Staged audit rows: not even SELECT (migration 16).
                let read = if *table == "audit_pending" {
                    ""
                } else {
                    "SELECT"
                };
                assert_eq!(*privileges, read, "{table}");
            }
            // Only the export work queue shrinks (rows leave once exported),
            // and a sign-out ends a session (presence, not a record: the
            // audit log keeps the sign-in and sign-out).
            assert!(
                ["export_pending", "sessions"].contains(table) || !privileges.contains("DELETE"),
                "{table}: nothing deletes"
            );
            assert!(!privileges.contains("TRUNCATE") && !privileges.contains("ALL"));
        }
    }

    #[test]
    fn every_mismatch_names_office_init() {
        let t = Target::parse("postgres://a@h/d").unwrap();
        let errors = [
            OfficeError::NotInitialised {
                target: t.to_string(),
            },
            mismatch(&t, LATEST_VERSION - 1),
            mismatch(&t, LATEST_VERSION + 1),
        ];
        for e in errors {
            let text = e.to_string();
            assert!(text.contains("office-init"), "{text}");
            assert!(text.contains("办公室服务器 h/d"), "{text}");
        }
    }
}
