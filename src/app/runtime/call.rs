//! What a family's `handle` runs with: the store it may use (the writer, or
//! the reader for pages and lists), the time of the request, the signed-in
//! clerk who asked, and the request's client-generated key.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::store::Store;

/// A client-generated id for one request: 128 random bits as 32 hex digits.
/// The worker keeps it across retries after a lost connection, so a write
/// whose COMMIT outcome was unknown can look for itself before it writes
/// again (docs/office.md, "Unknown commits").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OpKey(String);

impl OpKey {
    pub fn new() -> Self {
        let mut b = [0u8; 16];
        OsRng.fill_bytes(&mut b);
        OpKey(b.iter().map(|x| format!("{x:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for OpKey {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for OpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct Call<'a> {
    pub store: &'a mut Store,
    pub now: DateTime<Utc>,
    pub actor: &'a SessionClerk,
    /// This request's key (a fresh one unless the worker retries).
    pub op: OpKey,
}

impl<'a> Call<'a> {
    pub fn new(store: &'a mut Store, now: DateTime<Utc>, actor: &'a SessionClerk) -> Self {
        Self {
            store,
            now,
            actor,
            op: OpKey::new(),
        }
    }

    /// The same call under the key of an earlier attempt.
    pub fn with_op(mut self, op: &OpKey) -> Self {
        self.op = op.clone();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::OpKey;

    #[test]
    fn op_keys_are_32_hex_digits_and_differ() {
        let (a, b) = (OpKey::new(), OpKey::new());
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
