//! Use cases that combine domain rules and the store. They run on the worker
//! thread; the UI sends [`worker::Request`]s and receives [`worker::Response`]s
//! over bounded channels, so the UI thread never waits on disk.

pub mod access;
pub mod accounts;
pub mod attachments;
pub mod audit_view;
pub mod backup;
pub mod clock;
pub mod dashboard;
pub mod db_check;
pub mod demo;
pub mod demo_queue;
pub mod demo_registrations;
pub mod document_view;
pub mod drafts;
pub mod error;
pub mod exchange;
pub mod files;
pub mod jobs;
pub mod logging;
pub mod os_account;
pub mod paths;
pub mod photo_intake;
pub mod photo_view;
pub mod receipt;
pub mod recovery;
pub mod registration;
mod registration_view;
pub mod review;
pub mod session;
pub mod session_clerk;
pub mod settings;
pub mod setup;
pub mod store_watch;
pub mod worker;
