//! The one "store changed" signal. On SQLite it is `PRAGMA data_version` read
//! on a connection of its own: the number moves whenever any *other*
//! connection commits (another window, another process on this PC, or this
//! window's own writer). Office mode will answer the same question with
//! LISTEN/NOTIFY.

use crate::store::error::StoreResult;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::open;

pub struct ChangeWatch {
    conn: Connection,
    path: PathBuf,
    last: Option<i64>,
}

impl ChangeWatch {
    /// Opens its own read-only connection to an already migrated file.
    pub fn open(path: &Path) -> StoreResult<Self> {
        Ok(ChangeWatch {
            conn: open::open_reader(path)?,
            path: path.to_path_buf(),
            last: None,
        })
    }

    /// Whether anything was committed since the last call (the first call
    /// only takes the starting point). Cheap: no page of the file is read.
    pub fn changed(&mut self) -> StoreResult<bool> {
        let v: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| super::error::from_sqlite(&self.path, e))?;
        let changed = self.last.is_some_and(|l| l != v);
        self.last = Some(v);
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn another_connections_commit_is_seen_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        let mut store = SqliteStore::open(&path).unwrap();
        let mut watch = ChangeWatch::open(&path).unwrap();
        assert!(!watch.changed().unwrap(), "the first call sets the mark");
        assert!(!watch.changed().unwrap(), "nothing committed yet");
        store
            .immediate(
                |tx| tx.q(|c| c.execute("INSERT INTO settings VALUES ('w', '1')", [])),
                true,
            )
            .unwrap();
        assert!(watch.changed().unwrap());
        assert!(!watch.changed().unwrap(), "reported once");
    }
}
