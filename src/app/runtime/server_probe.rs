//! While the window works without its database (the offline tools), a
//! background thread tries the office server again every so often and says
//! once when it answers, so the clerk knows F5 will work. Office targets
//! only: trying a file would create a new, empty one in its place.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

use crate::app::runtime::worker::DbTarget;
use crate::store::Store;

/// How often a lost office server is tried from the offline tools.
pub const PROBE_EVERY: Duration = Duration::from_secs(15);
/// The thread looks this often whether the tools are still open.
const ALIVE_CHECK: Duration = Duration::from_millis(100);

pub struct ServerProbe {
    back: Arc<AtomicBool>,
    /// Dropped with the probe: the thread sees it gone and ends.
    _alive: Arc<()>,
}

impl ServerProbe {
    /// Starts trying `target` every `every`; `wake` repaints the window
    /// when the server answers. `None` for a file.
    pub fn start(
        target: &DbTarget,
        every: Duration,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Option<Self> {
        let DbTarget::Office(connector) = target else {
            return None;
        };
        let connector = connector.clone();
        let back = Arc::new(AtomicBool::new(false));
        let alive = Arc::new(());
        let (flag, watch) = (back.clone(), Arc::downgrade(&alive));
        let spawned = thread::Builder::new()
            .name("server-probe".into())
            .spawn(move || {
                while wait(every, &watch) {
                    // Opened and dropped at once: the worker F5 starts
                    // makes the connections that are used.
                    match Store::open_office_with(connector.clone()) {
                        Ok(_) => {
                            tracing::info!("office server answers again");
                            flag.store(true, Ordering::Release);
                            wake();
                            return;
                        }
                        Err(e) => tracing::debug!(title = e.title(), "office server still down"),
                    }
                }
            });
        if let Err(e) = spawned {
            // The tools work without it; F5 still tries by hand.
            tracing::warn!(error = %e, "server probe not started");
            return None;
        }
        Some(ServerProbe {
            back,
            _alive: alive,
        })
    }

    /// True once the server has answered.
    pub fn is_back(&self) -> bool {
        self.back.load(Ordering::Acquire)
    }
}

/// Sleeps `every`; false as soon as the probe was dropped.
fn wait(every: Duration, alive: &Weak<()>) -> bool {
    let until = Instant::now() + every;
    loop {
        if alive.strong_count() == 0 {
            return false;
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        thread::sleep(left.min(ALIVE_CHECK));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_never_probed() {
        let target = DbTarget::File("/nonexistent/x.sqlite3".into());
        assert!(ServerProbe::start(&target, Duration::from_millis(1), Arc::new(|| {})).is_none());
    }

    #[test]
    fn the_wait_ends_early_once_the_probe_is_dropped() {
        let alive = Arc::new(());
        let weak = Arc::downgrade(&alive);
        assert!(wait(Duration::from_millis(1), &weak));
        drop(alive);
        assert!(!wait(Duration::from_secs(60), &weak));
    }
}
