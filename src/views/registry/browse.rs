//! The registry's front page and the filtered, faceted list of each kind.

use maud::{html, Markup};
use crate::paths;

use super::{crumbs, record_link, record_meta};
use crate::error::FieldErrors;
use crate::services::registry::{Browse, Filters, Kind, Overview};
use crate::views::{input, layout, select, Ctx, Field};

/// The registry's front page: the map of `map` records by state leads, then the kinds, the
/// table of counts by state (the map's numbers) and the records verified last.
pub fn overview(ctx: &Ctx, ov: &Overview, map: Kind, focal_point: bool) -> Markup {
    let t = ctx.t();
    let max = ov.states.iter().map(|(_, c)| c[1]).max().unwrap_or(1).max(1);
    layout(ctx, t.registry_title, html! {
        h1 { (t.registry_title) }
        p.lead { (t.registry_intro) }
        @if focal_point { p { a.button href="/registry/work" { (t.registry_work) } } }
        (super::pictures::state_map(ctx, ov, map))
        p { a href=(paths::REGISTRY_CHARTS) { (t.registry_charts_link) } " · " a href=(super::score_cards::SHORT_LISTS) { (t.esr_short_lists_title) } " · " a href=(paths::REGISTRY_SCHEMES) { (t.fmt("schemes-overview-link", &[])) } " · " a href=(paths::FUNDING) { (t.get("funding-title")) } }
        ul.hubs {
            @for (i, k) in Kind::ALL.iter().enumerate() {
                li { a href=(paths::registry_list(k.plural())) { (ctx.t().get(k.label_key())) } " (" (ov.totals[i]) ")" }
            }
        }
        h2 #by-state { (t.registry_by_state) }
        div.table-wrap {
            table.registry-states aria-labelledby="by-state" {
                thead { tr { th scope="col" { (t.registry_state) } @for k in Kind::ALL { th scope="col" { (ctx.t().get(k.label_key())) } } } }
                tbody {
                    @for (state, counts) in &ov.states {
                        tr {
                            th scope="row" { (crate::vocab::state_label(state, ctx.lang == crate::views::Lang::Hi)) }
                            @for (i, k) in Kind::ALL.iter().enumerate() {
                                td {
                                    @if counts[i] > 0 {
                                        a href={ (paths::registry_list(k.plural())) "?state=" (crate::views::urlencode(state)) } { (counts[i]) }
                                        @if i == 1 { " " meter value=(counts[1]) min="0" max=(max) aria-hidden="true" {} }
                                    } @else { "0" }
                                }
                            }
                        }
                    }
                }
                tfoot { tr { th scope="row" { (t.registry_total) } @for n in ov.totals { td { (n) } } } }
            }
        }
        p.meta { (t.registry_map_table_note) }
        @if !ov.recent.is_empty() {
            h2 { (t.registry_recent) }
            ul.threads { @for r in &ov.recent { li { (record_link(r)) p.meta { (record_meta(ctx, r)) } } } }
        }
    })
}

fn facet_select(ctx: &Ctx, b: &Browse, filters: &Filters, name: &'static str, label: &str) -> Markup {
    let t = ctx.t();
    let facet = b.facets.iter().find(|f| f.name == name);
    let current = filters.get(name);
    let mut options = vec![(String::new(), t.registry_any.to_string())];
    if let Some(f) = facet {
        options.extend(f.counts.iter().map(|(code, label, n)| (code.clone(), format!("{label} ({n})"))));
    }
    if !current.is_empty() && !options.iter().any(|(c, _)| c == current) {
        options.push((current.to_string(), current.to_string()));
    }
    select(ctx, name, label, &options, current, &FieldErrors::new())
}

fn facet_label(ctx: &Ctx, name: &str) -> &'static str {
    let t = ctx.t();
    match name {
        "state" => t.registry_state,
        "sector" => t.registry_facet_sector,
        "stage" => t.registry_facet_stage,
        "see_issue" => t.registry_facet_see_issue,
        "br_activity" => t.registry_facet_br_activity,
        "scheme" => t.registry_facet_scheme,
        _ => "",
    }
}

pub fn list(ctx: &Ctx, b: &Browse, filters: &Filters, focal_point: bool) -> Markup {
    list_page(ctx, b.kind, list_body(ctx, b, filters, focal_point))
}

