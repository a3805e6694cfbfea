//! The search page: results with snippets, facets with counts, a suggestion when empty.

use maud::{html, Markup, PreEscaped};
use crate::paths;

use super::{layout, Ctx};
use crate::search::{Filters, Hit, Results};

pub(super) fn facet_label(ctx: &Ctx, facet: &str, value: &str) -> String {
    let t = ctx.t();
    match facet {
        "theme" => ctx.theme(value).to_string(),
        "kind" => match value {
            "page" => t.search_kind_page.to_string(),
            "thread" => t.search_kind_thread.to_string(),
            other => crate::services::registry::Kind::from_code(other).map(|k| ctx.t().get(k.singular_key())).unwrap_or(other).to_string(),
        },
        "language" => crate::vocab::language_name(value).to_string(),
        "state" => crate::vocab::state_label(value, ctx.lang == super::Lang::Hi).to_string(),
        "sector" => ctx.sector(value).to_string(),
        "mine" => t.mysearch_mine.to_string(),
        "worked" => t.fmt("outcome-search-worked-yes", &[]),
        _ => value.to_string(),
    }
}

/// The search page: results first; the active filters as chips that each drop one filter; the
/// facets behind a "Filter" disclosure, closed, so that on a phone the first screen shows results.
pub fn page(ctx: &Ctx, q: &str, filters: &Filters, r: &Results) -> Markup {
    let t = ctx.t();
    let mine = if filters.mine { "1".to_string() } else { String::new() };
    let active: Vec<(&str, &String)> = [("kind", &filters.kind), ("theme", &filters.theme), ("state", &filters.state), ("sector", &filters.sector), ("language", &filters.language), ("mine", &mine), ("worked", &filters.worked)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    // This search with `facet` set to `value`, or without it when `value` is None.
    let link = |facet: &str, value: Option<&str>| {
        let mut params: Vec<(&str, &str)> = vec![("q", q)];
        params.extend(active.iter().filter(|(k, _)| *k != facet).map(|(k, v)| (*k, v.as_str())));
        if let Some(v) = value {
            params.push((facet, v));
        }
        format!("/search?{}", url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish())
    };
    let worked_name = t.fmt("outcome-search-facet", &[]);
    let facet_name = |facet: &str| match facet { "kind" => t.search_facet_kind, "theme" => t.field_themes, "state" => t.field_state, "sector" => t.field_sector, "mine" => t.mysearch_facet, "worked" => worked_name.as_str(), _ => t.search_facet_language };
    layout(ctx, t.search_title, html! {
        h1 { (t.search_title) }
        form.search method="get" action="/search" role="search" {
            label.visually-hidden for="q-main" { (t.search_label) }
            input #q-main type="search" name="q" value=(q);
            @for (k, v) in &active { input type="hidden" name=(k) value=(v); }
            button type="submit" { (t.search_button) }
        }
        @if !q.is_empty() {
            p.meta { (r.total) " " (t.search_results) }
            @if !active.is_empty() {
                h2.visually-hidden { (t.search_active_filters) }
                ul.chips {
                    @for (facet, v) in &active {
                        li { a href=(link(facet, None)) title=(t.search_remove_filter) {
                            (facet_name(facet)) ": " (facet_label(ctx, facet, v))
                            span aria-hidden="true" { "×" }
                            span.visually-hidden { " (" (t.search_remove_filter) ")" }
                        } }
                    }
                }
            }
            @if !r.facets.is_empty() {
                details.search-filters {
                    summary { (t.search_filter) }
                    div.facets {
                        @for facet in ["kind", "theme", "state", "sector", "language", "worked"] {
                            @let values: Vec<_> = r.facets.iter().filter(|(f, _, _)| f == facet).collect();
                            @if !values.is_empty() {
                                h2 { (facet_name(facet)) }
                                ul { @for (_, v, n) in values { li { a href=(link(facet, Some(v))) { (facet_label(ctx, facet, v)) } " (" (n) ")" } } }
                            }
                        }
                        // Signed-in members only: threads of their own communities.
                        @if let Some(n) = r.mine.filter(|n| *n > 0 && !filters.mine) {
                            h2 { (facet_name("mine")) }
                            ul { li { a href=(link("mine", Some("1"))) { (t.mysearch_mine) } " (" (n) ")" } }
                        }
                    }
                }
            }
            @if let Some(s) = &r.suggestion {
                p.note { (t.search_try_theme) " " a href=(paths::theme(&s)) { (ctx.theme(s)) } }
            }
            ol.results {
                @for h in &r.hits {
                    li {
                        span.badge { (facet_label(ctx, "kind", &h.kind)) }
                        " " a href=(h.url) lang=(h.language) { (h.title) }
                        @if h.worked > 0 { " " span.worked { (t.fmt("outcome-worked-for", &[("count", (h.worked as i64).into())])) } }
                        @if crate::services::registry::Kind::from_code(&h.kind).is_some() {
                            p.summary lang=(h.language) { (record_line(h)) }
                        } @else if !h.snippet_html.is_empty() {
                            p.snippet lang=(h.language) { (PreEscaped(&h.snippet_html)) }
                        }
                    }
                }
            }
        }
    })
}

/// A registry result in one line: where (district, state), the sector, and its most telling
/// value, instead of its fields dumped one after another.
fn record_line(h: &Hit) -> String {
    let place = [h.district.as_str(), h.state.as_str()].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
    [place.as_str(), h.sector.as_str(), h.summary.as_str()].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ")
}
