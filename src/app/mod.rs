//! Use cases that combine domain rules and the store. They run on the worker
//! thread; the UI sends [`worker::Request`]s and receives [`worker::Response`]s
//! over bounded channels, so the UI thread never waits on disk.

pub mod clerks;
pub mod demo;
pub mod exchange;
pub mod photo;
pub mod registration;
pub mod review;
pub mod runtime;
