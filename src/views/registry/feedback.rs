//! Feedback on registry records: the form on a record's page with its counts, and the focal
//! points' queue and item pages.

use maud::{html, Markup};

use super::{crumbs, record_link, record_meta};
use crate::error::FieldErrors;
use crate::models::registry::Record;
use crate::paths;
use crate::services::registry::{FeedbackForm, FeedbackItem, FeedbackStatus, RecordView};
use crate::views::dates::when;
use crate::views::{csrf_field, error_summary, input, layout, notice, select, textarea, Ctx, Field};

fn kind_label(ctx: &Ctx, kind: &str) -> &'static str {
    let t = ctx.t();
    match kind {
        "correction" => t.registry_feedback_kind_correction,
        "update" => t.registry_feedback_kind_update,
        _ => t.registry_feedback_kind_complaint,
    }
}

fn status_label(ctx: &Ctx, s: FeedbackStatus) -> &'static str {
    let t = ctx.t();
    match s {
        FeedbackStatus::Open => t.registry_feedback_status_open,
        FeedbackStatus::Answered => t.registry_feedback_status_answered,
        FeedbackStatus::Acted => t.registry_feedback_status_acted,
        FeedbackStatus::Declined => t.registry_feedback_status_declined,
    }
}

/// The section at the foot of a published record: how much feedback was resolved and is open,
/// and the form anyone may send feedback with. Its errors are those of fields named feedback_*.
pub fn section(ctx: &Ctx, v: &RecordView, form: &FeedbackForm, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let r = &v.record;
    let (open, resolved) = v.feedback_counts;
    let mine: FieldErrors = errors.iter().filter(|(k, _)| k.starts_with("feedback_")).map(|(k, m)| (*k, m.clone())).collect();
    let kinds = vec![
        (String::new(), t.registry_feedback_kind_pick.to_string()),
        ("correction".to_string(), t.registry_feedback_kind_correction.to_string()),
        ("update".to_string(), t.registry_feedback_kind_update.to_string()),
        ("complaint".to_string(), t.registry_feedback_kind_complaint.to_string()),
    ];
    html! {
        section.registry-feedback aria-labelledby="feedback-h" {
            h2 #feedback-h { (t.registry_feedback_heading) }
            p.meta.feedback-counts { (t.fmt("registry-feedback-counts", &[("resolved", resolved.into()), ("open", open.into())])) }
            p { (t.registry_feedback_intro) }
            (error_summary(ctx, &mine))
            form method="post" action={ (paths::registry_record(v.kind.plural(), &r.slug)) "/feedback" } {
                (csrf_field(ctx))
                (select(ctx, "feedback_kind", t.registry_feedback_kind, &kinds, &form.kind, &mine))
                (textarea(ctx, "feedback_text", t.registry_feedback_text, &form.text, Some(t.registry_feedback_text_hint), 6, &mine))
                (input(ctx, Field::new("feedback_name", t.registry_feedback_name, &form.name).autocomplete("name"), &mine))
                (input(ctx, Field::new("feedback_contact", t.registry_feedback_contact, &form.contact).hint(t.registry_feedback_contact_hint), &mine))
                // People do not see this field; programs that fill in every field do.
                div.hp hidden aria-hidden="true" {
                    label for="feedback_website" { (t.registry_feedback_honeypot) }
                    input #feedback_website type="text" name="feedback_website" value="" tabindex="-1" autocomplete="off";
                }
                button type="submit" { (t.registry_feedback_send) }
            }
        }
    }
}

/// The focal point's queue: open items first.
pub fn queue(ctx: &Ctx, items: &[(FeedbackItem, Record)]) -> Markup {
    let t = ctx.t();
    let open = items.iter().filter(|(f, _)| f.status == FeedbackStatus::Open).count();
    layout(ctx, t.registry_feedback_queue, html! {
        (crumbs(ctx, None))
        h1 { (t.registry_feedback_queue) " (" (open) ")" }
        @if items.is_empty() { p { (t.registry_feedback_none) } }
        ul.threads {
            @for (f, r) in items {
                li {
                    a href=(paths::registry_feedback_item(f.id)) { (kind_label(ctx, f.kind.as_str())) ": " (r.title) }
                    p.meta {
                        (status_label(ctx, f.status)) " · " (r.state) " · " (when(ctx, &f.created_at))
                        @if f.escalated_at.is_some() && f.status == FeedbackStatus::Open { " · " (t.registry_feedback_escalated) }
                    }
                }
            }
        }
    })
}

/// One item with its sender and contact, and the form to answer, act on or decline it.
pub fn item(ctx: &Ctx, f: &FeedbackItem, r: &Record, note: &str, flash: Option<&str>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let actions = vec![
        (String::new(), t.registry_feedback_action_pick.to_string()),
        ("answer".to_string(), t.registry_feedback_action_answer.to_string()),
        ("acted".to_string(), t.registry_feedback_action_acted.to_string()),
        ("declined".to_string(), t.registry_feedback_action_declined.to_string()),
    ];
    layout(ctx, t.registry_feedback_item, html! {
        (crumbs(ctx, None))
        @if let Some(m) = flash { (notice(m)) }
        p { a href=(paths::REGISTRY_FEEDBACK) { (t.registry_feedback_queue) } }
        h1 { (t.registry_feedback_item) ": " (kind_label(ctx, f.kind.as_str())) }
        p { (record_link(r)) " " span.meta { (record_meta(ctx, r)) } }
        dl.record {
            dt { (t.registry_feedback_received) } dd { (when(ctx, &f.created_at)) }
            dt { (t.registry_feedback_status) } dd { (status_label(ctx, f.status)) }
            dt { (t.registry_feedback_name) } dd { @if f.name.is_empty() { (t.registry_feedback_not_given) } @else { (f.name) } }
            dt { (t.registry_feedback_contact) } dd {
                @if f.contact.is_empty() { (t.registry_feedback_not_given) }
                @else if f.contact.contains('@') { a href={ "mailto:" (f.contact) } { (f.contact) } }
                @else { a href={ "tel:" (f.contact.replace(' ', "")) } { (f.contact) } }
            }
            dt { (t.registry_feedback_text) } dd { div.long { (f.body) } }
        }
        @if f.escalated_at.is_some() && f.status == FeedbackStatus::Open { p.note role="status" { (t.registry_feedback_escalated) } }
        @if f.status == FeedbackStatus::Open {
            section aria-labelledby="resolve-h" {
                h2 #resolve-h { (t.registry_feedback_action) }
                (error_summary(ctx, errors))
                form method="post" action=(paths::registry_feedback_item(f.id)) {
                    (csrf_field(ctx))
                    (select(ctx, "action", t.registry_feedback_action, &actions, "", errors))
                    (textarea(ctx, "note", t.registry_feedback_note, note, None, 6, errors))
                    button type="submit" { (t.registry_feedback_save) }
                }
            }
        } @else {
            h2 { (t.registry_feedback_note) }
            div.long { (f.note) }
        }
    })
}
