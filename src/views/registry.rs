//! The national registry: overview with the state table, filtered lists, record pages, the
//! focal point's form and import, the reviewer's field-by-field diff, and vocabularies.

use maud::{html, Markup};

use super::{csrf_field, error_summary, format_time, input, layout, notice, select, textarea, Ctx, Field, Lang};
use crate::error::FieldErrors;
use crate::models::registry::Record;
use crate::models::vocabulary::Term;
use crate::services::registry::{Browse, EditView, Filters, Input, Kind, Overview, RecordView, ReviewView, Spec, Values, Vocabs, WorkList};
use crate::services::registry::import::Report;

fn hindi(ctx: &Ctx) -> bool {
    ctx.lang == Lang::Hi
}

fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for a in args {
        out = out.replacen("%s", a, 1);
    }
    out
}

/// A version's status in the reader's language.
fn status(ctx: &Ctx, s: &str) -> &'static str {
    let t = ctx.t();
    match s {
        "draft" => t.registry_status_draft,
        "submitted" => t.registry_status_submitted,
        "returned" => t.registry_status_returned,
        "published" => t.registry_status_published,
        "superseded" => t.registry_status_superseded,
        _ => t.registry_status_withdrawn,
    }
}

pub fn record_link(r: &Record) -> Markup {
    let plural = Kind::from_code(&r.kind).map(|k| k.plural()).unwrap_or("initiatives");
    html! { a href={ "/registry/" (plural) "/" (r.slug) } { (r.title) } }
}

fn record_meta(ctx: &Ctx, r: &Record) -> Markup {
    let kind = Kind::from_code(&r.kind);
    html! {
        @if let Some(k) = kind { (k.singular(hindi(ctx))) " · " }
        @if !r.district.is_empty() { (r.district) ", " }
        (r.state)
        @if let Some(s) = r.start_year { " · " (s) "–" @if let Some(e) = r.end_year { (e) } }
    }
}

fn crumbs(ctx: &Ctx, kind: Option<Kind>) -> Markup {
    let t = ctx.t();
    html! {
        p.crumbs {
            a href="/registry" { (t.nav_registry) }
            @if let Some(k) = kind { " · " a href={ "/registry/" (k.plural()) } { (k.label(hindi(ctx))) } }
        }
    }
}

