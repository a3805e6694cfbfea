//! The focal point's forms: a record's fields, and the CSV import with its report.

use maud::{html, Markup};
use crate::paths;

use super::{crumbs, day, hindi, status};
use crate::error::FieldErrors;
use crate::models::vocabulary::Term;
use crate::services::registry::import::Report;
use crate::services::registry::{EditView, Input, Kind, Spec, Values, Vocabs};
use crate::views::{csrf_field, error_summary, input, layout, notice, select, textarea, Ctx, Field};

pub(super) fn term_options(vocabs: &Vocabs, vocab: &str, current: &str, h: bool, allowed: Option<&[String]>) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "—".to_string())];
    for term in vocabs.of(vocab) {
        let offered = (!term.retired || term.code == current) && allowed.is_none_or(|a| vocab != "state" || a.contains(&term.code));
        if offered {
            let label = if term.grp.is_empty() { term.label_in(h).to_string() } else { format!("{} — {}", term.group_in(h), term.label_in(h)) };
            out.push((term.code.clone(), label));
        }
    }
    out
}

pub(super) fn form_field(ctx: &Ctx, spec: &Spec, value: &str, errors: &FieldErrors, vocabs: &Vocabs, allowed: Option<&[String]>, comment: Option<&String>) -> Markup {
    let h = hindi(ctx);
    let label = if spec.required { format!("{} *", ctx.t().get(spec.label)) } else { ctx.t().get(spec.label).to_string() };
    let hint = (!spec.hint.is_empty()).then(|| ctx.t().get(spec.hint));
    html! {
        @if let Some(c) = comment { p.reviewer-comment id={ (spec.name) "-comment" } { strong { (ctx.t().registry_comment) ": " } (c) } }
        @match spec.input {
            Input::Long | Input::Indicators => { (textarea(ctx, spec.name, &label, value, hint, if spec.input == Input::Long { 4 } else { 3 }, errors)) }
            Input::Choice(options) => {
                (select(ctx, spec.name, &label, &std::iter::once((String::new(), "—".to_string())).chain(options.iter().map(|(o, key)| (o.to_string(), ctx.t().get(*key).to_string()))).collect::<Vec<_>>(), value, errors))
            }
            Input::Term(v) => { (select(ctx, spec.name, &label, &term_options(vocabs, v, value, h, allowed), value, errors)) }
            Input::Terms(v) => {
                @let chosen = crate::services::registry::multi_values(value);
                fieldset.field.checks.has-error[errors.contains_key(spec.name)] id=(spec.name) {
                    legend { (label) }
                    @if let Some(e) = errors.get(spec.name) { p.error { (ctx.t().msg(e)) } }
                    @let offered: Vec<&Term> = vocabs.of(v).filter(|t| !t.retired || chosen.contains(&t.code.as_str())).collect();
                    @for (i, term) in offered.iter().enumerate() {
                        @if !term.grp.is_empty() && (i == 0 || offered[i - 1].grp != term.grp) { p.group { (term.group_in(h)) } }
                        label.check { input type="checkbox" name=(spec.name) value=(term.code) checked[chosen.contains(&term.code.as_str())]; " " (term.label_in(h)) }
                    }
                }
            }
            Input::Count | Input::Year | Input::Number(_) => {
                (input(ctx, Field { name: spec.name, label: &label, value, kind: "text", autocomplete: "off", hint, required: spec.required }, errors))
            }
            Input::Url => { (input(ctx, Field { name: spec.name, label: &label, value, kind: "url", autocomplete: "url", hint, required: spec.required }, errors)) }
            // Pages and threads are typed as "a; b": a text input keeps no line breaks.
            Input::Pages | Input::Threads => {
                @let typed = crate::services::registry::cell(spec.input, value);
                (input(ctx, Field { name: spec.name, label: &label, value: typed.as_ref(), kind: "text", autocomplete: "off", hint, required: spec.required }, errors))
            }
            _ => { (input(ctx, Field { name: spec.name, label: &label, value, kind: "text", autocomplete: "off", hint, required: spec.required }, errors)) }
        }
    }
}

