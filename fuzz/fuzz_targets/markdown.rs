//! Markdown from members and moderators: rendering never panics, and no tag that comes out
//! is a script-like element, carries an event handler, or links to javascript:, whatever
//! went in. Text may mention such things: it is escaped, so only tags are checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FORBIDDEN: &[&str] = &["script", "iframe", "svg", "object", "embed", "style", "math", "form", "input", "base", "meta", "link"];

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let html = solex::markdown::to_safe_html(source).to_lowercase();
    // Escaped text never holds '<', so every '<' opens a tag.
    for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        assert!(!FORBIDDEN.contains(&name.as_str()), "<{tag}> survived sanitising");
        for (attr, value) in attributes(&tag[tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len())..]) {
            assert!(!attr.starts_with("on"), "event handler in <{tag}>");
            assert!(!value.trim_start().starts_with("javascript:"), "javascript: link in <{tag}>");
        }
    }
    let _ = solex::markdown::to_plain_text(source);
});

/// (name, value) pairs of a tag's attributes, honouring quoted values.
fn attributes(mut rest: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start().trim_start_matches('/');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let name = &rest[..end];
        rest = &rest[end..];
        let mut value = "";
        if let Some(after) = rest.trim_start().strip_prefix('=') {
            let after = after.trim_start();
            let (v, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], &body[(close + 1).min(body.len())..])
                }
                _ => {
                    let close = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            value = v;
            rest = tail;
        }
        if name.is_empty() {
            // A stray '=': step over one character so the loop always advances.
            rest = rest.get(1..).unwrap_or("");
            continue;
        }
        out.push((name, value));
    }
}
