//! The portal's own mail addresses. Each carries a token for one member, one purpose and one
//! object, so a reply, a new query by mail, a one-click unsubscribe or a bounce is matched to
//! the person without any lookup table: `reply+TOKEN-THREAD@domain`,
//! `post+TOKEN-COMMUNITY@domain`, `unsubscribe+TOKEN-COMMUNITY@domain`, `bounce+TOKEN@domain`
//! (VERP), where TOKEN is `USERID-MAC` and MAC is `tokens::mail_mac` for that purpose
//! and object. Knowing a member's own address gives none of these.

use super::MailPurpose;

/// A member's token as it appears in an address or link: who, and the MAC that proves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub user_id: i64,
    pub mac: String,
}

impl Token {
    /// The token `key` (the member's mail key) gives for this purpose and object.
    pub fn derive(key: &str, purpose: MailPurpose, user_id: i64, object_id: i64) -> Token {
        Token { user_id, mac: super::mail_mac(key, purpose, user_id, object_id) }
    }

    pub fn parse(s: &str) -> Option<Token> {
        let (id, mac) = s.split_once('-')?;
        let ok = mac.len() == 32 && mac.bytes().all(|b| b.is_ascii_hexdigit()) && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return None;
        }
        Some(Token { user_id: id.parse().ok()?, mac: mac.to_ascii_lowercase() })
    }

    /// Whether this token was made with `key` for this purpose and object (constant time).
    pub fn is_valid(&self, key: &str, purpose: MailPurpose, object_id: i64) -> bool {
        super::mail_mac_ok(key, purpose, self.user_id, object_id, &self.mac)
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.user_id, self.mac)
    }
}

/// One of our addresses. A reply or post address whose token cannot be read still names its
/// thread or community (None token), so the message can be held for the member to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    Reply { token: Option<Token>, post_id: i64 },
    Post { token: Option<Token>, community_id: i64 },
    Unsubscribe { token: Option<Token>, community_id: i64 },
    Bounce { token: Option<Token> },
}

pub fn reply(domain: &str, token: &Token, post_id: i64) -> String {
    format!("reply+{token}-{post_id}@{domain}")
}

pub fn post(domain: &str, token: &Token, community_id: i64) -> String {
    format!("post+{token}-{community_id}@{domain}")
}

pub fn unsubscribe(domain: &str, token: &Token, community_id: i64) -> String {
    format!("unsubscribe+{token}-{community_id}@{domain}")
}

pub fn bounce(domain: &str, token: &Token) -> String {
    format!("bounce+{token}@{domain}")
}

/// Reads one of our addresses; anything else (or another domain) is None.
pub fn parse(address: &str, domain: &str) -> Option<Local> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, dom) = address.rsplit_once('@')?;
    if !dom.eq_ignore_ascii_case(domain) {
        return None;
    }
    let (kind, rest) = local.split_once('+')?;
    let with_id = |rest: &str| -> Option<(Option<Token>, i64)> {
        let (token, id) = rest.rsplit_once('-')?;
        Some((Token::parse(token), id.parse().ok()?))
    };
    match kind.to_ascii_lowercase().as_str() {
        "reply" => with_id(rest).map(|(token, post_id)| Local::Reply { token, post_id }),
        "post" => with_id(rest).map(|(token, community_id)| Local::Post { token, community_id }),
        "unsubscribe" => with_id(rest).map(|(token, community_id)| Local::Unsubscribe { token, community_id }),
        "bounce" => Some(Local::Bounce { token: Token::parse(rest) }),
        _ => None,
    }
}

/// Shows which of our addresses a message came to without the secret part, for the record.
pub fn masked(address: &str, domain: &str) -> String {
    let Some(local) = parse(address, domain) else { return address.to_string() };
    let who = |t: &Option<Token>| t.as_ref().map(|t| t.user_id.to_string()).unwrap_or_else(|| "?".into());
    match local {
        Local::Reply { token, post_id } => format!("reply+{}-…-{post_id}@{domain}", who(&token)),
        Local::Post { token, community_id } => format!("post+{}-…-{community_id}@{domain}", who(&token)),
        Local::Unsubscribe { token, community_id } => format!("unsubscribe+{}-…-{community_id}@{domain}", who(&token)),
        Local::Bounce { token } => format!("bounce+{}-…@{domain}", who(&token)),
    }
}

/// Message-IDs are stable per message and recipient, so a resend after a crash is the same
/// message to the receiving side, and replies can be traced back to their post.
pub fn post_message_id(domain: &str, post_id: i64, user_id: i64) -> String {
    format!("<p{post_id}.u{user_id}@{domain}>")
}

pub fn digest_message_id(domain: &str, digest_id: i64, user_id: i64) -> String {
    format!("<d{digest_id}.u{user_id}@{domain}>")
}

/// A fresh Message-ID for a one-off mail (a notice, an account mail). It is chosen when the
/// mail is queued and stored with it, so a resend is still the same message.
pub fn new_message_id(domain: &str) -> String {
    format!("<{}@{}>", super::random_token(), domain)
}

/// The Message-ID of a notice that must go at most once (an urgent query for one moderator,
/// one day's roundup): `key` names it, so queuing it again finds it queued.
pub fn keyed_message_id(host: &str, key: &str) -> String {
    format!("<{key}@{host}>")
}

/// The host of the portal's web address, which names account mail in its Message-ID.
pub fn web_host(base_url: &str) -> String {
    url::Url::parse(base_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| "solex.localhost".into())
}

/// The post a Message-ID of ours names (from In-Reply-To or References).
pub fn post_of_message_id(id: &str, domain: &str) -> Option<i64> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, dom) = id.rsplit_once('@')?;
    if !dom.eq_ignore_ascii_case(domain) {
        return None;
    }
    local.strip_prefix('p')?.split('.').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        let t = Token::derive("0123456789abcdef0123456789abcdef", MailPurpose::Reply, 5, 42);
        let some = Some(t.clone());
        let d = "solex.example";
        assert_eq!(parse(&reply(d, &t, 42), d), Some(Local::Reply { token: some.clone(), post_id: 42 }));
        assert_eq!(parse(&post(d, &t, 7), d), Some(Local::Post { token: some.clone(), community_id: 7 }));
        assert_eq!(parse(&unsubscribe(d, &t, 7), d), Some(Local::Unsubscribe { token: some.clone(), community_id: 7 }));
        assert_eq!(parse(&format!("<{}>", bounce(d, &t)), d), Some(Local::Bounce { token: some }));
        assert_eq!(parse(&reply("other.example", &t, 1), d), None);
        assert_eq!(parse(&format!("reply+short-1@{d}"), d), Some(Local::Reply { token: None, post_id: 1 }));
        assert!(!masked(&reply(d, &t, 42), d).contains(&t.mac));
        assert_eq!(post_of_message_id(&post_message_id(d, 99, 5), d), Some(99));
        assert_eq!(post_of_message_id("<d3.u5@solex.example>", d), None);
    }
}
