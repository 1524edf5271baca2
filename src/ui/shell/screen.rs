//! A screen is one file behind the tiny [`Screen`] trait, plus one line in
//! `screen_id.rs` (what it is) and one in `registry.rs` (how it is made).

use crate::store::Location;
use std::any::Any;

use chrono::{DateTime, NaiveDate, Utc};
use eframe::egui;

use crate::ui::shell::outbox::Command;

use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Response;
use crate::domain::clerks::settings::Settings;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Outbox;

/// Read-only facts a screen may show.
pub struct ScreenCx<'a> {
    pub clerk: &'a SessionClerk,
    pub settings: &'a Settings,
    pub db: &'a Location,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub busy: bool,
}

impl<'a> ScreenCx<'a> {
    /// The one way a context is made: `today` is `now`'s date in China
    /// Standard Time, whatever the PC's own setting.
    pub fn new(
        clerk: &'a SessionClerk,
        settings: &'a Settings,
        db: &'a Location,
        now: DateTime<Utc>,
        busy: bool,
    ) -> Self {
        ScreenCx {
            clerk,
            settings,
            db,
            now,
            today: crate::app::runtime::clock::to_local(now).date_naive(),
            busy,
        }
    }
}

/// What a new screen is made with.
pub struct ScreenEnv {
    pub picker: crate::ui::kit::file_picker::PickerFactory,
    pub today: NaiveDate,
}

pub trait Screen {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox);
    /// Keys this screen owns (e.g. the review keys), taken out of the input
    /// before any widget sees them. Called only while no dialog is open.
    fn shortcuts(&mut self, _input: &mut egui::InputState, _out: &mut Outbox) {}
    /// Called every frame before drawing, even when not shown (lease
    /// renewal, polling background jobs).
    fn tick(&mut self, _cx: &ScreenCx<'_>, _out: &mut Outbox) {}
    /// When `tick` next has timed work to do (e.g. renew a claim), so an
    /// idle window sleeps until then instead of repainting on a timer.
    fn wake_at(&self) -> Option<DateTime<Utc>> {
        None
    }
    /// The screen locked (or the clerk is signing out): the worker gives back
    /// the clerk's claims, so forget any ticket held.
    fn on_lock(&mut self) {}
    /// The same clerk unlocked: take back what the lock gave up, if still free.
    fn on_unlock(&mut self, _out: &mut Outbox) {}
    /// The clerk arrived at the screen (refresh lists, focus the first field).
    fn on_open(&mut self, _cx: &ScreenCx<'_>, _out: &mut Outbox) {}
    /// Another screen asked to open one of this screen's records
    /// ([`Command::OpenRecord`]); `label` is the number the clerk knows it by.
    fn open_record(&mut self, _id: i64, _label: &str, _out: &mut Outbox) {}
    /// Something was committed to the database (another window or process,
    /// or this window's own writer): refresh what is on screen, keeping the
    /// selection and scroll position. `shown`: this is the current screen;
    /// others may note it and refresh when the clerk comes back.
    fn on_store_changed(&mut self, _shown: bool, _out: &mut Outbox) {}
    /// A reply to a request this screen sent.
    fn on_reply(&mut self, _reply: Response, _out: &mut Outbox) {}
    /// A request this screen sent failed: shown on the screen by default.
    fn on_failed(&mut self, err: AppError, out: &mut Outbox) {
        out.push(Command::Toast(Message::error(err.to_string())));
    }
    /// Unfinished input to save as the clerk's draft (`None`: nothing).
    fn draft(&self) -> Option<serde_json::Value> {
        None
    }
    fn restore(&mut self, _draft: serde_json::Value) {}
    /// Input that leaving would make the clerk re-type (asks before logout).
    fn is_dirty(&self) -> bool {
        false
    }
    /// Background work still running (tests wait on it).
    fn is_busy(&self) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any;
}
