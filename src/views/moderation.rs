//! Moderator pages: the queue, one item's review, members, settings, the log, due queries,
//! and the administrators' community list.

use maud::{html, Markup, PreEscaped};
use crate::paths;

use super::communities::{diff_view, status_label, theme_names};
use super::dates::when;
use super::{csrf_field, error_summary, input, layout, notice, select, textarea, Ctx, Field};
use crate::error::FieldErrors;
use crate::models::community::Community;
use crate::models::community::{JoinPolicy, Premoderation};
use crate::models::moderation::{Action, LogEntry};
use crate::models::post::Post;
use crate::services::communities::{Access, Listing, MemberDecision, MembersView, NewCommunity, SettingsChange};
use crate::services::moderate::{Bulk, Decision, DecisionText, FlagOutcome, Filter, Queue, Review};
use crate::services::similar::Similar;
use super::similar::Offer;

fn crumbs(a: &Access) -> Markup {
    html! { p.crumbs { a href=(paths::community(&a.community.slug)) { (a.community.name) } } }
}

pub fn queue(ctx: &Ctx, a: &Access, q: &Queue, similar: &[(i64, Vec<Similar>)], filter: Filter, kind: &str, notice_text: Option<&str>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let base = paths::community_page(&a.community.slug, "queue");
    let label = |f: Filter| match f {
        Filter::Waiting => t.filter_waiting,
        Filter::Held => t.filter_held,
        Filter::Flags => t.filter_flags,
        Filter::Sent => t.filter_sent,
    };
    layout(ctx, t.queue_title, html! {
        (crumbs(a))
        h1 { (t.queue_title) }
        @if let Some(n) = notice_text { (notice(n)) }
        (error_summary(ctx, errors))
        nav.tabs aria-label=(t.queue_title) {
            @for (f, n) in &q.counts {
                a href={ (base) "?show=" (f.as_str()) "&kind=" (kind) } aria-current=[(*f == filter).then_some("page")] { (label(*f)) " (" (n) ")" }
            }
        }
        nav.tabs aria-label=(t.tabs_kind) {
            @for (k, text) in [("all", t.kind_all), ("queries", t.kind_queries), ("replies", t.kind_replies)] {
                a href={ (base) "?show=" (filter.as_str()) "&kind=" (k) } aria-current=[(k == kind).then_some("page")] { (text) }
            }
        }
        p { a href=(paths::community_page(&a.community.slug, "removals")) { (t.removals_link) } }
        @if q.items.is_empty() { p { (t.queue_empty) } }
        @else {
            form method="post" action={ (base) "/bulk" } {
                (csrf_field(ctx))
                ol.queue {
                    @for item in &q.items {
                        li.item {
                            @if filter == Filter::Waiting || filter == Filter::Held {
                                label.check { input type="checkbox" name="ids" value=(item.post.id); " " (t.select_item) }
                            }
                            h2 { a href={ (base) "/" (item.post.id) } { (if item.post.title.is_empty() { t.reply_heading } else { item.post.title.as_str() }) } }
                            @if let Some(f) = &item.behalf { (super::facilitator::for_line(ctx, f)) }
                            p.meta { (super::author_name(t, &item.author)) " · " (when(ctx, &item.post.created_at)) " · " (status_label(t, item.post.status))
                                @if let Some(who) = &item.claimed_by_name { " · " (t.claimed_by) " " (who) } }
                            @if !item.post.held_reason.is_empty() { p.note { (t.held_because) ": " (t.stored(&item.post.held_reason)) } }
                            @for f in &item.flags { p.note { (t.flags_heading) ": " (f.reason) } }
                            div.body.excerpt { (PreEscaped(&item.post.body_html)) }
                            @if !item.attachments.is_empty() { p.meta { (item.attachments.len()) " " (t.attachments_heading) } }
                            @if let Some((_, found)) = similar.iter().find(|(id, _)| *id == item.post.id) {
                                details.similar {
                                    summary { (t.fmt("similar-beside-query", &[("count", found.len().into())])) }
                                    (super::similar::list(ctx, &a.community.slug, found, Offer::Counts))
                                }
                            }
                        }
                    }
                }
                @if filter == Filter::Waiting || filter == Filter::Held {
                    fieldset {
                        legend { (t.bulk_heading) }
                        (reason_select(ctx, &a.community, ""))
                        div.field { label for="message" { (t.message_to_author) } input #message name="message" type="text"; }
                        @for b in Bulk::all() {
                            button.secondary[b != Bulk::Approve] type="submit" name="action" value=(b.as_str()) { (bulk_label(t, b)) } " "
                        }
                    }
                }
            }
        }
    })
}

fn bulk_label(t: &super::Strings, b: Bulk) -> &'static str {
    match b {
        Bulk::Approve => t.bulk_approve,
        Bulk::Reject => t.bulk_reject,
    }
}