/// The focal point's form for a new or existing record.
pub fn edit_form(ctx: &Ctx, kind: Kind, e: &EditView, values: &Values, slug_input: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let (action, title) = match &e.record {
        Some(r) => (paths::registry_edit(kind.plural(), &r.slug), format!("{}: {}", t.registry_edit, r.title)),
        None => (paths::registry_new(kind.plural()), format!("{}: {}", t.registry_new, ctx.t().get(kind.singular_key()))),
    };
    layout(ctx, &title, html! {
        (crumbs(ctx, Some(kind)))
        h1 { (title) }
        @if let Some((n, s)) = &e.status { p.note { (t.fmt("registry-open-version", &[("number", (*n).into()), ("status", status(ctx, *s).into())])) } }
        @if let Some((at, note)) = e.record.as_ref().and_then(|r| r.withdrawn_at.map(|at| (at, &r.withdrawn_note))) {
            p.note { (t.fmt("registry-withdrawn-on", &[("date", day(ctx, at))])) " " (note) }
        }
        @if !e.comments.is_empty() {
            div.note role="note" {
                h2 { (t.registry_reviewer_said) }
                @if let Some(c) = e.comments.get("") { p { (c) } }
                ul { @for (field, c) in e.comments.iter().filter(|(k, _)| !k.is_empty()) { li { a href={ "#" (field) } { (kind.spec(field).map(|s| ctx.t().get(s.label)).unwrap_or(field)) } ": " (c) } } }
            }
        }
        (error_summary(ctx, errors))
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(e.seen.version);
            input type="hidden" name="lock" value=(e.seen.lock);
            @if e.record.is_none() {
                (input(ctx, Field::new("slug", ctx.t().registry_slug_optional, slug_input).hint(ctx.t().registry_slug_hint), errors))
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
/// An import's report: each problem by line and column, or what the file would change.
pub(super) fn import_report(ctx: &Ctx, r: &Report) -> Markup {
    let t = ctx.t();
    html! {
        @if !r.problems.is_empty() {
            div.error-summary role="alert" {
                h2 { (t.registry_problems) " (" (r.problem_count()) ")" }
                div.table-wrap {
                    table {
                        thead { tr { th { (t.registry_line) } th { (t.registry_column) } th { (t.registry_field) } th { "" } } }
                        tbody { @for p in &r.problems { tr { td { (p.line) } td { @if p.column > 0 { (p.column) } } td { (p.header) } td { (t.msg(&p.message)) } } } }
                    }
                }
                @if r.more_problems > 0 { p { (t.fmt("registry-more-problems", &[("count", r.more_problems.into())])) } }
            }
        } @else {
            (notice(if r.applied { t.registry_imported } else { t.registry_clean }))
            p { (t.fmt("registry-would", &[("created", r.created.len().into()), ("updated", r.updated.len().into()), ("unchanged", r.unchanged.len().into())])) }
        }
    }
}

pub fn import(ctx: &Ctx, kind: Kind, report: Option<&Report>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let kinds: Vec<(String, String)> = Kind::ALL.iter().map(|k| (k.code().to_string(), ctx.t().get(k.label_key()).to_string())).collect();
    layout(ctx, t.registry_import, html! {
        (crumbs(ctx, None))
        h1 { (t.registry_import) }
        p { (t.registry_import_intro) }
        p.meta { (t.registry_template) ": " @for k in Kind::ALL { a href={ (paths::registry_list(k.plural())) ".csv?template=1" } { (ctx.t().get(k.label_key())) } " " } }
        @if let Some(r) = report {
            (import_report(ctx, r))
            @if r.problems.is_empty() {
                @if r.applied { ul { @for s in &r.created { li { a href=(paths::registry_record(kind.plural(), &s)) { (s) } } } @for s in &r.updated { li { a href=(paths::registry_record(kind.plural(), &s)) { (s) } } } } }
            }
        }
        (error_summary(ctx, errors))
        form method="post" action="/registry/import" enctype="multipart/form-data" {
            (csrf_field(ctx))
            (select(ctx, "kind", t.registry_kind, &kinds, kind.code(), errors))
            div.field.has-error[errors.contains_key("file")] {
                label for="file" { (t.registry_file) }
                @if let Some(e) = errors.get("file") { p.error { (ctx.t().msg(e)) } }
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
