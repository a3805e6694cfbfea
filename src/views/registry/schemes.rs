//! The schemes of Annex I: their index, one scheme's page, the choice of schemes on a page's
//! or a query's form, and the list of schemes something points to.

use maud::{html, Markup};

use super::{hindi, record_link, record_meta};
use crate::error::FieldErrors;
use crate::models::vocabulary::Term;
use crate::paths;
use crate::services::registry::{SchemeCount, SchemePage};
use crate::views::{layout, Ctx};

/// The schemes a form may choose, as checkboxes grouped by sponsor: every term in use, and a
/// retired one only where it is already chosen. `schemes_shown` tells the handler the field
/// was on the form, so choosing none clears them.
pub fn scheme_choices(ctx: &Ctx, terms: &[Term], chosen: &[String], errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let is_chosen = |code: &str| chosen.iter().any(|c| c == code);
    let offered: Vec<&Term> = terms.iter().filter(|term| !term.retired || is_chosen(&term.code)).collect();
    html! {
        input type="hidden" name="schemes_shown" value="1";
        details.schemes open[!chosen.is_empty() || errors.contains_key("schemes")] {
            summary { (t.fmt("schemes-field", &[])) }
            fieldset.field.checks.has-error[errors.contains_key("schemes")] #schemes {
                legend { (t.fmt("schemes-field", &[])) " (" (t.optional) ")" }
                p.hint { (t.fmt("schemes-field-hint", &[])) }
                @if let Some(e) = errors.get("schemes") { p.error { (t.msg(e)) } }
                @for (i, term) in offered.iter().enumerate() {
                    @if !term.grp.is_empty() && (i == 0 || offered[i - 1].grp != term.grp) { p.group { (term.group_in(h)) } }
                    label.check {
                        input type="checkbox" name="schemes" value=(term.code) checked[is_chosen(&term.code)];
                        " " (term.label_in(h))
                        @if term.retired { " (" (t.fmt("schemes-retired", &[])) ")" }
                    }
                }
            }
        }
    }
}

/// The schemes something points to, each a link to its page.
pub fn scheme_links(ctx: &Ctx, terms: &[Term]) -> Markup {
    let h = hindi(ctx);
    html! {
        ul.schemes { @for term in terms { li { a href=(paths::registry_scheme(&term.code)) { (term.label_in(h)) } } } }
    }
}

/// The schemes a page or a thread's query points to, under their heading; nothing when none.
pub fn schemes_aside(ctx: &Ctx, terms: &[Term]) -> Markup {
    html! {
        @if !terms.is_empty() {
            aside aria-labelledby="schemes-h" {
                h2 #schemes-h { (ctx.t().fmt("schemes-on-page", &[])) }
                (scheme_links(ctx, terms))
            }
        }
    }
}

fn crumbs(ctx: &Ctx) -> Markup {
    let t = ctx.t();
    html! { p.crumbs { a href="/registry" { (t.nav_registry) } " · " a href=(paths::REGISTRY_SCHEMES) { (t.fmt("schemes-title", &[])) } } }
}

/// Every scheme, by sponsor, with how many initiatives dovetail it and pages point to it.
pub fn scheme_index(ctx: &Ctx, rows: &[SchemeCount]) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let title = t.fmt("schemes-title", &[]);
    layout(ctx, &title, html! {
        p.crumbs { a href="/registry" { (t.nav_registry) } }
        h1 { (title) }
        p.lead { (t.fmt("schemes-intro", &[])) }
        div.table-wrap {
            table {
                thead { tr { th scope="col" { (t.fmt("schemes-col-scheme", &[])) } th scope="col" { (t.fmt("schemes-col-sponsor", &[])) } th scope="col" { (t.get("registry-kinds-initiative")) } th scope="col" { (t.fmt("schemes-col-pages", &[])) } } }
                tbody {
                    @for r in rows {
                        tr {
                            th scope="row" { a href=(paths::registry_scheme(&r.term.code)) { (r.term.label_in(h)) } @if r.term.retired { " (" (t.fmt("schemes-retired", &[])) ")" } }
                            td { (r.term.group_in(h)) }
                            td { (r.initiatives) }
                            td { (r.pages) }
                        }
                    }
                }
            }
        }
    })
}

/// One scheme: the initiatives that dovetail it, the knowledge pages and the public queries
/// that point to it.
pub fn scheme_page(ctx: &Ctx, s: &SchemePage) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let title = s.term.label_in(h).to_string();
    layout(ctx, &title, html! {
        (crumbs(ctx))
        h1 { (title) }
        p.meta { (s.term.group_in(h)) @if s.term.retired { " · " (t.fmt("schemes-retired", &[])) } }
        h2 #initiatives { (t.fmt("schemes-initiatives", &[])) }
        @if s.initiatives.is_empty() { p { (t.fmt("schemes-none", &[])) } }
        @else { ul.threads { @for r in &s.initiatives { li { (record_link(r)) p.meta { (record_meta(ctx, r)) } } } } }
        h2 #pages { (t.fmt("schemes-pages", &[])) }
        @if s.pages.is_empty() { p { (t.fmt("schemes-none", &[])) } }
        @else { ul { @for p in &s.pages { li { a href=(paths::page(&p.slug)) lang=(p.language) { (p.title) } } } } }
        h2 #queries { (t.fmt("schemes-queries", &[])) }
        @if s.queries.is_empty() { p { (t.fmt("schemes-none", &[])) } }
        @else { ul { @for (id, title, slug, community) in &s.queries { li { a href=(paths::thread(slug, *id)) { (title) } " · " span.meta { (community) } } } } }
    })
}
