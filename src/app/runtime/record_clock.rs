//! The clock of record for requests, kept apart from the worker loop that
//! uses it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::app::runtime::clock::Clock;
use crate::app::runtime::store_watch::SkewFlag;
use crate::store::Store;

/// The clock requests run on: the workstation's, or in office mode the
/// server's (leases, deadlines and audit times are judged on the clock of
/// record), kept as an offset measured at connect and once a minute.
pub(crate) struct RecordClock {
    local: Arc<dyn Clock>,
    offset: chrono::TimeDelta,
    synced: Option<Instant>,
    /// Where the measured offset is shown (the writer's clock only).
    shown: Option<SkewFlag>,
}

/// A workstation clock further off the server's than this is shown as a
/// warning (business times follow the server's clock either way).
pub const MAX_SKEW_SECONDS: i64 = 60;
/// How often the offset to the server's clock is measured again.
const RESYNC: Duration = Duration::from_secs(60);

impl RecordClock {
    pub(crate) fn new(local: Arc<dyn Clock>, shown: Option<SkewFlag>) -> Self {
        RecordClock {
            local,
            offset: chrono::TimeDelta::zero(),
            synced: None,
            shown,
        }
    }

    pub(crate) fn now(&mut self, store: &mut Store) -> DateTime<Utc> {
        if self.synced.is_none_or(|t| t.elapsed() >= RESYNC) {
            self.sync(store);
        }
        self.local.now() + self.offset
    }

    pub(crate) fn sync(&mut self, store: &mut Store) {
        match store.server_time() {
            Ok(Some(server)) => {
                self.offset = server - self.local.now();
                self.synced = Some(Instant::now());
                if let Some(flag) = &self.shown
                    && flag.set(self.offset.num_seconds())
                    && self.offset.num_seconds().abs() > MAX_SKEW_SECONDS
                {
                    tracing::warn!(
                        seconds = self.offset.num_seconds(),
                        "workstation clock is off the office server's"
                    );
                }
            }
            Ok(None) => self.synced = Some(Instant::now()),
            // Keeps the last offset; the request itself will meet the fault.
            Err(e) => tracing::debug!(title = e.title(), "server clock not read"),
        }
    }
}
