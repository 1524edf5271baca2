//! What every use case runs on: the worker threads and their dispatch, the
//! job runner, the store-changed signal, the clock, paths, logs and the one
//! error type.

pub mod call;
pub mod clock;
pub mod error;
pub mod files;
pub mod jobs;
pub mod logging;
pub mod os_account;
pub mod paths;
pub mod record_clock;
pub mod server_probe;
pub mod store_watch;
pub mod worker;
