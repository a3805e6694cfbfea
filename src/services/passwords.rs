//! argon2id password hashing and the password rules.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{AppError, Message};

pub const MIN_LENGTH: usize = 10;
const MAX_LENGTH: usize = 256;

/// Passwords people reach for first; refusing them costs nothing.
const COMMON: &[&str] = &[
    "password", "password1", "password12", "password123", "1234567890", "12345678910", "qwertyuiop",
    "iloveyou12", "admin12345", "welcome123", "letmein123", "abc1234567", "qwerty1234", "india12345",
    "solex12345", "changeme12", "0987654321", "1111111111", "asdfghjkl1",
];

pub fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default() // argon2id, v19, OWASP's 19 MiB / 2 iterations
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// One argon2 check whatever the account: a real one against a stored hash, a dummy one for an
/// unknown account or one without a password (made by the console), so none can be told
/// apart by timing. True only for a right password.
pub fn check(password: &str, stored: Option<&str>) -> bool {
    match stored.filter(|s| PasswordHash::new(s).is_ok()) {
        Some(s) => verify(password, s),
        None => {
            verify_dummy(password);
            false
        }
    }
}

/// Spends the same time as a real check, so unknown accounts cannot be told apart by timing.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("not-a-real-password").unwrap_or_default());
    let _ = verify(password, stored);
}

/// Returns the message to show beside the password field, if the password is too weak.
pub fn weakness(password: &str, email: &str) -> Option<Message> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Some(Message::new("too-short").arg("min", MIN_LENGTH));
    }
    if chars > MAX_LENGTH {
        return Some(Message::new("too-long").arg("max", MAX_LENGTH));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Some("password-common".into());
    }
    let distinct: std::collections::HashSet<char> = password.chars().collect();
    if distinct.len() < 4 {
        return Some("password-few-characters".into());
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Some("password-has-email".into());
    }
    None
}
