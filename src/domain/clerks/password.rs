//! Password policy and argon2id hashing.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Minimum password length in characters.
pub const MIN_PASSWORD_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少 {MIN_PASSWORD_LEN} 位")]
    TooShort,
    #[error("密码最长 128 位")]
    TooLong,
    #[error("密码需同时包含字母和数字")]
    NeedsLetterAndDigit,
    #[error("新密码不能与用户名相同")]
    SameAsUsername,
    #[error("密码哈希失败：{0}")]
    Hash(String),
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str, username: &str) -> Result<(), PasswordError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(PasswordError::TooShort);
    }
    if len > 128 {
        return Err(PasswordError::TooLong);
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err(PasswordError::NeedsLetterAndDigit);
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(PasswordError::SameAsUsername);
    }
    Ok(())
}

/// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 50 ms on a
/// counter PC, slow enough for offline guessing, fast enough for a login.
fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string (`$argon2id$v=19$...`) with a random salt.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let hash = hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Verifies a password against a stored PHC string. A malformed stored hash
/// verifies as false rather than erroring: it must never let anyone in.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    // Verify with the parameters recorded in the hash, so old hashes keep working.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("counter2026").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("counter2026", &h));
        assert!(!verify_password("counter2027", &h));
        assert!(!verify_password("", &h));
    }

    #[test]
    fn salts_differ() {
        let a = hash_password("counter2026").unwrap();
        let b = hash_password("counter2026").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn malformed_hash_never_verifies() {
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", ""));
    }

    #[test]
    fn policy() {
        assert_eq!(check_policy("abc123", "u"), Err(PasswordError::TooShort));
        assert_eq!(
            check_policy("abcdefgh", "u"),
            Err(PasswordError::NeedsLetterAndDigit)
        );
        assert_eq!(
            check_policy("12345678", "u"),
            Err(PasswordError::NeedsLetterAndDigit)
        );
        assert_eq!(
            check_policy("admin1234", "ADMIN1234"),
            Err(PasswordError::SameAsUsername)
        );
        assert_eq!(check_policy("窗口密码2026", "u"), Ok(()));
        assert_eq!(check_policy("counter2026", "u"), Ok(()));
    }
}
