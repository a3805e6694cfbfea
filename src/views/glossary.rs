//! Acronyms: marked with `<abbr title>` where labels use them (the first use on a page), and
//! the glossary page that explains them all (`paths::GLOSSARY`), in the reader's language.

use std::cell::RefCell;

use maud::{html, Markup};

use super::{layout, Ctx, Lang};
use crate::paths;
use crate::vocab::ACRONYMS;

/// The expansion of an acronym in `lang`, if the portal knows it.
pub fn expansion(lang: Lang, acronym: &str) -> Option<&'static str> {
    ACRONYMS.iter().find(|(a, _, _)| *a == acronym).map(|(_, en, hi)| if lang == Lang::Hi { *hi } else { *en })
}

/// The glossary entry's anchor of an acronym ("M&E" -> "m-e").
pub fn anchor(acronym: &str) -> String {
    acronym.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// Splits text into plain runs and known acronyms: a run of capitals (and '&') standing alone,
/// optionally with a plural "s" ("NVGs"). Single letters are never acronyms here.
fn pieces(text: &str) -> Vec<(&str, Option<&'static str>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut plain, mut i) = (0, 0);
    while i < bytes.len() {
        let boundary_before = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if boundary_before && bytes[i].is_ascii_uppercase() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_uppercase() || bytes[j] == b'&') {
                j += 1;
            }
            let word = &text[i..j];
            let end = if j < bytes.len() && bytes[j] == b's' { j + 1 } else { j };
            let boundary_after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
            if let Some((a, _, _)) = ACRONYMS.iter().find(|(a, _, _)| *a == word).filter(|_| boundary_after && word.len() > 1) {
                if plain < i {
                    out.push((&text[plain..i], None));
                }
                out.push((&text[i..end], Some(*a)));
                plain = end;
                i = end;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    if plain < text.len() {
        out.push((&text[plain..], None));
    }
    out
}

/// The known acronyms a text uses, in order of first use, each once.
pub fn used_in(text: &str) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for (_, a) in pieces(text) {
        if let Some(a) = a.filter(|a| !found.contains(a)) {
            found.push(a);
        }
    }
    found
}

/// One page's acronyms: the first use of each is marked with `<abbr title="expansion">`, later
/// uses are plain text. Make one per page and pass every label that may hold an acronym.
pub struct Abbrs {
    lang: Lang,
    seen: RefCell<Vec<&'static str>>,
}

impl Abbrs {
    pub fn new(ctx: &Ctx) -> Abbrs {
        Abbrs { lang: ctx.lang, seen: RefCell::new(Vec::new()) }
    }

    /// `text` (escaped) with the first use of each acronym marked.
    pub fn mark(&self, text: &str) -> Markup {
        let parts = pieces(text);
        html! {
            @for (part, acronym) in parts {
                @match acronym {
                    Some(a) if !self.seen.borrow().contains(&a) => {
                        @let _ = self.seen.borrow_mut().push(a);
                        abbr title=(expansion(self.lang, a).unwrap_or(a)) { (part) }
                    }
                    _ => { (part) }
                }
            }
        }
    }

    /// Whether anything marked so far used an acronym (to offer the glossary link).
    pub fn any(&self) -> bool {
        !self.seen.borrow().is_empty()
    }
}

/// A line that leads to the glossary, for pages whose labels use acronyms.
pub fn link(ctx: &Ctx) -> Markup {
    html! { p.glossary-link { a href=(paths::GLOSSARY) { (ctx.t().glossary_link) } } }
}

/// The acronyms a text uses, each marked, and the link to the glossary; nothing if none.
pub fn note(ctx: &Ctx, text: &str) -> Markup {
    let used = used_in(text);
    html! {
        @if !used.is_empty() {
            p.glossary-link {
                (ctx.t().glossary_on_page) ": "
                @for (i, a) in used.iter().enumerate() {
                    @if i > 0 { ", " }
                    abbr title=(expansion(ctx.lang, a).unwrap_or(a)) { (a) }
                }
                " · " a href=(paths::GLOSSARY) { (ctx.t().glossary_link) }
            }
        }
    }
}

/// The glossary page: every acronym with its expansion in the reader's language.
pub fn page(ctx: &Ctx) -> Markup {
    let t = ctx.t();
    let mut entries: Vec<_> = ACRONYMS.iter().collect();
    entries.sort_by_key(|(a, _, _)| *a);
    layout(ctx, t.glossary_title, html! {
        h1 { (t.glossary_title) }
        p.lead { (t.glossary_intro) }
        dl.glossary {
            @for (a, en, hi) in entries {
                dt id=(anchor(a)) { abbr title=(if ctx.lang == Lang::Hi { *hi } else { *en }) lang="en" { (a) } }
                dd { (if ctx.lang == Lang::Hi { *hi } else { *en }) }
            }
        }
        p { a href="/registry" { (t.nav_registry) } " · " a href="/kb" { (t.nav_knowledge) } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_found_as_whole_words_only() {
        assert_eq!(used_in("मुख्य SEE मुद्दे, BR सहभागिता; NVGs and M&E"), vec!["SEE", "BR", "NVG", "M&E"]);
        assert!(used_in("SEEN BRICK A Bank").is_empty());
        assert_eq!(used_in("EL: engaged, low (EL)"), vec!["EL"]);
        let marked: String = pieces("P2 Safe, SEE and SEE").iter().map(|(p, _)| *p).collect();
        assert_eq!(marked, "P2 Safe, SEE and SEE");
    }
}
