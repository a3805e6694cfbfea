//! XML for machines: the Atom feeds, the sitemap and the OpenSearch description. maud escapes
//! every value as it does for pages; XML elements without content are written as `{}` pairs
//! because maud's `tag;` is an HTML void element, which XML does not allow.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use crate::models::page::Page;
use crate::paths;

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// Entries a feed carries at most.
const FEED_ENTRIES: usize = 50;
/// Characters of a page's problem shown as an entry's summary.
const SUMMARY_CHARS: usize = 300;

fn xml(body: Markup) -> String {
    format!("{XML_DECLARATION}{}\n", body.into_string())
}

fn atom_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// An Atom feed of published pages; `self_path` is the feed's own path.
pub fn atom(base: &str, title: &str, self_path: &str, pages: &[Page]) -> String {
    let updated = pages.iter().filter_map(|p| p.published_at).max().unwrap_or_else(crate::models::now);
    xml(html! {
        feed xmlns="http://www.w3.org/2005/Atom" {
            title { (title) }
            id { (base) (self_path) }
            link rel="self" href={ (base) (self_path) } {}
            link href={ (base) "/kb" } {}
            updated { (atom_time(updated)) }
            @for p in pages.iter().take(FEED_ENTRIES) {
                entry {
                    title { (p.title) }
                    id { (base) "/kb/" (p.slug) }
                    link href={ (base) "/kb/" (p.slug) } {}
                    updated { (atom_time(p.published_at.unwrap_or(p.updated_at))) }
                    author { name { "solex" } }
                    summary { (crate::markdown::cut_at_word(&crate::markdown::to_plain_text(&p.problem_md), SUMMARY_CHARS)) }
                }
            }
        }
    })
}

/// The sitemap: the home page, the communities, the knowledge base with its theme hubs and
/// pages, the registry with each kind's list and its records (`records` as (path, last
/// change)), and the pages that say who runs the portal.
pub fn sitemap(base: &str, pages: &[Page], themes: &[&str], records: &[(String, NaiveDateTime)], communities: &[String]) -> String {
    let day = |t: &NaiveDateTime| t.format("%Y-%m-%d").to_string();
    xml(html! {
        urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" {
            url { loc { (base) "/" } }
            url { loc { (base) "/communities" } }
            @for slug in communities {
                url { loc { (base) (paths::community(slug)) } }
            }
            url { loc { (base) "/kb" } }
            @for theme in themes {
                url { loc { (base) (paths::theme(theme)) } }
            }
            @for p in pages {
                url { loc { (base) (paths::page(&p.slug)) } lastmod { (day(&p.updated_at)) } }
            }
            url { loc { (base) "/registry" } }
            url { loc { (base) (paths::REGISTRY_CHARTS) } }
            url { loc { (base) (paths::GLOSSARY) } }
            @for (_, plural) in paths::REGISTRY_KINDS {
                url { loc { (base) (paths::registry_list(plural)) } }
            }
            @for (path, at) in records {
                url { loc { (base) (path) } lastmod { (day(at)) } }
            }
            @for slug in paths::SITE_PAGES {
                url { loc { (base) (paths::site_page(slug)) } }
            }
        }
    })
}

/// /robots.txt: crawlers may read the public pages, not forms, accounts, mailed links (their
/// tokens are in the path or query), administration, moderation queues or the API.
pub fn robots(base: &str) -> String {
    const DISALLOW: &[&str] = &[
        "/admin", "/api/", "/c/*/queue", "/c/*/due", "/c/*/members", "/c/*/settings", "/c/*/digests", "/c/*/mail-log", "/c/*/new",
        "/c/*/posts/", "/credit-consent", "/dashboard", "/files/", "/kb/new", "/kb/pages", "/kb/*/edit", "/kb/*/revisions", "/lang/",
        "/login", "/logout", "/mail/", "/my/", "/notices/", "/password/", "/profile", "/register", "/registry/import",
        "/registry/work", "/registry/*/new", "/registry/*/edit", "/registry/*/review/", "/search", "/unsubscribe/", "/verify",
    ];
    let mut out = String::from("User-agent: *\nAllow: /\n");
    for path in DISALLOW {
        out.push_str("Disallow: ");
        out.push_str(path);
        out.push('\n');
    }
    out.push_str(&format!("\nSitemap: {base}{}\n", paths::SITEMAP));
    out
}

/// Lets browsers add the portal as a search engine.
pub fn opensearch(base: &str) -> String {
    xml(html! {
        OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/" {
            ShortName { "solex" }
            Description { "Knowledge exchange for MSME cluster development" }
            InputEncoding { "UTF-8" }
            Url type="text/html" template={ (base) "/search?q={searchTerms}" } {}
            Url type="application/json" template={ (base) "/api/search?q={searchTerms}" } {}
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn robots_keeps_crawlers_to_public_pages_and_names_the_sitemap() {
        let r = super::robots("https://solex.example");
        assert!(r.starts_with("User-agent: *\nAllow: /\n"), "{r}");
        for line in ["Disallow: /admin\n", "Disallow: /api/\n", "Disallow: /login\n", "Disallow: /unsubscribe/\n", "Disallow: /c/*/queue\n"] {
            assert!(r.contains(line), "{line}: {r}");
        }
        assert!(r.ends_with("\nSitemap: https://solex.example/sitemap.xml\n"), "{r}");
        assert!(!r.contains("Disallow: /kb\n") && !r.contains("Disallow: /registry\n"));
    }
    #[test]
    fn values_are_escaped_and_empty_elements_closed() {
        let out = super::opensearch("https://x.example/a&b\"<c>");
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<OpenSearchDescription xmlns="), "{out}");
        assert!(out.contains("template=\"https://x.example/a&amp;b&quot;&lt;c&gt;/search?q={searchTerms}\"></Url>"), "{out}");
        let feed = super::atom("https://x.example", "Fish & <chips>", "/kb/feed.atom", &[]);
        assert!(feed.contains("<title>Fish &amp; &lt;chips&gt;</title>") && feed.contains("<link rel=\"self\" href=\"https://x.example/kb/feed.atom\"></link>"), "{feed}");
    }
}

/// An Atom feed of a registry kind's records, last published or updated first; `list_path` is
/// the kind's list, `self_path` the feed's own path.
pub fn registry_atom(base: &str, title: &str, self_path: &str, list_path: &str, records: &[crate::models::registry::Record]) -> String {
    let updated = records.iter().map(|r| r.updated_at).max().unwrap_or_else(crate::models::now);
    xml(html! {
        feed xmlns="http://www.w3.org/2005/Atom" {
            title { (title) }
            id { (base) (self_path) }
            link rel="self" href={ (base) (self_path) } {}
            link href={ (base) (list_path) } {}
            updated { (atom_time(updated)) }
            @for r in records.iter().take(FEED_ENTRIES) {
                @let path = paths::registry_record_of(&r.kind, &r.slug);
                entry {
                    title { (r.title) }
                    id { (base) (path) }
                    link href={ (base) (path) } {}
                    updated { (atom_time(r.updated_at)) }
                    author { name { "solex" } }
                    summary { (r.state) @if !r.district.is_empty() { ", " (r.district) } @if !r.sector.is_empty() { " · " (r.sector) } }
                }
            }
        }
    })
}
