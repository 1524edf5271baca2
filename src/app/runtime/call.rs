//! What a family's `handle` runs with: the store it may use (the writer, or
//! the reader for pages and lists), the time of the request, and the signed-in
//! clerk who asked.

use chrono::{DateTime, Utc};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::store::Store;

pub struct Call<'a> {
    pub store: &'a mut Store,
    pub now: DateTime<Utc>,
    pub actor: &'a SessionClerk,
}

impl<'a> Call<'a> {
    pub fn new(store: &'a mut Store, now: DateTime<Utc>, actor: &'a SessionClerk) -> Self {
        Self { store, now, actor }
    }
}
