//! The workstation's Ed25519 signing key: created on first use, kept beside
//! the database in its own file (`<db>.signing-key`, owner-only on Unix), never
//! inside the database, so a copy of the database cannot sign exports. In
//! office mode the database is the hall's, not this PC's: the key (and the
//! export lock) live in the workstation's data directory instead
//! (`office.signing-key`, see [`home`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::domain::exchange::manifest::{hex, unhex};
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("无法读取或创建本机签名密钥 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("本机签名密钥文件 {0} 内容无效，请联系信息科（不要删除：旧导出需用它的公钥核对）。")]
    Invalid(PathBuf),
    #[error(
        "本机签名密钥文件 {path} 的权限为 {mode:04o}，同组或其他用户也能读取，已拒绝使用。请由该文件的所有者执行 chmod 600 {path} 后重试；如不确定密钥是否已外泄，请联系信息科更换密钥。"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error("无法确定本机的数据目录，无法存放本机签名密钥：{0}")]
    NoDataDir(String),
}

/// The base name the workstation's own files for `store` are named after
/// (`<base>.signing-key`, `<base>.export-lock`): the SQLite file itself, or
/// `<data dir>/office` on the office server (created owner-only if missing).
pub fn home(store: &Store) -> Result<PathBuf, KeyError> {
    match store.file() {
        Some(db) => Ok(db.to_path_buf()),
        None => office_home(),
    }
}

/// [`home`] in office mode: `<data dir>/office`.
pub fn office_home() -> Result<PathBuf, KeyError> {
    let dir = crate::app::runtime::paths::data_dir()
        .map_err(|e| KeyError::NoDataDir(format!("{e:#}")))?;
    if !dir.is_dir() {
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).map_err(io(&dir))?;
        }
        match crate::store::create_private_dir(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(io(&dir)(e)),
            _ => {}
        }
    }
    Ok(dir.join("office"))
}

/// Where the key for the database at `db` lives.
pub fn key_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".signing-key");
    PathBuf::from(p)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The key for `db`, created (owner-only) if there is none yet. A key that
/// group or others may read is refused: whoever read it can sign exports.
pub fn load_or_create(db: &Path) -> Result<SigningKey, KeyError> {
    let path = key_path(db);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            private(&path)?;
            parse(&text).ok_or(KeyError::Invalid(path))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(e) => Err(io(&path)(e)),
    }
}

/// The public key, if the key exists (never creates one).
pub fn existing_public(db: &Path) -> Result<Option<String>, KeyError> {
    let path = key_path(db);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text)
            .map(|k| Some(public_hex(&k)))
            .ok_or(KeyError::Invalid(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path)(e)),
    }
}

/// On Unix the key file must have no group or world bits. On Windows the
/// file sits in the user's profile (`%APPDATA%`), whose ACLs give access to
/// that user, administrators and SYSTEM only.
#[cfg(unix)]
fn private(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(io(path))?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Exposed {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn private(_path: &Path) -> Result<(), KeyError> {
    Ok(())
}

fn parse(text: &str) -> Option<SigningKey> {
    let line = text.lines().find(|l| !l.starts_with('#'))?;
    let bytes: [u8; 32] = unhex(line)?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

fn create(path: &Path) -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    OsRng.fill_bytes(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    let mut opts = std::fs::OpenOptions::new();
    // create_new: two processes racing cannot overwrite each other's key.
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            private(path)?;
            let text = std::fs::read_to_string(path).map_err(io(path))?;
            return parse(&text).ok_or_else(|| KeyError::Invalid(path.to_path_buf()));
        }
        Err(e) => return Err(io(path)(e)),
    };
    let body = format!(
        "# CounterDesk 工作站导出签名密钥（Ed25519 私钥）。请勿复制或外传。\n{}\n",
        hex(&seed)
    );
    f.write_all(body.as_bytes()).map_err(io(path))?;
    f.sync_all().map_err(io(path))?;
    tracing::info!("workstation signing key created");
    Ok(key)
}

pub fn public_hex(key: &SigningKey) -> String {
    hex(key.verifying_key().as_bytes())
}

/// Hex signature of `msg`.
pub fn sign(key: &SigningKey, msg: &[u8]) -> String {
    hex(&key.sign(msg).to_bytes())
}

/// Whether `sig_hex` is `public_hex`'s signature of `msg`.
pub fn verify(public_hex: &str, msg: &[u8], sig_hex: &str) -> bool {
    let Some(pk) = unhex(public_hex).and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
        return false;
    };
    let Some(sig) = unhex(sig_hex).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    vk.verify(msg, &Signature::from_bytes(&sig)).is_ok()
}

/// A short fingerprint for people to compare (first 16 hex digits, grouped).
pub fn fingerprint(public_hex: &str) -> String {
    public_hex
        .as_bytes()
        .chunks(4)
        .take(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.sqlite3");
        load_or_create(&db).unwrap();
        let p = key_path(&db);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load_or_create(&db).unwrap_err().to_string();
        assert!(e.contains("0644") && e.contains("chmod 600"), "{e}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load_or_create(&db).is_ok());
    }

    #[test]
    fn created_once_owner_only_and_signs() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.sqlite3");
        assert_eq!(existing_public(&db).unwrap(), None);
        let k1 = load_or_create(&db).unwrap();
        let k2 = load_or_create(&db).unwrap();
        assert_eq!(public_hex(&k1), public_hex(&k2));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sig = sign(&k1, b"hello");
        assert!(verify(&public_hex(&k1), b"hello", &sig));
        assert!(!verify(&public_hex(&k1), b"hellO", &sig));
    }
}
