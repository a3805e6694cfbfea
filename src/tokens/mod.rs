//! Secrets and the tokens made from them: random secrets for cookies and mailed links (only
//! their SHA-256 is stored, so a copy of the database does not let anyone sign in or use a
//! link), and the per-member, per-purpose HMAC tokens in the portal's mail addresses.
//!
//! A leaf: it imports nothing from the crate, so `mail` (which writes these tokens into
//! addresses) and `services` (which checks them) can both use it without depending on
//! each other.

pub mod address;

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

/// HMAC-SHA256 (RFC 2104), written out over `sha2` rather than adding a crate for it.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let (mut inner, mut outer) = (Sha256::new(), Sha256::new());
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// What a token in one of the portal's mail addresses or mailed links may be used for. A token
/// is bound to its purpose, so one leaked for unsubscribing never serves to post or to stop mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailPurpose {
    Reply,
    Post,
    Unsubscribe,
    Bounce,
    /// The link in a notice to its member's notice settings.
    Notices,
    /// The link in an expert's request mail to the one thread they were asked about.
    Expert,
    /// The links in the mail asking whether a query's answer worked (object: the query).
    Outcome,
}

impl MailPurpose {
    fn label(self) -> &'static str {
        match self {
            MailPurpose::Reply => "reply",
            MailPurpose::Post => "post",
            MailPurpose::Unsubscribe => "unsubscribe",
            MailPurpose::Bounce => "bounce",
            MailPurpose::Notices => "notices",
            MailPurpose::Expert => "expert",
            MailPurpose::Outcome => "outcome",
        }
    }
}

/// The token for one member, purpose and object (the thread for a reply, the community for
/// posting and unsubscribing, 0 for bounces): HMAC-SHA256 keyed by the member's random mail key
/// (users.mail_token), cut to 128 bits. Derived rather than stored hashed because every list
/// mail carries several tokens per recipient (100,000 recipients of a digest would otherwise be
/// 300,000 rows), and rotating one key retires them all at once. The key itself never leaves
/// the database.
pub fn mail_mac(key: &str, purpose: MailPurpose, user_id: i64, object_id: i64) -> String {
    let message = format!("solex-mail-v1\0{}\0{user_id}\0{object_id}", purpose.label());
    hex::encode(&hmac_sha256(key.as_bytes(), message.as_bytes())[..16])
}

/// Checks a token from an address or link, in constant time.
pub fn mail_mac_ok(key: &str, purpose: MailPurpose, user_id: i64, object_id: i64, given: &str) -> bool {
    constant_time_eq(&mail_mac(key, purpose, user_id, object_id), &given.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_test_vectors() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Test case 6: a key longer than the block.
        let mac = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex::encode(mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn a_token_serves_one_purpose_one_member_and_one_object() {
        let key = "0123456789abcdef0123456789abcdef";
        let t = mail_mac(key, MailPurpose::Reply, 5, 42);
        assert!(mail_mac_ok(key, MailPurpose::Reply, 5, 42, &t));
        assert!(!mail_mac_ok(key, MailPurpose::Unsubscribe, 5, 42, &t));
        assert!(!mail_mac_ok(key, MailPurpose::Reply, 6, 42, &t));
        assert!(!mail_mac_ok(key, MailPurpose::Reply, 5, 43, &t));
        assert!(!mail_mac_ok("fedcba9876543210fedcba9876543210", MailPurpose::Reply, 5, 42, &t));
    }
}
