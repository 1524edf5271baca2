//! The frame around every screen: the phase machine, the shell (navigation,
//! status bar), the screen registry and ids, requests and their replies.

pub mod app;
pub(crate) mod commands;
pub mod db_error;
pub mod frame;
pub(crate) mod frame_timer;
pub mod offline;
pub mod outbox;
pub mod registry;
pub(crate) mod routing;
pub mod screen;
pub mod screen_id;
pub mod session;
