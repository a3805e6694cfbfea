//! Members' rights over their data: the notice shown at sign-up, the "your data" page with its
//! downloads, the readable copy of the data, deleting one's account, and the moderators' queue
//! of removal requests.

use maud::{html, Markup};

use super::dates::when;
use super::{csrf_field, error_summary, input, layout, notice, Ctx};
use crate::error::FieldErrors;
use crate::paths;
use crate::services::accounts::{MemberData, RemovalItem};
use crate::services::communities::Access;

/// The grievance officer named in the settings (either part may be empty).
pub struct Grievance<'a> {
    pub officer: &'a str,
    pub email: &'a str,
}

/// A checkbox with its field message, for a box that must be ticked.
pub fn checkbox(ctx: &Ctx, name: &'static str, label: &str, checked: bool, errors: &FieldErrors) -> Markup {
    let error = errors.get(name).map(|m| ctx.t().msg(m));
    html! {
        div.field.has-error[error.is_some()] {
            @if let Some(e) = &error { p.error id={ (name) "-error" } { (e) } }
            label.check {
                input type="checkbox" id=(name) name=(name) value="yes" checked[checked]
                    aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=[error.as_ref().map(|_| format!("{name}-error"))];
                " " (label)
            }
        }
    }
}

/// What the portal keeps, who sees it, for how long, the member's rights and whom to ask:
/// shown at sign-up and on the "your data" page.
pub fn data_notice(ctx: &Ctx, g: &Grievance) -> Markup {
    let t = ctx.t();
    html! {
        section.data-notice aria-labelledby="data-notice-h" {
            h2 #data-notice-h { (t.data_notice_title) }
            p { (t.data_notice_what) }
            p { (t.data_notice_who) }
            p { (t.data_notice_how_long) }
            p { (t.data_notice_rights) }
            p {
                (t.data_notice_more) " " a href=(paths::site_page("privacy")) { (t.site_privacy) }
                @if !g.officer.is_empty() || !g.email.is_empty() {
                    ". " (t.site_grievance_officer) ": " (g.officer)
                    @if !g.officer.is_empty() && !g.email.is_empty() { ", " }
                    @if !g.email.is_empty() { a href={ "mailto:" (g.email) } { (g.email) } }
                }
            }
        }
    }
}

/// The member's own page about their data: the notice, their consent, downloads, deletion.
pub fn your_data(ctx: &Ctx, g: &Grievance, consent_at: Option<&chrono::NaiveDateTime>, version: &str) -> Markup {
    let t = ctx.t();
    layout(ctx, t.your_data_title, html! {
        h1 { (t.your_data_title) }
        p {
            @match consent_at {
                Some(at) => { (t.consent_given) " " (when(ctx, at)) " (" (t.notice_version) " " (version) ")" }
                None => { (t.consent_none) }
            }
        }
        (data_notice(ctx, g))
        section aria-labelledby="download-h" {
            h2 #download-h { (t.download_title) }
            p { (t.download_intro) }
            form method="post" action=(paths::ACCOUNT_EXPORT) {
                (csrf_field(ctx))
                button type="submit" name="format" value="json" { (t.download_json) }
                " "
                button.secondary type="submit" name="format" value="html" { (t.download_html) }
            }
        }
        section aria-labelledby="delete-h" {
            h2 #delete-h { (t.delete_title) }
            p { (t.delete_intro) }
            p { a href=(paths::ACCOUNT_DELETE) { (t.delete_title) } }
        }
    })
}

/// The readable copy of a member's data, a whole page of its own (downloaded as a file).
pub fn export_page(ctx: &Ctx, d: &MemberData) -> Markup {
    let t = ctx.t();
    // A document of its own, read offline: no site navigation, forms or scripts in it.
    html! {
        (maud::DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t.export_title) }
            }
            body { main { (export_body(ctx, d)) } }
        }
    }
}

