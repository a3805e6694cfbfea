//! A record's page, and stored values as a reader sees them.

use maud::{html, Markup};
use crate::paths;

use super::{crumbs, day, hindi, record_link, record_meta, status};
use crate::error::FieldErrors;
use crate::models::registry::{self, Record};
use crate::services::registry::{Input, Kind, RecordView, Spec, Values, Vocabs};
use crate::views::dates::when;
use crate::views::glossary::Abbrs;
use crate::views::{csrf_field, error_summary, input, layout, notice, Ctx, Field};

/// A stored value as a reader sees it: terms by label, records and pages as links.
pub fn show_value(ctx: &Ctx, kind: Kind, spec: &Spec, value: &str, vocabs: &Vocabs) -> Markup {
    show_marked(ctx, kind, spec, value, vocabs, &Abbrs::new(ctx))
}

/// `show_value` with the page's acronyms marked on their first use.
fn show_marked(ctx: &Ctx, kind: Kind, spec: &Spec, value: &str, vocabs: &Vocabs, ab: &Abbrs) -> Markup {
    let h = hindi(ctx);
    let items = crate::services::registry::multi_values(value);
    html! {
        @match spec.input {
            Input::Term(v) if kind.facets().iter().any(|(n, _)| *n == v) => {
                a href={ (paths::registry_list(kind.plural())) "?" (v) "=" (crate::views::urlencode(value)) } { (ab.mark(&vocabs.label(v, value, h))) }
            }
            Input::Term(v) => { (ab.mark(&vocabs.label(v, value, h))) }
            Input::Terms(v) => {
                ul.inline-list {
                    @for code in &items {
                        li {
                            @if kind.facets().iter().any(|(n, _)| *n == v) {
                                a href={ (paths::registry_list(kind.plural())) "?" (v) "=" (crate::views::urlencode(code)) } { (ab.mark(&vocabs.label(v, code, h))) }
                            } @else { (ab.mark(&vocabs.label(v, code, h))) }
                        }
                    }
                }
            }
            Input::Ref(k) => { a href=(paths::registry_record(k.plural(), &value)) { (value) } }
            Input::Pages => { ul.inline-list { @for s in &items { li { a href=(paths::page(&s)) { (s) } } } } }
            Input::Threads => { ul.inline-list { @for s in &items { li { "#" (s) } } } }
            Input::Url => { a href=(value) rel="nofollow ugc noopener" { (value) } }
            Input::Indicators => {
                table.indicators {
                    caption { (ctx.t().registry_indicators_chart) }
                    thead { tr { th { (ctx.t().registry_indicator) } th { (ctx.t().registry_baseline) } th { (ctx.t().registry_latest) } th { (ctx.t().registry_unit) } } }
                    tbody {
                        @for line in value.lines() {
                            @let p: Vec<&str> = line.split('|').map(str::trim).collect();
                            tr { @for i in 0..4 { td { (p.get(i).copied().unwrap_or("")) } } }
                        }
                    }
                }
            }
            Input::Long => { div.long { (value) } }
            Input::Choice(options) => { (ab.mark(options.iter().find(|(o, _)| *o == value).map(|(_, key)| ctx.t().get(*key)).unwrap_or(value))) }
            _ => { (value) }
        }
    }
}

/// The record's fields; the name is the heading, pages and threads have their own sections,
/// and records named by web name show their titles.
/// `bars`: draw each indicator's baseline and latest value as bars (when no dated values are
/// there to draw its series instead).
fn fields_table(ctx: &Ctx, kind: Kind, values: &Values, vocabs: &Vocabs, refs: &[Record], ab: &Abbrs, bars: bool) -> Markup {
    html! {
        dl.record {
            @for spec in kind.fields().iter().filter(|s| !matches!(s.name, "title" | "name") && !matches!(s.input, Input::Pages | Input::Threads)) {
                @if let Some(v) = values.get(spec.name) {
                    dt { (ab.mark(ctx.t().get(spec.label))) }
                    dd {
                        @match (spec.input, refs.iter().find(|r| Some(r.kind.as_str()) == ref_kind(spec) && &r.slug == v)) {
                            (Input::Ref(_), Some(r)) => { (record_link(r)) }
                            (Input::Indicators, _) => {
                                @if bars { (super::pictures::indicator_charts(ctx, &crate::services::registry::indicators(v))) }
                                (show_marked(ctx, kind, spec, v, vocabs, ab))
                            }
                            _ => { (show_marked(ctx, kind, spec, v, vocabs, ab)) }
                        }
                    }
                }
            }
        }
    }
}

fn ref_kind(spec: &Spec) -> Option<&'static str> {
    match spec.input {
        Input::Ref(k) => Some(k.code()),
        _ => None,
    }
}

pub fn gone(ctx: &Ctx, kind: Kind, title: &str, note: &str) -> Markup {
    let t = ctx.t();
    layout(ctx, title, html! {
        (crumbs(ctx, Some(kind)))
        h1 { (title) }
        p { (t.registry_withdrawn_public) }
        @if !note.is_empty() { p.note { (note) } }
    })
}

pub fn record(ctx: &Ctx, v: &RecordView, flash: Option<&str>, errors: &FieldErrors) -> Markup {
    record_with_feedback(ctx, v, flash, errors, &crate::services::registry::FeedbackForm::default())
}

