//! Runs the "store changed" signal off the UI thread: a small thread waits
//! on the store's [`ChangeWatch`] (`PRAGMA data_version` on a file,
//! LISTEN/NOTIFY on the office server) and, when something was committed
//! elsewhere, raises a flag and wakes the UI once. The UI repaints only
//! then, so an idle window costs nothing. On the office server it also
//! notices a lost connection ([`LinkFlag`]) and reconnects.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::Duration;

use crate::store::ChangeWatch;

/// How often the watcher looks on a file (a `PRAGMA data_version`:
/// microseconds); on the office server, how long one wait for a NOTIFY lasts.
pub const POLL: Duration = Duration::from_millis(250);
/// Between attempts to reach an office server that went away.
pub const RETRY: Duration = Duration::from_secs(1);
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

/// How far the workstation's clock is off the office server's, in whole
/// seconds (server minus workstation), as last measured; 0 for a file.
#[derive(Clone, Default)]
pub struct SkewFlag(Arc<std::sync::atomic::AtomicI64>);

impl SkewFlag {
    pub fn seconds(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }

    /// Sets the skew; true when it changed by a second or more.
    pub fn set(&self, seconds: i64) -> bool {
        self.0.swap(seconds, Ordering::AcqRel) != seconds
    }
}

/// Whether the office server's connection is lost, as the window shows it
/// (one calm line). Raised and cleared by the watcher and by the worker's
/// threads; always clear for a file.
#[derive(Clone, Default)]
pub struct LinkFlag(Arc<AtomicBool>);

impl LinkFlag {
    pub fn is_lost(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Sets the state; true when it changed (the UI should be woken).
    pub fn set_lost(&self, lost: bool) -> bool {
        self.0.swap(lost, Ordering::AcqRel) != lost
    }
}

/// Starts the watcher on its own connection. It ends when `alive` can no
/// longer be upgraded (the window's worker handle is gone).
pub fn spawn(
    mut watch: ChangeWatch,
    flag: ChangedFlag,
    link: LinkFlag,
    alive: Weak<()>,
    wake: Arc<dyn Fn() + Send + Sync>,
) {
    let spawned = thread::Builder::new()
        .name("counterdesk-watch".into())
        .spawn(move || {
            while alive.upgrade().is_some() {
                match watch.changed(POLL) {
                    Ok(changed) => {
                        let back = link.set_lost(false);
                        if changed || back {
                            flag.raise();
                            wake();
                        }
                        if changed {
                            thread::sleep(QUIET_AFTER_SIGNAL);
                        }
                    }
                    Err(e) if e.is_connection_lost() => {
                        if link.set_lost(true) {
                            tracing::warn!(title = e.title(), "office server connection lost");
                            wake();
                        }
                        thread::sleep(RETRY);
                    }
                    // Busy or briefly unreadable: look again next time.
                    Err(e) => {
                        tracing::debug!(title = e.title(), "store-change poll failed");
                        thread::sleep(POLL);
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start the store-change watcher");
    }
}
