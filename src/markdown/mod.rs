//! Markdown to safe HTML, rendered once when text is saved. pulldown-cmark parses; ammonia
//! removes raw HTML, scripts, event handlers and javascript: links.

use pulldown_cmark::{html, Options, Parser};

/// Largest Markdown source accepted anywhere, in bytes.
pub const MAX_SOURCE: usize = 100_000;

pub fn to_safe_html(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(source, options));
    sanitiser().clean(&raw).to_string()
}

fn sanitiser() -> &'static ammonia::Builder<'static> {
    static CLEANER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("nofollow noopener noreferrer"))
            .rm_tags(["img"]);
        b
    })
}

/// Plain text of Markdown, for mail summaries and snippets.
pub fn to_plain_text(source: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Plain text of already-sanitised HTML (tags dropped, common entities decoded).
pub fn html_to_plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        for payload in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
            "[x](JaVaScRiPt:alert(1))",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ] {
            let html = to_safe_html(payload).to_lowercase();
            assert!(!html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:")
                && !html.contains("<iframe") && !html.contains("onload") && !html.contains("style="), "{payload} -> {html}");
        }
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = to_safe_html("**Coke** use fell by *20%*.\n\n- one\n- two\n\n[MSME](https://msme.gov.in)");
        assert!(html.contains("<strong>Coke</strong>") && html.contains("<li>one</li>"));
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""));
        assert_eq!(to_plain_text("# Title\n\nSome *text*."), "Title\nSome text.");
    }
}
