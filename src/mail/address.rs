//! The portal's own mail addresses. Each carries the member's mail token, so a reply, a
//! one-click unsubscribe or a bounce is matched to the person without any lookup table:
//! `reply+TOKEN-POST@domain`, `post+TOKEN-COMMUNITY@domain`, `unsubscribe+TOKEN-COMMUNITY@domain`,
//! `bounce+TOKEN@domain` (VERP).

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    Reply { token: String, post_id: i64 },
    Post { token: String, community_id: i64 },
    Unsubscribe { token: String, community_id: i64 },
    Bounce { token: String },
}

pub fn reply(domain: &str, token: &str, post_id: i64) -> String {
    format!("reply+{token}-{post_id}@{domain}")
}

pub fn post(domain: &str, token: &str, community_id: i64) -> String {
    format!("post+{token}-{community_id}@{domain}")
}

pub fn unsubscribe(domain: &str, token: &str, community_id: i64) -> String {
    format!("unsubscribe+{token}-{community_id}@{domain}")
}

pub fn bounce(domain: &str, token: &str) -> String {
    format!("bounce+{token}@{domain}")
}

fn token_ok(t: &str) -> bool {
    t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads one of our addresses; anything else (or another domain) is None.
pub fn parse(address: &str, domain: &str) -> Option<Local> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, dom) = address.rsplit_once('@')?;
    if !dom.eq_ignore_ascii_case(domain) {
        return None;
    }
    let (kind, rest) = local.split_once('+')?;
    let rest = rest.to_ascii_lowercase();
    let with_id = |rest: &str| -> Option<(String, i64)> {
        let (token, id) = rest.split_once('-')?;
        token_ok(token).then_some(())?;
        Some((token.to_string(), id.parse().ok()?))
    };
    match kind.to_ascii_lowercase().as_str() {
        "reply" => with_id(&rest).map(|(token, post_id)| Local::Reply { token, post_id }),
        "post" => with_id(&rest).map(|(token, community_id)| Local::Post { token, community_id }),
        "unsubscribe" => with_id(&rest).map(|(token, community_id)| Local::Unsubscribe { token, community_id }),
        "bounce" => token_ok(&rest).then(|| Local::Bounce { token: rest.clone() }),
        _ => None,
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
        let t = "0123456789abcdef0123456789abcdef";
        let d = "solex.example";
        assert_eq!(parse(&reply(d, t, 42), d), Some(Local::Reply { token: t.into(), post_id: 42 }));
        assert_eq!(parse(&post(d, t, 7), d), Some(Local::Post { token: t.into(), community_id: 7 }));
        assert_eq!(parse(&unsubscribe(d, t, 7), d), Some(Local::Unsubscribe { token: t.into(), community_id: 7 }));
        assert_eq!(parse(&format!("<{}>", bounce(d, t)), d), Some(Local::Bounce { token: t.into() }));
        assert_eq!(parse(&reply("other.example", t, 1), d), None);
        assert_eq!(parse(&format!("reply+short-1@{d}"), d), None);
        assert_eq!(post_of_message_id(&post_message_id(d, 99, 5), d), Some(99));
        assert_eq!(post_of_message_id("<d3.u5@solex.example>", d), None);
    }
}
