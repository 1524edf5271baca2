//! Writing files that leave the PC (anchors, receipts, exports): to a
//! temporary name beside the target, synced, then renamed, so a reader never
//! sees half a file and a crash leaves the old one intact.

use std::io::Write;
use std::path::Path;

pub fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A failed write of `path` in the clerk's words. A full disk is said in
/// the sentence itself (磁盘空间不足, with the path), not only in the OS
/// words: it is the one cause the clerk or IT can fix at once.
pub fn write_failed(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::StorageFull {
        format!(
            "磁盘空间不足：无法写入 {}。请清理该磁盘的空间（或换到空间充足的磁盘）后重试",
            path.display()
        )
    } else {
        format!(
            "无法写入 {}：{}",
            path.display(),
            crate::store::io_detail(e)
        )
    }
}

/// Whether an error, or any error it was caused by, is the OS saying the
/// disk is full.
pub fn is_disk_full(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
            || matches!(
                e.downcast_ref::<crate::store::StoreError>(),
                Some(crate::store::StoreError::DiskFull { .. })
            )
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// Where receipts opened for printing are written (the system viewer needs a file).
pub fn print_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("counterdesk-print")
}

/// Writes `bytes` as `name` under [`print_dir`] and opens it in the system's
/// viewer (which prints). The viewer runs on its own; this does not wait for it.
pub fn open_in_viewer(name: &str, bytes: &[u8]) -> std::io::Result<std::path::PathBuf> {
    let dir = print_dir();
    std::fs::create_dir_all(&dir)?;
    sweep_old(&dir);
    let path = dir.join(name);
    write_atomically(&path, bytes)?;
    launch_viewer(&path)?;
    Ok(path)
}

#[cfg(target_os = "windows")]
fn launch_viewer(path: &Path) -> std::io::Result<()> {
    // `start` is a cmd built-in; the empty title keeps a quoted path from being taken as one.
    std::process::Command::new("cmd")
        .args(["/C", "start", ""])
        .arg(path)
        .spawn()
        .map(reap)
}

#[cfg(target_os = "macos")]
fn launch_viewer(path: &Path) -> std::io::Result<()> {
    std::process::Command::new("open")
        .arg(path)
        .spawn()
        .map(reap)
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn launch_viewer(path: &Path) -> std::io::Result<()> {
    std::process::Command::new("xdg-open")
        .arg(path)
        .spawn()
        .map(reap)
}

/// Waits for the launcher on a side thread, so no zombie process is left.
fn reap(mut child: std::process::Child) {
    std::thread::spawn(move || {
        let _ = child.wait();
    });
}

/// Receipts carry names: copies left for the viewer are removed after a day.
const PRINT_COPIES_KEPT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

fn sweep_old(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > PRINT_COPIES_KEPT);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_first_with_the_path() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let m = write_failed(Path::new("/media/usb/回执.pdf"), &full);
        assert!(
            m.starts_with("磁盘空间不足") && m.contains("/media/usb/回执.pdf"),
            "{m}"
        );
        assert!(is_disk_full(&full));
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let m = write_failed(Path::new("/x"), &denied);
        assert!(
            !m.contains("磁盘空间不足") && m.contains("没有访问权限"),
            "{m}"
        );
        assert!(!is_disk_full(&denied));
    }
}
