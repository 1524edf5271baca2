//! The screenshot and keyboard tests (egui_kittest): one test binary (issue 21).

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/pg.rs"]
mod pg;

mod logging;
mod ui_db_check;
mod ui_exchange;
mod ui_foundation;
mod ui_id_check;
mod ui_keyboard;
mod ui_offline;
mod ui_photo_check;
mod ui_registration;
mod ui_review;
mod ui_sizes;