/// The record's page with its feedback form filled in as sent (a form with mistakes).
pub fn record_with_feedback(ctx: &Ctx, v: &RecordView, flash: Option<&str>, errors: &FieldErrors, feedback: &crate::services::registry::FeedbackForm) -> Markup {
    let t = ctx.t();
    let r = &v.record;
    let kind = v.kind;
    let shown = v.values.as_ref().or(v.open_values.as_ref());
    layout(ctx, &r.title, html! {
        (crumbs(ctx, Some(kind)))
        @if let Some(f) = flash { (notice(f)) }
        article.registry-record {
            h1 { (r.title) }
            p.meta { (record_meta(ctx, r)) }
            @if let (Some(at), true) = (r.verified_at, r.is_published()) {
                p.verified {
                    @match &v.verified_by {
                        Some(name) => { (t.fmt("registry-verified", &[("name", name.into()), ("date", day(ctx, at))])) }
                        None => { (t.fmt("registry-verified-seed", &[("date", day(ctx, at))])) }
                    }
                }
            }
            @if v.overdue { p.note role="status" { (t.registry_overdue) } }
            @if let Some(at) = r.withdrawn_at {
                p.note { (t.fmt("registry-withdrawn-on", &[("date", day(ctx, at))])) " " (r.withdrawn_note) }
            } @else if !r.is_published() { p.note { (t.registry_unpublished) } }
            @if let Some(open) = &v.open {
                p.note {
                    (t.fmt("registry-open-version", &[("number", open.number.into()), ("status", status(ctx, open.status).into())]))
                    " "
                    @if v.may_review && open.status == registry::Status::Submitted {
                        a href=(paths::registry_review(kind.plural(), &r.slug, open.number)) { (t.registry_review) }
                    } @else {
                        a href=(paths::registry_review(kind.plural(), &r.slug, open.number)) { (t.registry_published_value) " ↔ " (t.registry_submitted_value) }
                    }
                }
            }
            @if v.may_edit { p { a.button href=(paths::registry_edit(kind.plural(), &r.slug)) { (t.registry_edit) } } }
            @if kind == Kind::Cluster && r.is_published() { p { a href=(super::score_cards::cards_path(&r.slug)) { (t.esr_cards_title) } } }
            @let ab = Abbrs::new(ctx);
            @let dated = v.series.iter().any(|s| !s.points.is_empty());
            @if let Some(values) = shown { (fields_table(ctx, kind, values, &v.vocabs, &v.refs, &ab, !dated)) }
            @if kind == Kind::Initiative { (super::series::section(ctx, &r.slug, &v.series, v.may_edit)) }
            @if kind == Kind::Cluster { p { a href=(paths::registry_cluster_ratings(&r.slug)) { (t.cluster_rating_history_link) } } }
            @if ab.any() { (crate::views::glossary::link(ctx)) }
            @if let Some(a) = &v.ratings { (super::agency_ratings::section(ctx, r, a)) }
            (super::awards::record_awards(ctx, &v.awards))
            @if kind == Kind::Agency && r.is_published() { p { a href={ "/registry/agency-requests/new?agency=" (r.slug) } { (t.agency_request_update) } } }
            @if !v.related.is_empty() {
                section aria-labelledby="related-h" {
                    h2 #related-h { (t.registry_related) }
                    ul { @for o in &v.related { li { (record_link(o)) " " span.meta { (record_meta(ctx, o)) } } } }
                }
            }
            @if !v.pages.is_empty() {
                section aria-labelledby="pages-h" {
                    h2 #pages-h { (t.registry_pages) }
                    ul { @for (slug, title, lang) in &v.pages { li { a href=(paths::page(&slug)) lang=(lang) { (title) } } } }
                }
            }
            @if !v.threads.is_empty() {
                section aria-labelledby="threads-h" {
                    h2 #threads-h { (t.registry_threads) }
                    ul { @for (url, title) in &v.threads { li { a href=(url) { (title) } } } }
                }
            }
            @if !v.history.is_empty() {
                section aria-labelledby="history-h" {
                    h2 #history-h { (t.registry_history) }
                    ul {
                        @for (ver, author) in &v.history {
                            li {
                                a href=(paths::registry_review(kind.plural(), &r.slug, ver.number)) { "#" (ver.number) }
                                " · " (status(ctx, ver.status)) " · " (when(ctx, &ver.updated_at))
                                @if let Some(a) = author { " · " (crate::views::author_name(ctx.t(), a)) }
                            }
                        }
                    }
                }
            }
        }
        @if v.may_review && r.is_published() {
            section aria-labelledby="withdraw-h" {
                h2 #withdraw-h { (t.registry_withdraw) }
                (error_summary(ctx, errors))
                form method="post" action={ (paths::registry_record(kind.plural(), &r.slug)) "/withdraw" } {
                    (csrf_field(ctx))
                    (input(ctx, Field::new("note", t.registry_withdraw_note, "").required(), errors))
                    button.secondary type="submit" { (t.registry_withdraw) }
                }
            }
        }
        (crate::views::similar::answered_members(ctx, v.answered_members))
        @if let Some(c) = &v.outcomes { (crate::views::outcomes::section(ctx, c, &paths::registry_record(kind.plural(), &r.slug), v.may_edit || v.may_review)) }
        @if r.is_published() { (super::feedback::section(ctx, v, feedback, errors)) }
        p.meta { (ctx.t().registry_cite) ": " code { (paths::registry_record(kind.plural(), &r.slug)) } }
    })
}