fn decision_label(t: &super::Strings, d: Decision) -> &'static str {
    match d {
        Decision::Approve => t.action_approve,
        Decision::EditApprove => t.action_edit_approve,
        Decision::Changes => t.action_changes,
        Decision::Reject => t.action_reject,
        Decision::Hold => t.action_hold,
    }
}

/// A log entry's action in the reader's language.
pub fn action_label(t: &super::Strings, a: Action) -> &'static str {
    t.get(match a {
        Action::Submitted => "log-submitted",
        Action::Resubmitted => "log-resubmitted",
        Action::ApprovedAutomatically => "log-approved-automatically",
        Action::Flagged => "log-flagged",
        Action::Claimed => "log-claimed",
        Action::Approved => "log-approved",
        Action::EditedAndApproved => "log-edited-and-approved",
        Action::ChangesRequested => "log-changes-requested",
        Action::Rejected => "log-rejected",
        Action::Held => "log-held",
        Action::RemovedAfterFlags => "log-removed-after-flags",
        Action::FlagsDismissed => "log-flags-dismissed",
        Action::ThreadMadePublic => "log-thread-made-public",
        Action::ThreadMadeMembersOnly => "log-thread-made-members-only",
        Action::DigestScheduled => "log-digest-scheduled",
        Action::DigestSaved => "log-digest-saved",
        Action::DigestSent => "log-digest-sent",
        Action::CommunityCreated => "log-community-created",
        Action::SettingsChanged => "log-settings-changed",
        Action::InvitationAccepted => "log-invitation-accepted",
        Action::MembershipRequested => "log-membership-requested",
        Action::LeftTheCommunity => "log-left-the-community",
        Action::MembershipApproved => "log-membership-approved",
        Action::MembershipDeclined => "log-membership-declined",
        Action::MemberInvited => "log-member-invited",
        Action::UnsubscribedFromMail => "log-unsubscribed-from-mail",
        Action::ChangedMailDelivery => "log-changed-mail-delivery",
        Action::AnsweredInThread => "log-answered-in-thread",
        Action::AnsweredByPage => "log-answered-by-page",
        Action::MemberMailRestarted => "log-member-mail-restarted",
        Action::RemovedOnRequest => "log-removed-on-request",
        Action::ExpertsAsked => "log-experts-asked",
    })
}

/// A log entry's reason as read: the experts asked are a stored list of names; any other
/// reason is a moderator's text or a stored message.
fn log_reason(ctx: &Ctx, e: &LogEntry) -> String {
    if e.action == Action::ExpertsAsked {
        return crate::models::list::decode(&e.reason).collect::<Vec<_>>().join(", ");
    }
    ctx.t().stored(&e.reason).to_string()
}

/// A canned reason as the moderator reads it: a standard one in their language.
fn standard_reason<'a>(t: &super::Strings, reason: &'a str) -> &'a str {
    crate::services::moderate::STANDARD_REASONS.iter().find(|(text, _)| *text == reason).map(|(_, key)| t.get(*key)).unwrap_or(reason)
}

fn reason_select(ctx: &Ctx, c: &Community, chosen: &str) -> Markup {
    let t = ctx.t();
    let options: Vec<(String, String)> = std::iter::once((String::new(), t.choose_state.to_string()))
        .chain(c.canned_reasons().into_iter().map(|r| (r.to_string(), standard_reason(t, r).to_string())))
        .collect();
    select(ctx, "canned", t.canned_reason, &options, chosen, &FieldErrors::new())
}

