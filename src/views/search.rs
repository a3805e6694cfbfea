//! The search page: results with snippets, facets with counts, a suggestion when empty.

use maud::{html, Markup, PreEscaped};
use crate::paths;

use super::{layout, Ctx};
use crate::search::{Filters, Results};

fn facet_label(ctx: &Ctx, facet: &str, value: &str) -> String {
    let t = ctx.t();
    match facet {
        "theme" => crate::vocab::theme_label(value, ctx.lang == super::Lang::Hi).to_string(),
        "kind" => match value {
            "page" => t.search_kind_page.to_string(),
            "thread" => t.search_kind_thread.to_string(),
            other => crate::services::registry::Kind::from_code(other).map(|k| ctx.t().get(k.singular_key())).unwrap_or(other).to_string(),
        },
        "language" => crate::vocab::language_name(value).to_string(),
        "state" => crate::vocab::state_label(value, ctx.lang == super::Lang::Hi).to_string(),
        "sector" => crate::vocab::sector_label(value, ctx.lang == super::Lang::Hi).to_string(),
        _ => value.to_string(),
    }
}

pub fn page(ctx: &Ctx, q: &str, filters: &Filters, r: &Results) -> Markup {
    let t = ctx.t();
    let link = |facet: &str, value: &str| {
        let mut params: Vec<(String, String)> = vec![("q".into(), q.into())];
        for (k, v) in [("kind", &filters.kind), ("theme", &filters.theme), ("state", &filters.state), ("sector", &filters.sector), ("language", &filters.language)] {
            if k != facet && !v.is_empty() {
                params.push((k.into(), v.clone()));
            }
        }
        params.push((facet.into(), value.into()));
        format!("/search?{}", url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish())
    };
    layout(ctx, t.search_title, html! {
        h1 { (t.search_title) }
        form.search method="get" action="/search" role="search" {
            label for="q-main" { (t.search_label) }
            input #q-main type="search" name="q" value=(q);
            button type="submit" { (t.search_button) }
        }
        @if !q.is_empty() {
            p.meta { (r.total) " " (t.search_results) }
            @if let Some(s) = &r.suggestion {
                p.note { (t.search_try_theme) " " a href=(paths::theme(&s)) { (crate::vocab::theme_label(s, ctx.lang == super::Lang::Hi)) } }
            }
            div.search-layout {
                @if !r.facets.is_empty() {
                    aside.facets aria-label=(t.search_narrow) {
                        @for facet in ["kind", "theme", "state", "sector", "language"] {
                            @let values: Vec<_> = r.facets.iter().filter(|(f, _, _)| f == facet).collect();
                            @if !values.is_empty() {
                                h2 { (match facet { "kind" => t.search_facet_kind, "theme" => t.field_themes, "state" => t.field_state, "sector" => t.field_sector, _ => t.search_facet_language }) }
                                ul { @for (_, v, n) in values { li { a href=(link(facet, v)) { (facet_label(ctx, facet, v)) } " (" (n) ")" } } }
                            }
                        }
                    }
                }
                ol.results {
                    @for h in &r.hits {
                        li {
                            span.badge { (facet_label(ctx, "kind", &h.kind)) }
                            " " a href=(h.url) lang=(h.language) { (h.title) }
                            @if !h.snippet_html.is_empty() { p.snippet lang=(h.language) { (PreEscaped(&h.snippet_html)) } }
                        }
                    }
                }
            }
        }
    })
}