fn export_body(ctx: &Ctx, d: &MemberData) -> Markup {
    let t = ctx.t();
    let p = &d.profile;
    html! {
        h1 { (t.export_title) }
        p { (t.export_made) " " (when(ctx, &d.exported_at)) }
        h2 { (t.profile_title) }
        dl {
            dt { (t.field_email) } dd { (p.email) }
            dt { (t.field_name) } dd { (p.name) }
            dt { (t.field_organisation) } dd { (p.organisation) }
            dt { (t.field_state) } dd { (p.state) " " (p.district) }
            dt { (t.field_role_title) } dd { (p.role_title) }
            dt { (t.field_language) } dd { (p.language) }
            dt { (t.export_joined) } dd { (when(ctx, &p.created_at)) }
        }
        h2 { (t.export_consent) }
        dl {
            dt { (t.notice_version) } dd { (d.consent.data_notice_version) }
            dt { (t.consent_given) } dd { @if let Some(at) = &d.consent.data_consent_at { (when(ctx, at)) } }
            dt { (t.field_credit_consent) } dd { (if d.consent.named_as_contributor { t.yes } else { t.no }) }
        }
        h2 { (t.export_posts) " (" (d.posts.len()) ")" }
        @for post in &d.posts {
            article.export-post {
                h3 { @if post.title.is_empty() { (t.reply_heading) } @else { (post.title) } }
                p.meta { (post.community) " · " (when(ctx, &post.created_at)) " · " (post.status) }
                pre { (post.body) }
            }
        }
        h2 { (t.communities_title) }
        ul { @for m in &d.memberships { li { (m.community) " · " (m.status) " · " (m.delivery) } } }
        h2 { (t.export_notifications) }
        ul { @for s in &d.notification_settings { li { (s.topic) ": " (s.mode) } } }
        h2 { (t.sessions_title) }
        ul { @for s in &d.sessions { li { (s.user_agent) " · " (when(ctx, &s.started)) " · " (when(ctx, &s.last_seen)) } } }
        h2 { (t.export_registry) " (" (d.registry_submissions.len()) ")" }
        ul { @for r in &d.registry_submissions { li { (r.kind) " / " (r.record) " · " (r.title) " · " (r.version) " · " (r.status) } } }
        h2 { (t.export_removals) }
        ul { @for r in &d.removal_requests { li { "#" (r.post_id) " · " (r.status) @if !r.reason.is_empty() { ": " (r.reason) } } } }
        h2 { (t.get("export-expert")) }
        @if let Some(e) = &d.expert_profile {
            dl {
                dt { (t.field_organisation) } dd { (e.organisation) }
                dd { (e.themes.join(", ")) " · " (e.sectors.join(", ")) " · " (e.states.join(", ")) " · " (e.languages.join(", ")) }
                dd { (e.experience) }
            }
        }
        ul { @for r in &d.expert_requests { li { "#" (r.query_id) " · " (r.query_title) " · " (when(ctx, &r.asked_at)) } } }
        h2 { (t.get("export-outcomes")) " (" (d.outcomes.len()) ")" }
        ul { @for o in &d.outcomes { li { (o.subject) " #" (o.subject_id) " · " (o.verdict) @if !o.note.is_empty() { ": " (o.note) } } } }
        h2 { (t.get("export-answered")) " (" (d.answered_by.len()) ")" }
        ul { @for a in &d.answered_by { li { (a.target_kind) " #" (a.target_id) " · " (a.source) " · " (when(ctx, &a.created_at)) } } }
        h2 { (t.get("export-funding")) " (" (d.funding_posts.len()) ")" }
        ul { @for f in &d.funding_posts { li { (f.kind) " · " (f.title) " · " (f.status) } } }
        @if !d.represented_owners.is_empty() {
            h2 { (t.get("facilitator-page-title")) " (" (d.represented_owners.len()) ")" }
            @for o in &d.represented_owners {
                article.export-post {
                    h3 { (o.name) }
                    p.meta { (o.place) @if !o.state.is_empty() { ", " (o.state) } @if !o.phone.is_empty() { " · " (o.phone) } @if !o.postal_address.is_empty() { " · " (o.postal_address) } }
                    p { (t.get("facilitator-consented")) " " (when(ctx, &o.consented_at)) @if o.claimed { " · " (t.get("facilitator-claimed")) } }
                    p.meta { (o.posts.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")) }
                }
            }
        }
    }
}

/// Deleting one's own account: what happens, the password, the choice about posts, and the
/// box that confirms it.
pub fn delete_form(ctx: &Ctx, email: &str, remove_posts: bool, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.delete_title, html! {
        h1 { (t.delete_title) }
        (error_summary(ctx, errors))
        p { (t.delete_what_happens) }
        p { (t.delete_posts_stay) }
        p { a href=(paths::ACCOUNT_DATA) { (t.delete_download_first) } }
        form method="post" action=(paths::ACCOUNT_DELETE) novalidate {
            (csrf_field(ctx))
            input type="hidden" name="username" value=(email) autocomplete="username";
            (input(ctx, super::Field::new("password", t.field_current_password, "").kind("password").autocomplete("current-password").required(), errors))
            (checkbox(ctx, "remove_posts", t.delete_remove_posts, remove_posts, errors))
            (checkbox(ctx, "confirm", t.delete_confirm, false, errors))
            button type="submit" { (t.delete_button) }
        }
    })
}

/// The moderators' queue of removal requests for one community.
pub fn removal_queue(ctx: &Ctx, a: &Access, items: &[RemovalItem], done: bool, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let slug = &a.community.slug;
    layout(ctx, t.removals_title, html! {
        p { a href=(paths::community_page(slug, "queue")) { "← " (t.queue_link) } }
        h1 { (t.removals_title) ": " (a.community.name) }
        @if done { (notice(t.removal_done)) }
        (error_summary(ctx, errors))
        p { (t.removals_intro) }
        @if items.is_empty() { p { (t.removals_none) } }
        @for item in items {
            @let p = &item.post;
            @let form_id = format!("removal-{}", item.request.id);
            article.queue-item aria-labelledby=(form_id) {
                h2 #(form_id) {
                    a href=(paths::post(slug, p.root_id(), p.id)) { @if p.title.is_empty() { (t.reply_heading) } @else { (p.title) } }
                }
                p.meta { (t.former_member) " · " (when(ctx, &item.request.created_at)) }
                div.post-body { (maud::PreEscaped(&p.body_html)) }
                form method="post" action=(paths::removal(slug, item.request.id)) {
                    (csrf_field(ctx))
                    div.field {
                        label for={ "reason-" (item.request.id) } { (t.removal_reason) }
                        input id={ "reason-" (item.request.id) } name="reason" type="text";
                    }
                    button type="submit" name="decision" value="approve" { (t.removal_approve) }
                    " "
                    button.secondary type="submit" name="decision" value="decline" { (t.removal_decline) }
                }
            }
        }
    })
}
