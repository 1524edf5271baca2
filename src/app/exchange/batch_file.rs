//! Reading a batch and the photos beside it, with bounds: only regular files
//! are opened (a FIFO or a device would hang or never end), lines and the
//! file are capped (`limits`), an over-long line is skipped without being
//! held, and photo files beside the batch must not lead out of its folder.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::digest::sha256_hex;
use crate::domain::exchange::batch_photo::photo_mime;
use crate::domain::exchange::limits;
use crate::domain::exchange::limits::MAX_PHOTO_BYTES;

/// Opens a path only if it is a regular file: checked before opening (a
/// FIFO's `open` blocks until a writer comes), opened without blocking, and
/// checked again on the handle (the path may have been swapped meanwhile).
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let not_regular = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "不是普通文件（可能是管道、设备或文件夹），拒绝读取",
        )
    };
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = open_no_block(path, false)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

#[cfg(unix)]
fn open_no_block(path: &Path, no_follow: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = libc::O_NONBLOCK | if no_follow { libc::O_NOFOLLOW } else { 0 };
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_block(path: &Path, _no_follow: bool) -> std::io::Result<File> {
    File::open(path)
}

/// One line's place in the file (to read an embedded photo again later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub offset: u64,
    pub len: u64,
}

/// Lines of a batch, each at most [`limits::MAX_LINE_BYTES`]; hashes the
/// whole file as it goes.
pub struct LineReader {
    reader: BufReader<std::io::Take<File>>,
    pub hasher: Sha256,
    /// Bytes read so far.
    pub read: u64,
}

/// What [`LineReader::next_line`] found.
pub enum Line {
    /// The line (in the buffer) and its place.
    Text(Span),
    /// Longer than the cap: skipped, never held.
    TooLong(Span),
    End,
}

impl LineReader {
    pub fn new(file: File) -> Self {
        // One byte past the cap: a file that grows while read is noticed.
        let capped = file.take(limits::MAX_BATCH_BYTES + 1);
        LineReader {
            reader: BufReader::with_capacity(1 << 20, capped),
            hasher: Sha256::new(),
            read: 0,
        }
    }

    /// Whether more than [`limits::MAX_BATCH_BYTES`] were read.
    pub fn over_size(&self) -> bool {
        self.read > limits::MAX_BATCH_BYTES
    }

    /// Reads the next line into `buf` (cleared first), newline included.
    pub fn next_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<Line> {
        buf.clear();
        let offset = self.read;
        let n = (&mut self.reader)
            .take(limits::MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', buf)?;
        if n == 0 {
            return Ok(Line::End);
        }
        self.hasher.update(&buf[..]);
        self.read += n as u64;
        if buf.len() <= limits::MAX_LINE_BYTES {
            return Ok(Line::Text(Span {
                offset,
                len: n as u64,
            }));
        }
        // Skip the rest of the over-long line chunk by chunk, holding none of it.
        buf.clear();
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            self.hasher.update(&chunk[..used]);
            self.reader.consume(used);
            self.read += used as u64;
            if done {
                break;
            }
        }
        Ok(Line::TooLong(Span {
            offset,
            len: self.read - offset,
        }))
    }
}

/// Reads one line of the batch again (an embedded photo, at write time).
pub fn read_span(path: &Path, span: Span) -> std::io::Result<Vec<u8>> {
    let mut f = open_regular(path)?;
    f.seek(SeekFrom::Start(span.offset))?;
    let mut out = Vec::with_capacity(usize::try_from(span.len).unwrap_or(0));
    f.take(span.len).read_to_end(&mut out)?;
    Ok(out)
}

/// A photo file beside the batch, `<sha>.jpg`, `.jpeg`, `.png` or no
/// extension. A link is followed only when it stays inside the batch folder.
pub fn find_beside(dir: &Path, sha: &str) -> Result<Option<PathBuf>, String> {
    for ext in ["jpg", "jpeg", "png", ""] {
        let name = if ext.is_empty() {
            sha.to_owned()
        } else {
            format!("{sha}.{ext}")
        };
        let p = dir.join(&name);
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if !meta.file_type().is_symlink() {
            return Ok(Some(p));
        }
        let inside = match (std::fs::canonicalize(&p), std::fs::canonicalize(dir)) {
            (Ok(target), Ok(folder)) => target.starts_with(&folder).then_some(target),
            _ => None,
        };
        return match inside {
            Some(target) => Ok(Some(target)),
            None => Err(format!(
                "照片文件 {name} 是指向批次文件夹以外（或不存在）的链接，拒绝读取"
            )),
        };
    }
    Ok(None)
}

/// Reads and checks a photo file found by [`find_beside`]: a regular file
/// (opened without following a link), 1 byte to 8 MB, named by its SHA-256,
/// JPEG or PNG.
pub fn read_beside(path: &Path, sha: &str) -> Result<Vec<u8>, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bad_file = || format!("照片文件 {name} 不是 1 字节至 8 MB 的普通文件");
    let file = open_no_block(path, true).map_err(|e| format!("照片文件 {name} 无法读取：{e}"))?;
    let meta = file.metadata().map_err(|_| bad_file())?;
    if !meta.is_file() || meta.len() == 0 || meta.len() > MAX_PHOTO_BYTES as u64 {
        return Err(bad_file());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_PHOTO_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("照片文件 {name} 无法读取：{e}"))?;
    if bytes.is_empty() || bytes.len() > MAX_PHOTO_BYTES {
        return Err(bad_file());
    }
    if sha256_hex(&bytes) != sha {
        return Err(format!(
            "照片文件 {name} 的内容与文件名中的 SHA-256 不符（已损坏或被改动）"
        ));
    }
    if photo_mime(&bytes).is_none() {
        return Err(format!("照片文件 {name} 不是 JPEG 或 PNG 图片"));
    }
    Ok(bytes)
}
