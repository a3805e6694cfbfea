//! Pages about mail: unsubscribe, the digest list and the digest composer.

use maud::{html, Markup, PreEscaped};
use crate::paths;

use super::dates::when;
use super::{csrf_field, error_summary, layout, notice, Ctx};
use crate::error::FieldErrors;
use crate::models::community::Community;
use crate::models::digest::{self, Digest};
use crate::models::membership::{Delivery, Membership};
use crate::models::notification::{Mode, Topic};
use crate::services::communities::Access;
use crate::services::digests::{DigestAction, DigestEdit, DigestView};
use crate::services::mail_identity::HeldView;

pub fn delivery_label(t: &super::Strings, mode: Delivery) -> &'static str {
    match mode {
        Delivery::Each => t.delivery_each,
        Delivery::Daily => t.delivery_daily,
        Delivery::Weekly => t.delivery_weekly,
        Delivery::Summary => t.delivery_summary,
        Delivery::Web => t.delivery_web,
    }
}

fn mode_select(ctx: &Ctx, name: &str, id: &str, current: Delivery) -> Markup {
    let t = ctx.t();
    html! {
        select name=(name) id=(id) {
            @for m in Delivery::all() { option value=(m.as_str()) selected[m == current] { (delivery_label(t, m)) } }
        }
    }
}

/// The delivery section of the profile page.
pub fn delivery_settings(ctx: &Ctx, rows: &[(Membership, Community)], stopped: bool) -> Markup {
    let t = ctx.t();
    html! {
        section #delivery aria-labelledby="delivery-h" {
            h2 #delivery-h { (t.mail_delivery) }
            @if stopped {
                div.note role="alert" {
                    p { (t.mail_stopped) }
                    form method="post" action="/profile/resume-mail" { (csrf_field(ctx)) button.secondary type="submit" { (t.resume_mail) } }
                }
            }
            @if rows.is_empty() { p { a href="/communities" { (t.communities_intro) } } }
            @else {
                form method="post" action="/profile/delivery" {
                    (csrf_field(ctx))
                    @for (m, c) in rows {
                        div.field {
                            label for={ "d-" (m.id) } { (c.name) }
                            (mode_select(ctx, &format!("d-{}", m.id), &format!("d-{}", m.id), m.delivery))
                        }
                    }
                    button type="submit" { (t.save) }
                }
            }
            form method="post" action="/profile/mail-links/reset" {
                (csrf_field(ctx))
                p.meta { (t.reset_mail_links_help) }
                button.secondary type="submit" { (t.reset_mail_links) }
            }
        }
    }
}

fn topic_label(t: &super::Strings, topic: Topic) -> String {
    t.fmt(
        match topic {
            Topic::PostStatus => "notify-topic-post-status",
            Topic::Answers => "notify-topic-answers",
            Topic::ModeratorQueue => "notify-topic-moderator-queue",
            Topic::ModeratorUrgent => "notify-topic-moderator-urgent",
            Topic::Registry => "notify-topic-registry",
        },
        &[],
    )
}

fn mode_label(t: &super::Strings, mode: Mode) -> String {
    t.fmt(
        match mode {
            Mode::Now => "notify-mode-now",
            Mode::Daily => "notify-mode-daily",
            Mode::Off => "notify-mode-off",
        },
        &[],
    )
}

/// One select per topic; the form around it is the caller's.
fn notice_fields(t: &super::Strings, rows: &[(Topic, Mode)]) -> Markup {
    html! {
        @for (topic, mode) in rows {
            @let field = topic.field();
            div.field {
                label for=(field) { (topic_label(t, *topic)) }
                select name=(field) id=(field) {
                    @for m in topic.modes() { option value=(m.as_str()) selected[m == mode] { (mode_label(t, *m)) } }
                }
            }
        }
    }
}

/// The notices section of the profile page.
pub fn notice_settings(ctx: &Ctx, rows: &[(Topic, Mode)]) -> Markup {
    let t = ctx.t();
    html! {
        section #notices aria-labelledby="notices-h" {
            h2 #notices-h { (t.fmt("notify-title", &[])) }
            p.meta { (t.fmt("notify-help", &[])) }
            form method="post" action="/profile/notices" {
                (csrf_field(ctx))
                (notice_fields(t, rows))
                button type="submit" { (t.fmt("notify-save", &[])) }
            }
        }
    }
}

/// The page behind the settings link in a notice.
pub fn notices_by_token(ctx: &Ctx, token: &str, rows: &[(Topic, Mode)], saved: bool) -> Markup {
    let t = ctx.t();
    let title = t.fmt("notify-title", &[]);
    layout(ctx, &title, html! {
        h1 { (title) }
        @if saved { (notice(&t.fmt("notify-saved", &[]))) }
        p.meta { (t.fmt("notify-help", &[])) }
        form method="post" action=(paths::notices(token)) {
            (notice_fields(t, rows))
            button type="submit" { (t.fmt("notify-save", &[])) }
        }
    })
}