pub fn overview(ctx: &Ctx, ov: &Overview, focal_point: bool) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let max = ov.states.iter().map(|(_, c)| c[1]).max().unwrap_or(1).max(1);
    layout(ctx, t.registry_title, html! {
        h1 { (t.registry_title) }
        p.lead { (t.registry_intro) }
        @if focal_point { p { a.button href="/registry/work" { (t.registry_work) } } }
        ul.hubs {
            @for (i, k) in Kind::ALL.iter().enumerate() {
                li { a href={ "/registry/" (k.plural()) } { (k.label(h)) } " (" (ov.totals[i]) ")" }
            }
        }
        h2 #by-state { (t.registry_by_state) }
        div.table-wrap {
            table.registry-states aria-labelledby="by-state" {
                thead { tr { th scope="col" { (t.registry_state) } @for k in Kind::ALL { th scope="col" { (k.label(h)) } } } }
                tbody {
                    @for (state, counts) in &ov.states {
                        tr {
                            th scope="row" { (state) }
                            @for (i, k) in Kind::ALL.iter().enumerate() {
                                td {
                                    @if counts[i] > 0 {
                                        a href={ "/registry/" (k.plural()) "?state=" (super::urlencode(state)) } { (counts[i]) }
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
    select(name, label, &options, current, &FieldErrors::new())
}

fn facet_label(ctx: &Ctx, name: &str) -> &'static str {
    let t = ctx.t();
    let h = hindi(ctx);
    match name {
        "state" => t.registry_state,
        "sector" => if h { "क्षेत्र" } else { "Sector" },
        "stage" => if h { "चरण" } else { "Stage" },
        "see_issue" => if h { "SEE मुद्दा" } else { "SEE issue" },
        "br_activity" => if h { "BR गतिविधि" } else { "BR activity" },
        "scheme" => if h { "योजना" } else { "Scheme" },
        _ => "",
    }
}

pub fn list(ctx: &Ctx, b: &Browse, filters: &Filters, focal_point: bool) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let kind = b.kind;
    let query = filters.query_with("", "");
    let suffix = if query.is_empty() { String::new() } else { format!("?{query}") };
    layout(ctx, kind.label(h), html! {
        (crumbs(ctx, None))
        h1 { (kind.label(h)) " (" (b.total) ")" }
        div.registry-browse {
            form.filters #filters method="get" action={ "/registry/" (kind.plural()) } aria-label=(t.registry_filter) {
                @for (name, _) in kind.facets() { (facet_select(ctx, b, filters, name, facet_label(ctx, name))) }
                (input(Field::new("district", t.registry_district, &filters.district), &FieldErrors::new()))
                @if matches!(kind, Kind::Initiative | Kind::Practice) {
                    (select("year", t.registry_year, &std::iter::once((String::new(), t.registry_any.to_string())).chain(b.years.iter().map(|(y, n)| (y.to_string(), format!("{y} ({n})")))).collect::<Vec<_>>(), &filters.year, &FieldErrors::new()))
                }
                button type="submit" { (t.registry_filter) }
                " " a href={ "/registry/" (kind.plural()) } { (t.registry_clear) }
            }
            div.results {
                p.meta {
                    a.to-filters href="#filters" { (t.registry_filter) " ↓" } " "
                    (t.registry_export) ": "
                    a href={ "/registry/" (kind.plural()) ".csv" (suffix) } { "CSV" } " · "
                    a href={ "/registry/" (kind.plural()) ".json" (suffix) } { "JSON" }
                    @if focal_point { " · " a href={ "/registry/" (kind.plural()) "/new" } { (t.registry_new) } }
                }
                @if b.records.is_empty() { p { (t.registry_none) } }
                ul.threads {
                    @for r in &b.records {
                        li {
                            (record_link(r))
                            p.meta {
                                (record_meta(ctx, r))
                                @if crate::services::registry::is_overdue(r, b.now) { " · " span.flag { "⚠" } }
                            }
                        }
                    }
                }
                @if b.pages > 1 {
                    nav.pager aria-label=(if h { "पृष्ठ" } else { "Pages" }) {
                        @if b.page > 1 { a rel="prev" href={ "/registry/" (kind.plural()) "?" (filters.query_page(b.page - 1)) } { "← " (b.page - 1) } }
                        span { (b.page) " / " (b.pages) }
                        @if b.page < b.pages { a rel="next" href={ "/registry/" (kind.plural()) "?" (filters.query_page(b.page + 1)) } { (b.page + 1) " →" } }
                    }
                }
                @for f in &b.facets {
                    @if !f.counts.is_empty() && filters.get(f.name).is_empty() {
                        details.facet {
                            summary { (facet_label(ctx, f.name)) }
                            ul { @for (code, label, n) in &f.counts { li { a href={ "/registry/" (kind.plural()) "?" (filters.query_with(f.name, code)) } { (label) } " (" (n) ")" } } }
                        }
                    }
                }
            }
        }
    })
}

/// A stored value as a reader sees it: terms by label, records and pages as links.
pub fn show_value(ctx: &Ctx, kind: Kind, spec: &Spec, value: &str, vocabs: &Vocabs) -> Markup {
    let h = hindi(ctx);
    let items = crate::services::registry::multi_values(value);
    html! {
        @match spec.input {
            Input::Term(v) if kind.facets().iter().any(|(n, _)| *n == v) => {
                a href={ "/registry/" (kind.plural()) "?" (v) "=" (super::urlencode(value)) } { (vocabs.label(v, value, h)) }
            }
            Input::Term(v) => { (vocabs.label(v, value, h)) }
            Input::Terms(v) => {
                ul.inline-list {
                    @for code in &items {
                        li {
                            @if kind.facets().iter().any(|(n, _)| *n == v) {
                                a href={ "/registry/" (kind.plural()) "?" (v) "=" (super::urlencode(code)) } { (vocabs.label(v, code, h)) }
                            } @else { (vocabs.label(v, code, h)) }
                        }
                    }
                }
            }
            Input::Ref(k) => { a href={ "/registry/" (k.plural()) "/" (value) } { (value) } }
            Input::Pages => { ul.inline-list { @for s in &items { li { a href={ "/kb/" (s) } { (s) } } } } }
            Input::Threads => { ul.inline-list { @for s in &items { li { "#" (s) } } } }
            Input::Url => { a href=(value) rel="nofollow ugc noopener" { (value) } }
            Input::Indicators => {
                table.indicators {
                    thead { tr { th { (if h { "संकेतक" } else { "Indicator" }) } th { (if h { "आधार" } else { "Baseline" }) } th { (if h { "नवीनतम" } else { "Latest" }) } th { (if h { "इकाई" } else { "Unit" }) } } }
                    tbody {
                        @for line in value.lines() {
                            @let p: Vec<&str> = line.split('|').map(str::trim).collect();
                            tr { @for i in 0..4 { td { (p.get(i).copied().unwrap_or("")) } } }
                        }
                    }
                }
            }
            Input::Long => { div.long { (value) } }
            _ => { (value) }
        }
    }
}

/// The record's fields; the name is the heading, pages and threads have their own sections,
/// and records named by web name show their titles.
fn fields_table(ctx: &Ctx, kind: Kind, values: &Values, vocabs: &Vocabs, refs: &[Record]) -> Markup {
    let h = hindi(ctx);
    html! {
        dl.record {
            @for spec in kind.fields().iter().filter(|s| !matches!(s.name, "title" | "name") && !matches!(s.input, Input::Pages | Input::Threads)) {
                @if let Some(v) = values.get(spec.name) {
                    dt { (spec.label_in(h)) }
                    dd {
                        @match (spec.input, refs.iter().find(|r| Some(r.kind.as_str()) == ref_kind(spec) && &r.slug == v)) {
                            (Input::Ref(_), Some(r)) => { (record_link(r)) }
                            _ => { (show_value(ctx, kind, spec, v, vocabs)) }
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
    let t = ctx.t();
    let h = hindi(ctx);
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
                        Some(name) => { (fill(t.registry_verified, &[name, &at.format("%Y-%m-%d").to_string()])) }
                        None => { (fill(t.registry_verified_seed, &[&at.format("%Y-%m-%d").to_string()])) }
                    }
                }
            }
            @if v.overdue { p.note role="status" { (t.registry_overdue) } }
            @if let Some(at) = r.withdrawn_at {
                p.note { (fill(t.registry_withdrawn_on, &[&at.format("%Y-%m-%d").to_string()])) " " (r.withdrawn_note) }
            } @else if !r.is_published() { p.note { (t.registry_unpublished) } }
            @if let Some(open) = &v.open {
                p.note {
                    (fill(t.registry_open_version, &[&open.number.to_string(), status(ctx, &open.status)]))
                    " "
                    @if v.may_review && open.status == "submitted" {
                        a href={ "/registry/" (kind.plural()) "/" (r.slug) "/review/" (open.number) } { (t.registry_review) }
                    } @else {
                        a href={ "/registry/" (kind.plural()) "/" (r.slug) "/review/" (open.number) } { (t.registry_published_value) " ↔ " (t.registry_submitted_value) }
                    }
                }
            }
            @if v.may_edit { p { a.button href={ "/registry/" (kind.plural()) "/" (r.slug) "/edit" } { (t.registry_edit) } } }
            @if let Some(values) = shown { (fields_table(ctx, kind, values, &v.vocabs, &v.refs)) }
            @if !v.related.is_empty() {
                section aria-labelledby="related-h" {
                    h2 #related-h { (t.registry_related) }
                    ul { @for o in &v.related { li { (record_link(o)) " " span.meta { (record_meta(ctx, o)) } } } }
                }
            }
            @if !v.pages.is_empty() {
                section aria-labelledby="pages-h" {
                    h2 #pages-h { (t.registry_pages) }
                    ul { @for (slug, title, lang) in &v.pages { li { a href={ "/kb/" (slug) } lang=(lang) { (title) } } } }
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
                                a href={ "/registry/" (kind.plural()) "/" (r.slug) "/review/" (ver.number) } { "#" (ver.number) }
                                " · " (status(ctx, &ver.status)) " · " (format_time(&ver.updated_at))
                                @if let Some(a) = author { " · " (a) }
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
                form method="post" action={ "/registry/" (kind.plural()) "/" (r.slug) "/withdraw" } {
                    (csrf_field(ctx))
                    (input(Field::new("note", t.registry_withdraw_note, "").required(), errors))
                    button.secondary type="submit" { (t.registry_withdraw) }
                }
            }
        }
        p.meta { (if h { "संदर्भ" } else { "Cite" }) ": " code { "/registry/" (kind.plural()) "/" (r.slug) } }
    })
}

fn term_options(vocabs: &Vocabs, vocab: &str, current: &str, h: bool, allowed: Option<&[String]>) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "—".to_string())];
    for term in vocabs.of(vocab) {
        let offered = (!term.retired || term.code == current) && allowed.is_none_or(|a| vocab != "state" || a.contains(&term.code));
        if offered {
            let label = if term.grp.is_empty() { term.label_in(h).to_string() } else { format!("{} — {}", term.grp, term.label_in(h)) };
            out.push((term.code.clone(), label));
        }
    }
    out
}

fn form_field(ctx: &Ctx, spec: &Spec, value: &str, errors: &FieldErrors, vocabs: &Vocabs, allowed: Option<&[String]>, comment: Option<&String>) -> Markup {
    let h = hindi(ctx);
    let label = if spec.required { format!("{} *", spec.label_in(h)) } else { spec.label_in(h).to_string() };
    let hint = (!spec.hint.is_empty()).then_some(spec.hint);
    html! {
        @if let Some(c) = comment { p.reviewer-comment id={ (spec.name) "-comment" } { strong { (ctx.t().registry_comment) ": " } (c) } }
        @match spec.input {
            Input::Long | Input::Indicators => { (textarea(spec.name, &label, value, hint, if spec.input == Input::Long { 4 } else { 3 }, errors)) }
            Input::Choice(options) => {
                (select(spec.name, &label, &std::iter::once((String::new(), "—".to_string())).chain(options.iter().map(|o| (o.to_string(), o.to_string()))).collect::<Vec<_>>(), value, errors))
            }
            Input::Term(v) => { (select(spec.name, &label, &term_options(vocabs, v, value, h, allowed), value, errors)) }
            Input::Terms(v) => {
                @let chosen = crate::services::registry::multi_values(value);
                fieldset.field.checks.has-error[errors.contains_key(spec.name)] id=(spec.name) {
                    legend { (label) }
                    @if let Some(e) = errors.get(spec.name) { p.error { (e) } }
                    @let offered: Vec<&Term> = vocabs.of(v).filter(|t| !t.retired || chosen.contains(&t.code.as_str())).collect();
                    @for (i, term) in offered.iter().enumerate() {
                        @if !term.grp.is_empty() && (i == 0 || offered[i - 1].grp != term.grp) { p.group { (term.grp) } }
                        label.check { input type="checkbox" name=(spec.name) value=(term.code) checked[chosen.contains(&term.code.as_str())]; " " (term.label_in(h)) }
                    }
                }
            }
            Input::Count | Input::Year | Input::Number(_) => {
                (input(Field { name: spec.name, label: &label, value, kind: "text", autocomplete: "off", hint, required: spec.required }, errors))
            }
            Input::Url => { (input(Field { name: spec.name, label: &label, value, kind: "url", autocomplete: "url", hint, required: spec.required }, errors)) }
            _ => { (input(Field { name: spec.name, label: &label, value, kind: "text", autocomplete: "off", hint, required: spec.required }, errors)) }
        }
    }
}

/// The focal point's form for a new or existing record.
pub fn edit_form(ctx: &Ctx, kind: Kind, e: &EditView, values: &Values, slug_input: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let (action, title) = match &e.record {
        Some(r) => (format!("/registry/{}/{}/edit", kind.plural(), r.slug), format!("{}: {}", t.registry_edit, r.title)),
        None => (format!("/registry/{}/new", kind.plural()), format!("{}: {}", t.registry_new, kind.singular(h))),
    };
    layout(ctx, &title, html! {
        (crumbs(ctx, Some(kind)))
        h1 { (title) }
        @if let Some((n, s)) = &e.status { p.note { (fill(t.registry_open_version, &[&n.to_string(), status(ctx, s)])) } }
        @if let Some((at, note)) = e.record.as_ref().and_then(|r| r.withdrawn_at.map(|at| (at, &r.withdrawn_note))) {
            p.note { (fill(t.registry_withdrawn_on, &[&at.format("%Y-%m-%d").to_string()])) " " (note) }
        }
        @if !e.comments.is_empty() {
            div.note role="note" {
                h2 { (t.registry_reviewer_said) }
                @if let Some(c) = e.comments.get("") { p { (c) } }
                ul { @for (field, c) in e.comments.iter().filter(|(k, _)| !k.is_empty()) { li { a href={ "#" (field) } { (kind.spec(field).map(|s| s.label_in(h)).unwrap_or(field)) } ": " (c) } } }
            }
        }
        (error_summary(ctx, errors))
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(e.seen.version);
            input type="hidden" name="lock" value=(e.seen.lock);
            @if e.record.is_none() {
                (input(Field::new("slug", if h { "वेब नाम (वैकल्पिक)" } else { "Web name (optional)" }, slug_input).hint(if h { "खाली छोड़ें तो नाम से बनेगा।" } else { "Leave empty to make one from the name." }), errors))
            }
            @for spec in kind.fields() {
                (form_field(ctx, spec, values.get(spec.name).map(String::as_str).unwrap_or(""), errors, &e.vocabs, e.states.as_deref(), e.comments.get(spec.name)))
            }
            div.actions {
                button type="submit" name="action" value="draft" { (t.registry_save_draft) }
                " "
                button.primary type="submit" name="action" value="submit" { (t.registry_submit) }
            }
        }
    })
}

pub fn review(ctx: &Ctx, v: &ReviewView, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let kind = v.kind;
    let r = &v.record;
    let ver = &v.version;
    let reviewable = v.may_decide;
    let comments: std::collections::BTreeMap<String, String> = serde_json::from_str(&ver.comments).unwrap_or_default();
    layout(ctx, &format!("{}: {}", t.registry_review, r.title), html! {
        (crumbs(ctx, Some(kind)))
        h1 { (t.registry_review) ": " a href={ "/registry/" (kind.plural()) "/" (r.slug) } { (r.title) } }
        p.meta {
            "#" (ver.number) " · " (status(ctx, &ver.status)) " · " (ver.state)
            @if let Some(a) = &v.author { " · " (a) }
            @if let Some(at) = ver.submitted_at { " · " (format_time(&at)) }
        }
        p.hint { (t.registry_changed_only) }
        (error_summary(ctx, errors))
        form method="post" action={ "/registry/" (kind.plural()) "/" (r.slug) "/review/" (ver.number) } {
            (csrf_field(ctx))
            input type="hidden" name="lock" value=(ver.lock_version);
            div.table-wrap {
                table.diff {
                    thead { tr { th scope="col" { (t.registry_field) } th scope="col" { (t.registry_published_value) } th scope="col" { (t.registry_submitted_value) } @if reviewable { th scope="col" { (t.registry_comment) } } } }
                    tbody {
                        @for d in &v.diff {
                            @if d.changed || !d.new.is_empty() {
                                tr.changed[d.changed] {
                                    th scope="row" { (d.spec.label_in(h)) @if d.changed { " " span.flag aria-label="changed" { "●" } } }
                                    td.old { @if !d.old.is_empty() { (show_value(ctx, kind, d.spec, &d.old, &v.vocabs)) } }
                                    td.new { @if !d.new.is_empty() { (show_value(ctx, kind, d.spec, &d.new, &v.vocabs)) } }
                                    @if reviewable {
                                        td { textarea name={ "comment_" (d.spec.name) } rows="2" aria-label={ (t.registry_comment) ": " (d.spec.label_in(h)) } {} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !comments.is_empty() {
                h2 { (t.registry_reviewer_said) }
                ul { @for (k, c) in &comments { li { @if !k.is_empty() { (kind.spec(k).map(|s| s.label_in(h)).unwrap_or(k)) ": " } (c) } } }
            }
            @if reviewable {
                (textarea("comment", t.registry_general_comment, "", None, 3, errors))
                div.actions {
                    button.primary type="submit" name="decision" value="approve" { (t.registry_approve) }
                    " "
                    button type="submit" name="decision" value="return" { (t.registry_return) }
                }
            }
        }
    })
}

pub fn work(ctx: &Ctx, w: &WorkList) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let row = |ver: &crate::models::registry::Version, r: &Record, review: bool| {
        let plural = Kind::from_code(&r.kind).map(|k| k.plural()).unwrap_or("initiatives");
        html! {
            li {
                @if review { a href={ "/registry/" (plural) "/" (r.slug) "/review/" (ver.number) } { (r.title) } }
                @else { a href={ "/registry/" (plural) "/" (r.slug) "/edit" } { (r.title) } }
                p.meta { (record_meta(ctx, r)) " · #" (ver.number) " " (status(ctx, &ver.status)) " · " (format_time(&ver.updated_at)) }
            }
        }
    };
    layout(ctx, t.registry_work, html! {
        (crumbs(ctx, None))
        h1 { (t.registry_work) }
        p {
            @for k in Kind::ALL { a href={ "/registry/" (k.plural()) "/new" } { (t.registry_new) ": " (k.singular(h)) } " · " }
            a href="/registry/import" { (t.registry_import) }
        }
        @if w.is_reviewer {
            h2 { (t.registry_waiting) " (" (w.waiting.len()) ")" }
            @if w.waiting.is_empty() { p { (t.registry_none) } }
            ul.threads { @for (ver, r) in &w.waiting { (row(ver, r, true)) } }
        } @else {
            h2 { (t.registry_mine) " (" (w.mine.len()) ")" }
            @if w.mine.is_empty() { p { (t.registry_none) } }
            ul.threads { @for (ver, r) in &w.mine { (row(ver, r, ver.status == "submitted")) } }
        }
        h2 { (t.registry_overdue_list) " (" (w.overdue.len()) ")" }
        ul.threads { @for r in &w.overdue { li { (record_link(r)) p.meta { (record_meta(ctx, r)) } } } }
    })
}

pub fn import(ctx: &Ctx, kind: Kind, report: Option<&Report>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let kinds: Vec<(String, String)> = Kind::ALL.iter().map(|k| (k.code().to_string(), k.label(h).to_string())).collect();
    layout(ctx, t.registry_import, html! {
        (crumbs(ctx, None))
        h1 { (t.registry_import) }
        p { (t.registry_import_intro) }
        p.meta { (t.registry_template) ": " @for k in Kind::ALL { a href={ "/registry/" (k.plural()) ".csv?template=1" } { (k.label(h)) } " " } }
        @if let Some(r) = report {
            @if !r.problems.is_empty() {
                div.error-summary role="alert" {
                    h2 { (t.registry_problems) " (" (r.problem_count()) ")" }
                    div.table-wrap {
                        table {
                            thead { tr { th { (t.registry_line) } th { (t.registry_column) } th { (t.registry_field) } th { "" } } }
                            tbody { @for p in &r.problems { tr { td { (p.line) } td { @if p.column > 0 { (p.column) } } td { (p.header) } td { (p.message) } } } }
                        }
                    }
                    @if r.more_problems > 0 { p { (fill(t.registry_more_problems, &[&r.more_problems.to_string()])) } }
                }
            } @else {
                (notice(if r.applied { t.registry_imported } else { t.registry_clean }))
                p { (fill(t.registry_would, &[&r.created.len().to_string(), &r.updated.len().to_string(), &r.unchanged.len().to_string()])) }
                @if r.applied { ul { @for s in &r.created { li { a href={ "/registry/" (kind.plural()) "/" (s) } { (s) } } } @for s in &r.updated { li { a href={ "/registry/" (kind.plural()) "/" (s) } { (s) } } } } }
            }
        }
        (error_summary(ctx, errors))
        form method="post" action="/registry/import" enctype="multipart/form-data" {
            (csrf_field(ctx))
            (select("kind", t.registry_kind, &kinds, kind.code(), errors))
            div.field.has-error[errors.contains_key("file")] {
                label for="file" { (t.registry_file) }
                @if let Some(e) = errors.get("file") { p.error { (e) } }
                input #file type="file" name="file" accept=".csv,text/csv";
            }
            div.actions {
                button type="submit" name="mode" value="check" { (t.registry_check) }
                " "
                button.primary type="submit" name="mode" value="import" { (t.registry_do_import) }
            }
        }
    })
}

pub fn vocabularies(ctx: &Ctx, names: &[(&str, &str)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.vocab_title, html! {
        p.crumbs { a href="/admin/users" { (t.nav_admin) } }
        h1 { (t.vocab_title) }
        ul { @for (code, title) in names { li { a href={ "/admin/vocabularies/" (code) } { (title) } } } }
    })
}

pub fn vocabulary(ctx: &Ctx, name: &str, title: &str, terms: &[Term], form: &crate::services::registry::TermForm, errors: &FieldErrors, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    layout(ctx, title, html! {
        p.crumbs { a href="/admin/vocabularies" { (t.vocab_title) } }
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        div.table-wrap {
            table {
                thead { tr { th { (t.vocab_code) } th { (t.vocab_label) } th { (t.vocab_label_hi) } th { (t.vocab_group) } th { (t.vocab_retired) } th {} } }
                tbody {
                    @for term in terms {
                        tr.retired[term.retired] {
                            td { code { (term.code) } }
                            td colspan="5" {
                                form.inline-row method="post" action={ "/admin/vocabularies/" (name) "/" (super::urlencode(&term.code)) } {
                                    (csrf_field(ctx))
                                    input name="label" value=(term.label) aria-label={ (t.vocab_label) " " (term.code) };
                                    input name="label_hi" value=(term.label_hi) lang="hi" aria-label={ (t.vocab_label_hi) " " (term.code) };
                                    input name="grp" value=(term.grp) aria-label={ (t.vocab_group) " " (term.code) };
                                    label { input type="checkbox" name="retired" value="1" checked[term.retired]; " " (t.vocab_retired) }
                                    button type="submit" { (t.vocab_save) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t.vocab_add) }
        (error_summary(ctx, errors))
        form method="post" action={ "/admin/vocabularies/" (name) } {
            (csrf_field(ctx))
            (input(Field::new("code", t.vocab_code, &form.code).required(), errors))
            (input(Field::new("label", t.vocab_label, &form.label).required(), errors))
            (input(Field::new("label_hi", t.vocab_label_hi, &form.label_hi), errors))
            (input(Field::new("grp", t.vocab_group, &form.grp), errors))
            button type="submit" { (t.vocab_add) }
        }
    })
}