/// `chosen`: the decision to show selected (none when the one sent was not a choice).
pub fn review(ctx: &Ctx, a: &Access, r: &Review, similar: &[Similar], chosen: Option<Decision>, form: &DecisionText, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let p = &r.post;
    let base = paths::queue_item(&a.community.slug, p.id);
    let title = if form.title.is_empty() { p.title.clone() } else { form.title.clone() };
    let body = if form.body.is_empty() { p.body_md.clone() } else { form.body.clone() };
    layout(ctx, t.review_title, html! {
        p.crumbs { a href=(paths::community_page(&a.community.slug, "queue")) { (t.queue_title) } }
        h1 { (if p.title.is_empty() { format!("{}: {}", t.reply_heading, r.thread_title) } else { p.title.clone() }) }
        @if let Some(f) = &r.behalf { (super::facilitator::for_line(ctx, f)) }
        p.meta { (super::author_name(t, &r.author)) " · " (when(ctx, &p.created_at)) " · " strong.status { (status_label(t, p.status)) }
            @if !p.themes.is_empty() { " · " (theme_names(ctx, &p.theme_list())) } }
        @if !p.held_reason.is_empty() { p.note { (t.held_because) ": " (t.stored(&p.held_reason)) } }
        @if let Some(who) = &r.claimed_by_name { p.note { (t.claimed_by) " " (who) } }
        div.body { (PreEscaped(&p.body_html)) }
        @if !r.attachments.is_empty() {
            ul.files { @for f in &r.attachments { li { a href=(paths::file(f.id, &super::urlencode(&f.original_name))) { (f.original_name) } " · " (f.content_type) } } }
        }
        @if let Some(original) = &p.original_body_md { details { summary { (t.what_changed) } (diff_view(original, &p.body_md)) } }
        @if !r.flags.is_empty() {
            section {
                h2 { (t.flags_heading) }
                ul { @for f in &r.flags { li { (when(ctx, &f.created_at)) ": " (f.reason) } } }
                form method="post" action={ (base) "/flags" } {
                    (csrf_field(ctx))
                    div.field { label for="flag-message" { (t.message_to_author) } input #flag-message name="message" type="text"; }
                    button type="submit" name="outcome" value=(FlagOutcome::Keep) { (t.keep_post) } " "
                    button.secondary type="submit" name="outcome" value=(FlagOutcome::Remove) { (t.remove_post) }
                }
            }
        }
        @if p.in_queue() {
            form.inline method="post" action={ (base) "/claim" } { (csrf_field(ctx)) button.secondary type="submit" { (t.claim_button) } }
            h2 { (t.decide_heading) }
            (error_summary(ctx, errors))
            form method="post" action={ (base) "/decide" } novalidate {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(p.version);
                fieldset.field.has-error[errors.contains_key("action")] #action {
                    legend { (t.decide_heading) }
                    @if let Some(e) = errors.get("action") { p.error { (t.msg(e)) } }
                    @for d in Decision::all() {
                        label.check { input type="radio" name="action" value=(d.as_str()) checked[chosen == Some(d)]; " " (decision_label(t, d)) }
                    }
                }
                (reason_select(ctx, &a.community, &form.canned))
                div.field.has-error[errors.contains_key("message")] {
                    label for="message" { (t.message_to_author) }
                    @if let Some(e) = errors.get("message") { p.error { (ctx.t().msg(e)) } }
                    textarea #message name="message" rows="3" { (form.message) }
                }
                details open[chosen == Some(Decision::EditApprove)] {
                    summary { (t.action_edit_approve) }
                    @if p.is_query() { (input(ctx, Field::new("title", t.field_title, &title), errors)) }
                    @if p.is_query() { (super::registry::schemes::scheme_choices(ctx, &r.scheme_terms, form.schemes.as_deref().unwrap_or(&r.schemes), errors)) }
                    div.field.has-error[errors.contains_key("body")] {
                        label for="body" { (t.field_body) }
                        @if let Some(e) = errors.get("body") { p.error { (ctx.t().msg(e)) } }
                        textarea #body name="body" rows="12" { (body) }
                    }
                }
                button type="submit" { (t.decide_button) }
            }
            @if p.is_query() {
                section.similar aria-labelledby="similar-heading" {
                    h2 #similar-heading { (t.fmt("similar-close-heading", &[])) }
                    p.hint { (t.fmt("similar-close-intro", &[])) }
                    (super::similar::list(ctx, &a.community.slug, similar, Offer::Close { post_id: p.id, version: p.version, slug: &a.community.slug }))
                }
            }
        }
        @if let Some(panel) = &r.experts { (super::experts::ask_panel(ctx, &a.community.slug, panel, errors, "queue")) }
        h2 { (t.history) }
        ol.log { @for (e, who) in &r.history { li { (when(ctx, &e.created_at)) " · " (who.as_deref().unwrap_or("solex")) " · " (action_label(t, e.action)) @if !e.reason.is_empty() { ": " (log_reason(ctx, e)) } } } }
    })
}

