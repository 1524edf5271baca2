//! Files the store writes beside the database: private to the clerk's
//! account, and durable once renamed.

use std::path::Path;

/// Syncs a directory's entries (a rename is durable only then). Windows
/// cannot open directories for this; NTFS journals renames itself.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()?;
    }
    let _ = dir;
    Ok(())
}

/// Creates a new, empty file that only its owner may read (0600 on Unix;
/// on Windows it inherits the folder's ACL, the user's profile for ours).
/// For files holding personal data outside the database: exports, backups.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// A new folder only its owner may enter (0700 on Unix).
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}
