//! Headless subcommands. `main.rs` parses arguments; these functions do the work
//! and return the process exit code (0 all valid, 1 some invalid, 2 usage error).

pub mod audit;
pub mod check_db;
pub mod docs;
pub mod exchange;
pub mod photo;
pub mod queue;
pub mod recovery;
pub mod registrations;
