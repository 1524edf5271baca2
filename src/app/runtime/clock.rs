//! The clock is injected so lockout, idle lock and the status bar are testable.
//! Times are kept in UTC and shown in China Standard Time (UTC+8, no DST),
//! which is what every 车管所 works in, whatever the PC's own setting.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests can set and advance.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(t: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(t)))
    }

    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut g) = self.0.lock() {
            *g = t;
        }
    }

    pub fn advance(&self, d: chrono::Duration) {
        if let Ok(mut g) = self.0.lock() {
            *g += d;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|g| *g)
            .unwrap_or_else(|p| *p.into_inner())
    }
}

/// China Standard Time (the one UTC+8, in the domain's queue rules).
pub fn to_local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&crate::domain::review::queue::CST)
}

/// Today's date in China Standard Time: what the window and the command line
/// both use for ages, the 6-month photo rule and working days.
pub fn today(clock: &dyn Clock) -> chrono::NaiveDate {
    to_local(clock.now()).date_naive()
}

/// `2026-11-20 09:30`
pub fn fmt_minute(t: DateTime<Utc>) -> String {
    to_local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-11-20 09:30:05`
pub fn fmt_second(t: DateTime<Utc>) -> String {
    to_local(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `09:30`
pub fn fmt_hm(t: DateTime<Utc>) -> String {
    to_local(t).format("%H:%M").to_string()
}