/// The page behind a confirmation link: the held message as it came, and one button (a POST
/// with CSRF) that sends it to the moderators. Opening the page changes nothing.
pub fn held(ctx: &Ctx, secret: &str, v: &HeldView, sent: bool) -> Markup {
    let t = ctx.t();
    layout(ctx, t.held_heading, html! {
        h1 { (t.held_heading) }
        @if sent {
            (notice(t.held_sent))
        } @else {
            p { (t.held_intro) }
        }
        p.meta { (v.community.name) @if let Some(title) = &v.thread_title { " · " (title) } }
        @if !v.held.title.is_empty() { h2 { (v.held.title) } }
        pre.held-body style="white-space: pre-wrap" { (v.held.body) }
        @if !sent {
            form method="post" action=(paths::confirm_held(&secret)) {
                (csrf_field(ctx))
                button type="submit" { (t.held_send) }
            }
        }
    })
}

pub fn unsubscribe(ctx: &Ctx, token: &str, c: &Community, current: Delivery, changed: bool) -> Markup {
    let t = ctx.t();
    let base = paths::unsubscribe(token, &c.slug);
    layout(ctx, t.mail_unsubscribe, html! {
        h1 { (c.name) }
        @if changed { (notice(&format!("{}: {}", t.mail_delivery, delivery_label(t, current)))) }
        p { (t.mail_delivery) ": " strong { (delivery_label(t, current)) } }
        @if current != Delivery::Web {
            form method="post" action=(base) {
                input type="hidden" name="List-Unsubscribe" value="One-Click";
                button type="submit" { (t.unsubscribe_button) }
            }
        }
        form method="post" action={ (base) "/mode" } {
            div.field { label for="delivery" { (t.delivery_choose) } (mode_select(ctx, "delivery", "delivery", current)) }
            button.secondary type="submit" { (t.save) }
        }
    })
}

/// A digest's status in the reader's language.
fn digest_status(ctx: &Ctx, s: crate::models::digest::Status) -> &'static str {
    use crate::models::digest::Status;
    ctx.t().get(match s {
        Status::Draft => "digest-status-draft",
        Status::Scheduled => "digest-status-scheduled",
        Status::Sending => "digest-status-sending",
        Status::Sent => "digest-status-sent",
    })
}

pub fn digests(ctx: &Ctx, a: &Access, list: &[Digest]) -> Markup {
    let t = ctx.t();
    let base = paths::digests(&a.community.slug);
    layout(ctx, t.digests_title, html! {
        p.crumbs { a href=(paths::community(&a.community.slug)) { (a.community.name) } }
        h1 { (t.digests_title) }
        form method="post" action=(base) {
            (csrf_field(ctx))
            div.field {
                label for="audience" { (t.digest_audience) }
                select #audience name="audience" {
                    @for a in digest::AUDIENCES { option value=(a.as_str()) { (delivery_label(t, a)) } }
                }
            }
            button type="submit" { (t.digest_new) }
        }
        ol.threads {
            @for d in list {
                li {
                    a href={ (base) "/" (d.id) } { (delivery_label(t, d.audience)) " · " (when(ctx, &d.created_at)) }
                    p.meta { (digest_status(ctx, d.status)) @if let Some(s) = d.sent_at { " · " (when(ctx, &s)) " · " (d.recipients) } @if let Some(s) = d.scheduled_at { " · " (when(ctx, &s)) } }
                }
            }
        }
    })
}

