//! One export stream's file, written line by line with its hash and count
//! kept as it goes, so the manifest entry needs no second read.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::exchange::manifest::{FileEntry, hex};
use crate::store::create_private_file;

/// One stream's file being written: bytes, hash and line count as it goes.
pub(super) struct StreamFile {
    w: BufWriter<File>,
    hash: Sha256,
    count: u64,
    bytes: u64,
    line: Vec<u8>,
}

impl StreamFile {
    pub(super) fn create(path: &Path) -> std::io::Result<Self> {
        Ok(StreamFile {
            w: BufWriter::with_capacity(1 << 20, create_private_file(path)?),
            hash: Sha256::new(),
            count: 0,
            bytes: 0,
            line: Vec::with_capacity(1024),
        })
    }

    pub(super) fn push(&mut self, row: &impl Serialize) -> std::io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, row).map_err(std::io::Error::other)?;
        self.line.push(b'\n');
        self.w.write_all(&self.line)?;
        self.hash.update(&self.line);
        self.count += 1;
        self.bytes += self.line.len() as u64;
        Ok(())
    }

    /// Flushes and syncs; the entry for the manifest.
    pub(super) fn finish(
        self,
        stream: &str,
        name: &str,
        first: i64,
        last: i64,
    ) -> std::io::Result<FileEntry> {
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        Ok(FileEntry {
            stream: stream.to_owned(),
            name: name.to_owned(),
            count: self.count,
            bytes: self.bytes,
            sha256: hex(&self.hash.finalize()),
            after: (first - 1).max(0),
            upto: last,
        })
    }
}
