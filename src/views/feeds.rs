//! XML for machines: the Atom feeds, the sitemap and the OpenSearch description. maud escapes
//! every value as it does for pages; XML elements without content are written as `{}` pairs
//! because maud's `tag;` is an HTML void element, which XML does not allow.

use chrono::NaiveDateTime;
use maud::{html, Markup};

use crate::models::page::Page;

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
                    summary { (crate::markdown::to_plain_text(&p.problem_md).chars().take(SUMMARY_CHARS).collect::<String>()) }
                }
            }
        }
    })
}

/// The sitemap: the knowledge base, its theme hubs and pages, the registry and its records
/// (`records` as (path, last change)).
pub fn sitemap(base: &str, pages: &[Page], themes: &[&str], records: &[(String, NaiveDateTime)]) -> String {
    let day = |t: &NaiveDateTime| t.format("%Y-%m-%d").to_string();
    xml(html! {
        urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" {
            url { loc { (base) "/kb" } }
            @for theme in themes {
                url { loc { (base) "/kb/themes/" (theme) } }
            }
            @for p in pages {
                url { loc { (base) "/kb/" (p.slug) } lastmod { (day(&p.updated_at)) } }
            }
            url { loc { (base) "/registry" } }
            @for (path, at) in records {
                url { loc { (base) (path) } lastmod { (day(at)) } }
            }
        }
    })
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
    fn values_are_escaped_and_empty_elements_closed() {
        let out = super::opensearch("https://x.example/a&b\"<c>");
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<OpenSearchDescription xmlns="), "{out}");
        assert!(out.contains("template=\"https://x.example/a&amp;b&quot;&lt;c&gt;/search?q={searchTerms}\"></Url>"), "{out}");
        let feed = super::atom("https://x.example", "Fish & <chips>", "/kb/feed.atom", &[]);
        assert!(feed.contains("<title>Fish &amp; &lt;chips&gt;</title>") && feed.contains("<link rel=\"self\" href=\"https://x.example/kb/feed.atom\"></link>"), "{feed}");
    }
}
