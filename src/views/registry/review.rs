//! The reviewer's field-by-field diff, and the reviewer's and focal points' work lists.

use maud::{html, Markup};
use crate::paths;

use super::record::show_value;
use super::{crumbs, record_link, record_meta, status};
use crate::error::FieldErrors;
use crate::models::registry::{self, Record};
use crate::services::registry::{Decision, Kind, ReviewView, WorkList};
use crate::views::dates::when;
use crate::views::{csrf_field, error_summary, layout, textarea, Ctx};

pub fn review(ctx: &Ctx, v: &ReviewView, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let kind = v.kind;
    let r = &v.record;
    let ver = &v.version;
    let reviewable = v.may_decide;
    let comments: std::collections::BTreeMap<String, String> = serde_json::from_str(&ver.comments).unwrap_or_default();
    layout(ctx, &format!("{}: {}", t.registry_review, r.title), html! {
        (crumbs(ctx, Some(kind)))
        h1 { (t.registry_review) ": " a href=(paths::registry_record(kind.plural(), &r.slug)) { (r.title) } }
        p.meta {
            "#" (ver.number) " · " (status(ctx, ver.status)) " · " (ver.state)
            @if let Some(a) = &v.author { " · " (crate::views::author_name(ctx.t(), a)) }
            @if let Some(at) = ver.submitted_at { " · " (when(ctx, &at)) }
        }
        p.hint { (t.registry_changed_only) }
        (error_summary(ctx, errors))
        form method="post" action=(paths::registry_review(kind.plural(), &r.slug, ver.number)) {
            (csrf_field(ctx))
            input type="hidden" name="lock" value=(ver.lock_version);
            div.table-wrap {
                table.diff {
                    thead { tr { th scope="col" { (t.registry_field) } th scope="col" { (t.registry_published_value) } th scope="col" { (t.registry_submitted_value) } @if reviewable { th scope="col" { (t.registry_comment) } } } }
                    tbody {
                        @for d in &v.diff {
                            @if d.changed || !d.new.is_empty() {
                                tr.changed[d.changed] {
                                    th scope="row" { (ctx.t().get(d.spec.label)) @if d.changed { " " span.flag title=(ctx.t().registry_changed_mark) { span aria-hidden="true" { "●" } span.visually-hidden { (ctx.t().registry_changed_mark) } } } }
                                    td.old { @if !d.old.is_empty() { (show_value(ctx, kind, d.spec, &d.old, &v.vocabs)) } }
                                    td.new { @if !d.new.is_empty() { (show_value(ctx, kind, d.spec, &d.new, &v.vocabs)) } }
                                    @if reviewable {
                                        td { textarea name={ "comment_" (d.spec.name) } rows="2" aria-label={ (t.registry_comment) ": " (ctx.t().get(d.spec.label)) } {} }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !comments.is_empty() {
                h2 { (t.registry_reviewer_said) }
                ul { @for (k, c) in &comments { li { @if !k.is_empty() { (kind.spec(k).map(|s| ctx.t().get(s.label)).unwrap_or(k)) ": " } (c) } } }
            }
            @if reviewable {
                (textarea(ctx, "comment", t.registry_general_comment, "", None, 3, errors))
                div.actions {
                    @for d in Decision::all() {
                        @let (primary, label) = match d { Decision::Approve => (true, t.registry_approve), Decision::Return => (false, t.registry_return) };
                        button.primary[primary] type="submit" name="decision" value=(d.as_str()) { (label) } " "
                    }
                }
            }
        }
        (notes(ctx, v, errors))
    })
}

/// The review's thread: the sector focal points' technical input and the answers to it.
fn notes(ctx: &Ctx, v: &ReviewView, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    html! {
        section #notes aria-labelledby="notes-h" {
            h2 #notes-h { (t.get("levels-notes-heading")) " (" (v.notes.len()) ")" }
            p.hint { (t.get("levels-notes-hint")) }
            @if v.notes.is_empty() { p { (t.registry_none) } }
            ul.threads {
                @for (n, author) in &v.notes {
                    li {
                        p.meta { (crate::views::author_name(t, author.as_deref().unwrap_or(""))) " · " (when(ctx, &n.created_at)) }
                        p.note-body { (n.body) }
                    }
                }
            }
            @if v.may_note {
                form method="post" action={ (paths::registry_review(v.kind.plural(), &v.record.slug, v.version.number)) "/notes" } {
                    (csrf_field(ctx))
                    (textarea(ctx, "note", t.get("levels-note-label"), "", None, 4, errors))
                    button type="submit" { (t.get("levels-note-button")) }
                }
            }
        }
    }
}

pub fn work(ctx: &Ctx, w: &WorkList) -> Markup {
    let t = ctx.t();
    let row = |ver: &crate::models::registry::Version, r: &Record, review: bool| {
        let plural = paths::registry_plural(&r.kind).unwrap_or("initiatives");
        html! {
            li {
                @if review { a href=(paths::registry_review(plural, &r.slug, ver.number)) { (r.title) } }
                @else { a href=(paths::registry_edit(plural, &r.slug)) { (r.title) } }
                p.meta { (record_meta(ctx, r)) " · #" (ver.number) " " (status(ctx, ver.status)) " · " (when(ctx, &ver.updated_at)) }
            }
        }
    };
    layout(ctx, t.registry_work, html! {
        (crumbs(ctx, None))
        h1 { (t.registry_work) }
        @if w.may_draft {
            p { a href="/registry/agency-requests" { (t.agency_requests_title) } }
            p {
                @for k in Kind::ALL { a href=(paths::registry_new(k.plural())) { (t.registry_new) ": " (ctx.t().get(k.singular_key())) } " · " }
                a href="/registry/import" { (t.registry_import) }
                " · " a href=(paths::REGISTRY_FEEDBACK) { (t.registry_feedback_queue) }
            }
        }
        @if !w.sector_waiting.is_empty() || (!w.may_draft && w.clusters.is_empty()) {
            h2 #sector-queue { (t.get("levels-sector-queue")) " (" (w.sector_waiting.len()) ")" }
            @if w.sector_waiting.is_empty() { p { (t.registry_none) } }
            ul.threads { @for (ver, r) in &w.sector_waiting { (row(ver, r, true)) } }
        }
        @for (c, records) in &w.clusters {
            h2 { (t.fmt("levels-cluster-records", &[("cluster", c.title.as_str().into())])) }
            ul.threads {
                li { (record_link(c)) p.meta { (record_meta(ctx, c)) } }
                @for r in records { li { (record_link(r)) p.meta { (record_meta(ctx, r)) } } }
            }
            @if !w.may_draft { p { a href=(paths::REGISTRY_FEEDBACK) { (t.registry_feedback_queue) } } }
        }
        @if !w.may_draft {
        } @else if w.is_reviewer {
            h2 { (t.registry_waiting) " (" (w.waiting.len()) ")" }
            @if w.waiting.is_empty() { p { (t.registry_none) } }
            ul.threads { @for (ver, r) in &w.waiting { (row(ver, r, true)) } }
        } @else {
            h2 { (t.registry_mine) " (" (w.mine.len()) ")" }
            @if w.mine.is_empty() { p { (t.registry_none) } }
            ul.threads { @for (ver, r) in &w.mine { (row(ver, r, ver.status == registry::Status::Submitted)) } }
        }
        @if w.may_draft {
            h2 { (t.registry_overdue_list) " (" (w.overdue.len()) ")" }
            ul.threads { @for r in &w.overdue { li { (record_link(r)) p.meta { (record_meta(ctx, r)) } } } }
        }
    })
}