/// A list's page around its body (rendered apart: see `list_body`).
pub fn list_page(ctx: &Ctx, kind: Kind, body: impl maud::Render) -> Markup {
    let title = ctx.t().get(kind.label_key());
    // The kind's feed of newly published and updated records, for feed readers.
    let head = html! {
        meta name="description" content=(ctx.t().footer);
        link rel="alternate" type="application/atom+xml" title={ "solex: " (title) } href=(paths::registry_feed(kind.plural()));
    };
    crate::views::layout_with_head(ctx, title, head, body)
}

/// What a list shows inside the layout. It depends only on the list's data, the filters as
/// typed, the language and whether the reader may draft, never on the rest of the request,
/// so it can be rendered once and kept with the data.
pub fn list_body(ctx: &Ctx, b: &Browse, filters: &Filters, focal_point: bool) -> Markup {
    let t = ctx.t();
    let ab = crate::views::glossary::Abbrs::new(ctx);
    let kind = b.kind;
    let query = filters.query_with("", "");
    let suffix = if query.is_empty() { String::new() } else { format!("?{query}") };
    html! {
        (crumbs(ctx, None))
        h1 { (ctx.t().get(kind.label_key())) " (" (b.total) ")" }
        div.registry-browse {
            form.filters #filters method="get" action=(paths::registry_list(kind.plural())) aria-label=(t.registry_filter) {
                @for (name, _) in kind.facets() { (facet_select(ctx, b, filters, name, facet_label(ctx, name))) }
                (input(ctx, Field::new("district", t.registry_district, &filters.district), &FieldErrors::new()))
                @if kind == Kind::Agency { (super::agency_ratings::list_controls(ctx, filters)) }
                @if matches!(kind, Kind::Initiative | Kind::Practice) {
                    (select(ctx, "year", t.registry_year, &std::iter::once((String::new(), t.registry_any.to_string())).chain(b.years.iter().map(|(y, n)| (y.to_string(), format!("{y} ({n})")))).collect::<Vec<_>>(), &filters.year, &FieldErrors::new()))
                }
                button type="submit" { (t.registry_filter) }
                " " a href=(paths::registry_list(kind.plural())) { (t.registry_clear) }
            }
            div.results {
                p.meta {
                    a.to-filters href="#filters" { (t.registry_filter) " ↓" } " "
                    (t.registry_export) ": "
                    a href={ (paths::registry_list(kind.plural())) ".csv" (suffix) } { "CSV" } " · "
                    a href={ (paths::registry_list(kind.plural())) ".json" (suffix) } { "JSON" }
                    @if focal_point { " · " a href=(paths::registry_new(kind.plural())) { (t.registry_new) } }
                    @if kind == Kind::Agency { " · " a href="/registry/agency-requests/new" { (t.agency_request_new) } " · " a href="/registry/agency-requests" { (t.agency_requests_title) } }
                }
                @if b.records.is_empty() { p { (t.registry_none) } }
                ul.threads {
                    @for r in &b.records {
                        li {
                            (record_link(r))
                            p.meta {
                                (record_meta(ctx, r))
                                @if let Some(l) = b.ratings.get(&r.id) { " · " (super::agency_ratings::score(ctx, l)) }
                                @if crate::services::registry::is_overdue(r, b.now) { " · " span.flag title=(t.registry_overdue_list) { span aria-hidden="true" { "⚠" } span.visually-hidden { (t.registry_overdue_list) } } }
                            }
                        }
                    }
                }
                @if b.pages > 1 {
                    nav.pager aria-label=(ctx.t().pages_nav) {
                        @if b.page > 1 { a rel="prev" href={ (paths::registry_list(kind.plural())) "?" (filters.query_page(b.page - 1)) } { "← " (b.page - 1) } }
                        span { (b.page) " / " (b.pages) }
                        @if b.page < b.pages { a rel="next" href={ (paths::registry_list(kind.plural())) "?" (filters.query_page(b.page + 1)) } { (b.page + 1) " →" } }
                    }
                }
                @for f in &b.facets {
                    @if !f.counts.is_empty() && filters.get(f.name).is_empty() {
                        details.facet {
                            summary { (ab.mark(facet_label(ctx, f.name))) }
                            ul { @for (code, label, n) in &f.counts { li { a href={ (paths::registry_list(kind.plural())) "?" (filters.query_with(f.name, code)) } { (ab.mark(label)) } " (" (n) ")" } } }
                        }
                    }
                }
                @if ab.any() { (crate::views::glossary::link(ctx)) }
            }
        }
    }
}
