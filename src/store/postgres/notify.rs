//! "Store changed" on the office server: triggers NOTIFY one channel on
//! commit (payload: the table), a listener keeps its own connection.

use std::sync::Arc;
use std::time::Duration;

use ::postgres::Client;
use ::postgres::fallible_iterator::FallibleIterator;

use super::error::OfficeError;
use super::{CHANGED_CHANNEL, Connector};
use crate::store::StoreError;

/// The office side of `store::ChangeWatch`: a LISTEN connection of its own,
/// opened lazily and again after it is lost.
pub struct OfficeWatch {
    connector: Arc<Connector>,
    client: Option<Client>,
    /// Set when a connection was lost: the next one reports a change.
    missed: bool,
}

impl OfficeWatch {
    pub fn new(connector: Arc<Connector>) -> Self {
        OfficeWatch {
            connector,
            client: None,
            missed: false,
        }
    }

    /// Waits up to `wait` for a notice; drains the burst behind it.
    pub fn changed(&mut self, wait: Duration) -> Result<bool, StoreError> {
        let target = self.connector.target().to_string();
        let client = match &mut self.client {
            Some(c) => c,
            None => {
                let mut c = match self.connector.connect() {
                    Ok(c) => c,
                    Err(e) => {
                        // Not a busy loop while the server is away.
                        std::thread::sleep(wait);
                        return Err(e.into());
                    }
                };
                listen(&mut c).map_err(|e| OfficeError::db(&target, e))?;
                self.client = Some(c);
                return Ok(std::mem::take(&mut self.missed));
            }
        };
        let lost = |this: &mut Self, e: ::postgres::Error| -> StoreError {
            this.client = None;
            this.missed = true;
            OfficeError::db(&target, e).into()
        };
        match next_change(client, wait) {
            Ok(None) => Ok(false),
            Ok(Some(_)) => {
                // The rest of a burst is already here or about to be.
                loop {
                    match self.client.as_mut().map(|c| next_change(c, Duration::ZERO)) {
                        Some(Ok(Some(_))) => continue,
                        Some(Err(e)) => return Err(lost(self, e)),
                        _ => return Ok(true),
                    }
                }
            }
            Err(e) => Err(lost(self, e)),
        }
    }
}

/// Subscribes `client` (a connection used for nothing else) to the channel.
pub fn listen(client: &mut Client) -> Result<(), ::postgres::Error> {
    client.batch_execute(&format!("LISTEN {CHANGED_CHANNEL}"))
}

/// Waits up to `wait` for the next change; `Ok(None)` when nothing came.
/// The payload names the table that changed. An error means the connection
/// is gone: connect again and [`listen`] again.
pub fn next_change(
    client: &mut Client,
    wait: Duration,
) -> Result<Option<String>, ::postgres::Error> {
    let mut notes = client.notifications();
    let mut iter = notes.timeout_iter(wait);
    Ok(iter.next()?.map(|n| n.payload().to_owned()))
}
