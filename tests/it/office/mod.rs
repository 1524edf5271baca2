//! The office server (PostgreSQL) groundwork of issue 22: schema and
//! office-init, the workstation role's privileges, the audit head under
//! concurrency, a server stopped mid-transaction, TLS and passwords.
//! Databases come from one throwaway cluster per test binary (a test that
//! stops the server has its own); without PostgreSQL binaries the tests
//! return early after one loud message, and `COUNTERDESK_REQUIRE_PG=1`
//! (set by `.ci/run`) turns that into a failure.

#[path = "../../common/pg.rs"]
mod pg;

mod access;
mod chain;
/// The subcommands with `--db postgres://…`, `office-init`, `migrate`.
mod cli;
mod connect;
/// The store contract, run on SQLite and on the server.
mod contract;
mod faults;
/// `counterdesk migrate`: a workstation's file into the server.
mod migrate;
mod schema;
/// Office mode through the app: unknown commits, reconnects, LISTEN/NOTIFY,
/// the server's clock, the workstation on every row.
mod wiring;

use postgres::error::SqlState;

/// The SQLSTATE of a failed statement, for assertions.
fn code(e: &postgres::Error) -> SqlState {
    e.code()
        .cloned()
        .unwrap_or_else(|| panic!("no SQLSTATE in {e:?}"))
}
