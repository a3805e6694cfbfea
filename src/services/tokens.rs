//! Random secrets for cookies and mailed links. Only their SHA-256 is stored, so a copy of the
//! database does not let anyone sign in or use a link.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, hex encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// 128 random bits, short enough for the local part of a mail address (64 characters at most).
pub fn mail_token() -> String {
    random_token()[..32].to_string()
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
