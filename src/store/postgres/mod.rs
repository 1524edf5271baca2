//! Office mode (issue 22): everything that speaks to the office PostgreSQL
//! server — the connection (URL, TLS, passfile, timeouts), the schema as
//! numbered PostgreSQL migrations, `office-init` (roles, schema, grants),
//! the audit append function, the "store changed" channel, and the backend
//! behind the storage seam ([`PgStore`], whose transaction [`PgTx`]
//! implements every family trait). See docs/office.md.

mod admin;
mod audit;
mod connect;
mod error;
mod migrate_in;
pub(crate) mod migrations;
mod notify;
mod office_init;
mod passfile;
mod store;
mod target;
mod tls;
mod tx;

pub use admin::{InitOutcome, OfficeAdmin, workstation_url};
pub use audit::{anchor as audit_anchor, append as append_audit};
pub use connect::{AskPassword, Connector, IDLE_IN_TRANSACTION_TIMEOUT, Prompt, password_missing};
pub use error::{OfficeError, connection_lost};
pub use migrate_in::{Collision, MigrateInError, MigrateJob, MigrateReport, Renames, migrate_in};
pub use migrations::{LATEST_VERSION, MIGRATION_LOCK, MIGRATIONS, MigrateError, Migrated, migrate};
pub use notify::{OfficeWatch, listen, next_change};
pub use office_init::{
    APP_FUNCTIONS, APP_GRANTS, InitReport, check_schema_version, mismatch, office_init,
    schema_version, set_app_password,
};
pub use passfile::{Lookup as PassfileLookup, find as passfile_find, read as read_passfile};
pub use store::PgStore;
pub use target::{DB_ENV, DEFAULT_PORT, SslMode, Target, is_office_url};
pub use tx::PgTx;

/// The schema that holds every workstation table on the server.
pub const SCHEMA: &str = "counterdesk";
/// Owns the schema and its objects; cannot log in.
pub const OWNER_ROLE: &str = "counterdesk_owner";
/// What workstations log in as: DML where needed, no DDL.
pub const APP_ROLE: &str = "counterdesk_app";
/// The one NOTIFY channel for "store changed".
pub const CHANGED_CHANNEL: &str = "counterdesk_changed";
