//! Runs the "store changed" signal off the UI thread: a small thread polls
//! the store's [`ChangeWatch`] and, when something was committed elsewhere,
//! raises a flag and wakes the UI once. The UI repaints only then, so an idle
//! window costs nothing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::Duration;

use crate::store::ChangeWatch;

/// How often the watcher looks (a `PRAGMA data_version`: microseconds).
pub const POLL: Duration = Duration::from_millis(250);
/// After a signal, the watcher waits this long before the next one, so a
/// busy hall refreshes a screen at most about once a second.
pub const QUIET_AFTER_SIGNAL: Duration = Duration::from_millis(750);

/// The UI's end: set when the store changed since the UI last looked.
#[derive(Clone, Default)]
pub struct ChangedFlag(Arc<AtomicBool>);

impl ChangedFlag {
    /// True once per change (or burst of changes).
    pub fn take(&self) -> bool {
        self.0.swap(false, Ordering::AcqRel)
    }

    fn raise(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Starts the watcher for an opened, migrated database. It ends when `alive`
/// can no longer be upgraded (the window's worker handle is gone).
pub fn spawn(path: &Path, flag: ChangedFlag, alive: Weak<()>, wake: Arc<dyn Fn() + Send + Sync>) {
    let mut watch = match ChangeWatch::open(path) {
        Ok(w) => w,
        Err(e) => {
            // The window still works; lists then refresh on input only.
            tracing::warn!(title = e.title(), "store-change watcher not started");
            return;
        }
    };
    let spawned = thread::Builder::new()
        .name("counterdesk-watch".into())
        .spawn(move || {
            while alive.upgrade().is_some() {
                match watch.changed() {
                    Ok(true) => {
                        flag.raise();
                        wake();
                        thread::sleep(QUIET_AFTER_SIGNAL);
                    }
                    Ok(false) => {}
                    // Busy or briefly unreadable: look again next time.
                    Err(e) => tracing::debug!(title = e.title(), "store-change poll failed"),
                }
                thread::sleep(POLL);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start the store-change watcher");
    }
}