pub fn digest(ctx: &Ctx, a: &Access, v: &DigestView, edit: Option<&DigestEdit>, errors: &FieldErrors, notice_text: Option<&str>) -> Markup {
    let t = ctx.t();
    let d = &v.digest;
    let base = paths::digest(&a.community.slug, d.id);
    let editable = d.status == digest::Status::Draft || d.status == digest::Status::Scheduled;
    let editorial = edit.map(|e| e.editorial.as_str()).unwrap_or(&d.editorial);
    let send_at = edit.map(|e| e.send_at.clone()).unwrap_or_else(|| d.scheduled_at.map(|s| s.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default());
    layout(ctx, t.digests_title, html! {
        p.crumbs { a href=(paths::digests(&a.community.slug)) { (t.digests_title) } }
        h1 { (delivery_label(t, d.audience)) ": " (a.community.name) }
        @if let Some(n) = notice_text { (notice(n)) }
        p.meta { (digest_status(ctx, d.status)) " · " (v.recipients) " " (t.digest_recipients)
            " · " a href={ (base) "/preview?format=html" } { (t.digest_preview) " (HTML)" }
            " · " a href={ (base) "/preview?format=text" } { (t.digest_preview) " (text)" } }
        (error_summary(ctx, errors))
        form method="post" action=(base) novalidate {
            (csrf_field(ctx))
            div.field.has-error[errors.contains_key("editorial")] {
                label for="editorial" { (t.digest_editorial) }
                @if let Some(e) = errors.get("editorial") { p.error { (ctx.t().msg(e)) } }
                textarea #editorial name="editorial" rows="5" disabled[!editable] { (editorial) }
            }
            fieldset #items {
                legend { (t.digest_items) }
                @if let Some(e) = errors.get("items") { p.error { (ctx.t().msg(e)) } }
                ol.queue {
                    @for (item, p, author) in &v.items {
                        li.item {
                            label.check {
                                input type="checkbox" name="include" value=(item.id) checked[item.included] disabled[!editable];
                                " " strong { (if p.title.is_empty() { t.reply_heading } else { p.title.as_str() }) } " · " (super::author_name(t, author))
                            }
                            label { (t.digest_position) " " input.position type="number" name={ "pos-" (item.id) } value=(item.position) min="1" disabled[!editable]; }
                            div.body.excerpt { (PreEscaped(&p.body_html)) }
                        }
                    }
                }
            }
            @if !v.records.is_empty() {
                fieldset #registry-items {
                    legend { (t.fmt("schemes-digest-registry", &[])) }
                    p.hint { (t.fmt("schemes-digest-registry-hint", &[])) }
                    ul.queue {
                        @for (item, r) in &v.records {
                            li.item {
                                input type="hidden" name={ "rec-" (item.id) } value="1";
                                label.check {
                                    input type="checkbox" name="include_record" value=(item.id) checked[item.included] disabled[!editable];
                                    " " strong { (r.title) } " · " (t.fmt(&format!("registry-kind-{}", r.kind), &[])) @if !r.state.is_empty() { ", " (crate::vocab::state_label(&r.state, ctx.lang == super::Lang::Hi)) }
                                }
                                " " a href=(paths::registry_record_of(&r.kind, &r.slug)) { (t.fmt("schemes-digest-open-record", &[])) }
                            }
                        }
                    }
                }
            }
            @if editable {
                div.field.has-error[errors.contains_key("send_at")] {
                    label for="send_at" { (t.digest_send_at) }
                    @if let Some(e) = errors.get("send_at") { p.error { (ctx.t().msg(e)) } }
                    input #send_at name="send_at" type="datetime-local" value=(send_at);
                }
                button type="submit" name="action" value=(DigestAction::Save) { (t.save) } " "
                button type="submit" name="action" value=(DigestAction::Schedule) { (t.digest_schedule) } " "
                button type="submit" name="action" value=(DigestAction::Send) { (t.digest_send_now) }
            }
        }
    })
}

/// The log of mail received, newest first: a community's (for its moderators, `a`) or every
/// message's (for administrators). `base` is the page's own path, for the pager.
pub fn inbound_log(ctx: &Ctx, a: Option<&Access>, rows: &[crate::models::inbound::InboundMail], base: &str, page: i64, has_next: bool) -> Markup {
    let t = ctx.t();
    layout(ctx, t.inbound_log_title, html! {
        @if let Some(a) = a { p.crumbs { a href=(paths::community(&a.community.slug)) { (a.community.name) } } }
        h1 { (t.inbound_log_title) }
        p { (t.inbound_log_intro) }
        @if rows.is_empty() { p { (t.inbound_log_empty) } }
        @else {
            // The table may scroll sideways on a narrow screen: a region keyboards can reach.
            div.table-wrap tabindex="0" role="region" aria-label=(t.inbound_log_title) {
                table {
                    thead { tr { th scope="col" { (t.col_when) } th scope="col" { (t.col_outcome) } th scope="col" { (t.col_sender) } th scope="col" { (t.col_recipient) } th scope="col" { (t.col_reason) } } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { (when(ctx, &r.received_at)) }
                                td { (super::logged_action(ctx, "inbound-outcome", &r.outcome)) }
                                td { (r.sender) }
                                td { (r.recipient) }
                                td {
                                    (t.stored(&r.reason))
                                    @if !r.dropped.is_empty() {
                                        p.meta { (t.inbound_dropped) ":" }
                                        ul { @for d in crate::models::list::decode(&r.dropped) { li { (t.stored(d)) } } }
                                    }
                                    @if let (Some(id), Some(a)) = (r.post_id, a) { a href=(paths::community_page(&a.community.slug, &format!("queue/{id}"))) { (t.inbound_post) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        nav.pager aria-label=(t.pages_nav) {
            @if page > 1 { a rel="prev" href={ (base) "?page=" (page - 1) } { (t.previous) } }
            @if has_next { a rel="next" href={ (base) "?page=" (page + 1) } { (t.next) } }
        }
    })
}