pub fn log(ctx: &Ctx, a: &Access, rows: &[(LogEntry, Option<String>, Option<(String, String, Option<i64>)>)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.log_title, html! {
        (crumbs(a))
        h1 { (t.log_title) }
        div.table-wrap {
            table {
                thead { tr { th scope="col" { (t.col_when) } th scope="col" { (t.col_who) } th scope="col" { (t.col_action) } th scope="col" { (t.col_detail) } } }
                tbody {
                    @for (e, who, post) in rows {
                        tr {
                            td { (when(ctx, &e.created_at)) }
                            td { (who.as_deref().unwrap_or("solex")) }
                            td { (action_label(t, e.action)) }
                            td {
                                // Only published posts are named; the rest stays between author and moderators.
                                @if let (Some((title, status, thread)), Some(pid)) = (post, e.post_id) {
                                    @if status == "approved" {
                                        a href=(paths::post(&a.community.slug, thread.unwrap_or(pid), pid)) { (if title.is_empty() { t.reply_heading } else { title.as_str() }) }
                                    } @else { "#" (pid) }
                                }
                                @if !e.reason.is_empty() && (a.moderator || e.action != Action::Submitted) { " " (log_reason(ctx, e)) }
                            }
                        }
                    }
                }
            }
        }
    })
}

pub fn due(ctx: &Ctx, a: &Access, rows: &[(Post, String)], now: chrono::NaiveDateTime) -> Markup {
    let t = ctx.t();
    layout(ctx, t.due_title, html! {
        (crumbs(a))
        h1 { (t.due_title) }
        @if rows.is_empty() { p { (t.queue_empty) } }
        ol.threads {
            @for (p, author) in rows {
                li {
                    a href=(paths::thread(&a.community.slug, p.id)) { (p.title) }
                    p.meta { (super::author_name(t, author)) " · " (t.due_by) " " @if let Some(at) = &p.response_due_at { (when(ctx, at)) }
                        @if let Some(due) = p.response_due_at.filter(|d| *d <= now) { " · " strong.status { (t.overdue) ", " (t.fmt("days-late", &[("days", (now - due).num_days().max(1).into())])) } } }
                }
            }
        }
    })
}

pub fn members(ctx: &Ctx, a: &Access, m: &MembersView, email: &str, errors: &FieldErrors, notice_text: Option<&str>) -> Markup {
    let t = ctx.t();
    let base = paths::community_page(&a.community.slug, "members");
    layout(ctx, t.members_link, html! {
        (crumbs(a))
        h1 { (t.members_link) }
        @if let Some(n) = notice_text { (notice(n)) }
        h2 { (t.requests_heading) " (" (m.requests.len()) ")" }
        ul {
            @for (_, u) in &m.requests {
                li {
                    (u.name) " · " (u.organisation) " · " (u.state) " "
                    form.inline method="post" action={ (base) "/" (u.id) } {
                        (csrf_field(ctx))
                        button type="submit" name="decision" value=(MemberDecision::Approve) { (t.approve) } " "
                        button.secondary type="submit" name="decision" value=(MemberDecision::Decline) { (t.decline) }
                    }
                }
            }
        }
        h2 { (t.invite_heading) }
        (error_summary(ctx, errors))
        form method="post" action=(paths::community_page(&a.community.slug, "invite")) novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("email", t.field_email, email).kind("email"), errors))
            button type="submit" { (t.invite_button) }
        }
        @if !m.invited.is_empty() { h2 { (t.invited_heading) } ul { @for (_, u) in &m.invited { li { (u.name) } } } }
        h2 { (t.active_heading) " (" (m.active.len()) ")" }
        ul { @for (_, u) in &m.active { li { (u.name) @if !u.organisation.is_empty() { " · " (u.organisation) } } } }
        @let stopped: Vec<_> = m.active.iter().filter_map(|(_, u)| Some((u, u.mail_stopped_at?))).collect();
        @if !stopped.is_empty() {
            h2 #mail-stopped { (t.mail_stopped_heading) " (" (stopped.len()) ")" }
            ul {
                @for (u, since) in &stopped {
                    li {
                        (u.name) " · " (t.fmt("mail-stopped-since", &[("date", super::dates::day_text(ctx.lang, since.date()).into()), ("count", u.bounce_count.into())])) " "
                        form.inline method="post" action={ (base) "/" (u.id) "/mail" } {
                            (csrf_field(ctx))
                            button.secondary type="submit" { (t.resume_member_mail) }
                        }
                    }
                }
            }
        }
    })
}

