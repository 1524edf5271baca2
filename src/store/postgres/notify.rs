//! "Store changed" on the office server: triggers NOTIFY one channel on
//! commit (payload: the table), a listener keeps its own connection.

use std::time::Duration;

use ::postgres::Client;
use ::postgres::fallible_iterator::FallibleIterator;

use super::CHANGED_CHANNEL;

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
