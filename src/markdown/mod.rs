//! Markdown to safe HTML, rendered once when text is saved. pulldown-cmark parses; ammonia
//! removes raw HTML, scripts, event handlers and javascript: links.
//!
//! Every caller goes through `to_safe_html` (or `try_to_safe_html`), which bounds the work
//! before the sanitiser sees it: the source is cut at `MAX_SOURCE`, markup nested deeper than
//! `MAX_DEPTH` is flattened (or refused), and raw HTML tags beyond `MAX_RAW_TAGS` are shown as
//! text. The sanitiser's HTML parser slows down with the square of the nesting depth, so an
//! unbounded depth would let one message hold a worker for seconds.

use pulldown_cmark::{html, Event, Options, Parser};

/// Largest Markdown source accepted anywhere, in bytes.
pub const MAX_SOURCE: usize = 100_000;
/// Deepest nesting of block quotes, lists and inline markup that is rendered as such.
pub const MAX_DEPTH: usize = 32;
/// Raw HTML tags passed to the sanitiser at most; later ones are shown as text.
pub const MAX_RAW_TAGS: usize = 500;

/// The text nests markup deeper than `MAX_DEPTH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep;

/// The message a writer sees beside the field when their text nests too deeply.
pub fn too_deep_message() -> crate::error::Message {
    crate::error::Message::new("text-too-deep").arg("levels", MAX_DEPTH)
}

/// Safe HTML of any text: nesting deeper than `MAX_DEPTH` is flattened (the words are kept).
pub fn to_safe_html(source: &str) -> String {
    render(source, false).unwrap_or_default()
}

/// Safe HTML, or `TooDeep` as soon as the parser meets markup nested deeper than `MAX_DEPTH`.
pub fn try_to_safe_html(source: &str) -> Result<String, TooDeep> {
    render(source, true)
}

fn render(source: &str, refuse_deep: bool) -> Result<String, TooDeep> {
    let source = cut(source, MAX_SOURCE);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut depth = 0usize;
    let mut raw_tags = 0usize;
    let mut too_deep = false;
    let events = Parser::new_ext(source, options)
        .map_while(|event| match event {
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_DEPTH && refuse_deep {
                    too_deep = true;
                    return None;
                }
                Some((depth <= MAX_DEPTH).then_some(event))
            }
            Event::End(_) => {
                let keep = depth <= MAX_DEPTH;
                depth = depth.saturating_sub(1);
                Some(keep.then_some(event))
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                raw_tags += raw.as_bytes().windows(2).filter(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/')).count();
                Some(Some(if raw_tags > MAX_RAW_TAGS { Event::Text(raw) } else { Event::InlineHtml(raw) }))
            }
            other => Some(Some(other)),
        })
        .flatten();
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, events);
    if too_deep {
        return Err(TooDeep);
    }
    Ok(sanitiser().clean(&raw).to_string())
}

/// At most `max` bytes, cut at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
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

/// The first sentence of `text` on one line, cut at a word with an ellipsis (`cut_at_word`)
/// when longer than `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = match text.find(". ").or_else(|| text.find("। ")) {
        Some(end) => &text[..end + if text[end..].starts_with('.') { 1 } else { "।".len() }],
        None => text.as_str(),
    };
    cut_at_word(first, max)
}

/// `text` in at most `max` characters: whole if it fits, else cut after the last whole word
/// that fits (and any punctuation ending it), with an ellipsis. A first word longer than
/// `max` is cut inside it, since a summary must say something.
pub fn cut_at_word(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    // The byte offset of the character after the first `max - 1` (the ellipsis is the last).
    let end = text.char_indices().nth(max - 1).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    // Vowel signs and viramas continue a Hindi word as letters do; spaces and punctuation end one.
    let next_starts_word = text[end..].chars().next().is_some_and(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !matches!(c, '।' | '॥' | '…' | '—' | '–'));
    let cut = if next_starts_word {
        match head.rfind(char::is_whitespace) {
            Some(i) if i > 0 => &head[..i],
            _ => head,
        }
    } else {
        head
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '('));
    format!("{cut}…")
}

/// Plain text of Markdown, for the plain part of mails, search documents, feeds and snippets:
/// words only, from the stored source (raw HTML in it is dropped, not shown).
pub fn to_plain_text(source: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // The writer's line breaks stay: mail readers and digest summaries go by lines.
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_end_at_a_whole_word_with_an_ellipsis() {
        assert_eq!(cut_at_word("Short enough.", 300), "Short enough.");
        assert_eq!(cut_at_word("  spaced  ", 300), "spaced");
        assert_eq!(cut_at_word("The cupola furnace burns coke", 18), "The cupola…");
        // A cut that falls exactly at a word's end keeps it; punctuation before the cut goes.
        assert_eq!(cut_at_word("one two, three four", 8), "one two…");
        assert_eq!(cut_at_word("one two three", 8), "one two…");
        assert_eq!(cut_at_word("Supercalifragilistic", 10), "Supercali…");
        let hindi = "कुपोला भट्टी में कोक की खपत घटाने के उपाय";
        let cut = cut_at_word(hindi, 20);
        assert_eq!(cut, "कुपोला भट्टी में…");
        assert!(cut.chars().count() <= 20 && hindi.starts_with(cut.trim_end_matches('…')));
        for max in 1..hindi.chars().count() + 2 {
            let s = cut_at_word(hindi, max);
            assert!(s.chars().count() <= max.max(1), "{max}: {s}");
        }
    }

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
    fn deep_nesting_is_refused_or_flattened() {
        for deep in [">".repeat(40_000), "- ".repeat(40_000) + "x", "1. ".repeat(30_000) + "x", "*".repeat(20_000) + "a" + &"*".repeat(20_000), "<div>".repeat(20_000)] {
            let flat = to_safe_html(&deep);
            assert!(flat.matches("<blockquote>").count() <= MAX_DEPTH && flat.matches("<ul>").count() <= MAX_DEPTH, "{}", &flat[..200.min(flat.len())]);
        }
        assert_eq!(try_to_safe_html(&">".repeat(MAX_DEPTH + 1)), Err(TooDeep));
        assert_eq!(try_to_safe_html(&("- ".repeat(MAX_DEPTH) + "x")), Err(TooDeep), "a list and its item are two levels");
        assert!(try_to_safe_html(&">".repeat(10)).unwrap().matches("<blockquote>").count() == 10);
        assert!(try_to_safe_html("<sub>x</sub> and <b>y</b>").unwrap().contains("<sub>x</sub>"));
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = to_safe_html("**Coke** use fell by *20%*.\n\n- one\n- two\n\n[MSME](https://msme.gov.in)");
        assert!(html.contains("<strong>Coke</strong>") && html.contains("<li>one</li>"));
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""));
        assert_eq!(to_plain_text("# Title\n\nSome *text*."), "Title\nSome text.");
    }
}