/// The themes a community may take: the active ones, and its own even when retired.
fn theme_options(ctx: &Ctx, chosen: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), ctx.t().choose_state.to_string())).chain(ctx.theme_options(&[chosen])).collect()
}


fn policy_options(t: &super::Strings) -> Vec<(String, String)> {
    let label = |p| match p {
        JoinPolicy::Request => t.policy_request,
        JoinPolicy::Invite => t.policy_invite,
    };
    JoinPolicy::all().map(|p| (p.as_str().to_string(), label(p).to_string())).collect()
}

fn premoderation_options(t: &super::Strings) -> Vec<(String, String)> {
    let label = |p| match p {
        Premoderation::All => t.premod_all,
        Premoderation::NewMembers => t.premod_new,
    };
    Premoderation::all().map(|p| (p.as_str().to_string(), label(p).to_string())).collect()
}

pub fn settings(ctx: &Ctx, a: &Access, s: &SettingsChange, errors: &FieldErrors, saved: bool) -> Markup {
    let f = &s.profile;
    let t = ctx.t();
    layout(ctx, t.settings_link, html! {
        (crumbs(a))
        h1 { (t.settings_link) }
        @if saved { (notice(t.saved)) }
        (error_summary(ctx, errors))
        form method="post" action=(paths::community_page(&a.community.slug, "settings")) novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("name", t.col_name, &f.name).required(), errors))
            (textarea(ctx, "description", t.field_description, &f.description, None, 5, errors))
            (select(ctx, "theme", t.field_theme, &theme_options(ctx, &f.theme), &f.theme, errors))
            (select(ctx, "join_policy", t.field_join_policy, &policy_options(t), f.join_policy.as_str(), errors))
            div.field { label.check { input type="checkbox" name="public_threads" value="on" checked[f.public_threads]; " " (t.field_public_threads) } }
            (select(ctx, "premoderation", t.field_premoderation, &premoderation_options(t), s.premoderation.as_str(), errors))
            (input(ctx, Field::new("trusted_after", t.field_trusted_after, &s.trusted_after.to_string()).kind("number"), errors))
            (textarea(ctx, "hold_rules", t.field_hold_rules, &s.hold_rules, Some(t.hold_rules_hint), 5, errors))
            (textarea(ctx, "canned_reasons", t.field_canned, &s.canned_reasons, None, 5, errors))
            (input(ctx, Field::new("response_days", t.field_response_days, &s.response_days.to_string()).kind("number"), errors))
            div.field { label.check { input type="checkbox" name="auto_digest" value="on" checked[s.auto_digest]; " " (t.field_auto_digest) } }
            button type="submit" { (t.save) }
        }
    })
}

pub fn admin_communities(ctx: &Ctx, rows: &[Listing], new: &NewCommunity, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let f = &new.profile;
    layout(ctx, t.communities_title, html! {
        p.crumbs { a href="/admin/users" { (t.nav_admin) } }
        h1 { (t.communities_title) }
        ul { @for r in rows { li { a href=(paths::community(&r.community.slug)) { (r.community.name) } " · " (r.members) " " (t.members_count) } } }
        h2 { (t.create_community) }
        (error_summary(ctx, errors))
        form method="post" action="/admin/communities" novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("name", t.col_name, &f.name).required(), errors))
            (input(ctx, Field::new("slug", t.field_slug, &new.slug).hint(t.field_slug_hint), errors))
            (textarea(ctx, "description", t.field_description, &f.description, None, 5, errors))
            (select(ctx, "theme", t.field_theme, &theme_options(ctx, &f.theme), &f.theme, errors))
            (select(ctx, "join_policy", t.field_join_policy, &policy_options(t), f.join_policy.as_str(), errors))
            div.field { label.check { input type="checkbox" name="public_threads" value="on" checked[f.public_threads]; " " (t.field_public_threads) } }
            (textarea(ctx, "moderators", t.field_moderators, &new.moderators.join("\n"), None, 5, errors))
            button type="submit" { (t.create_community) }
        }
    })
}
