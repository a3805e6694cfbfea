//! Pages for joining, signing in, confirming email, resetting passwords and the profile.

use maud::{html, Markup};
use crate::paths;

use super::dates::when;
use super::{csrf_field, error_summary, input, language_options, layout, notice, select, state_options, Ctx, Field};
use crate::error::FieldErrors;
use crate::models::{role::RoleGrant, session::Session, user::{Profile, User}};
use crate::services::accounts::Registration;
use crate::services::communities::Dashboard;

pub fn register(ctx: &Ctx, form: &Registration, errors: &FieldErrors, grievance: &super::rights::Grievance) -> Markup {
    let t = ctx.t();
    let language = if form.language.is_empty() { ctx.lang.code() } else { form.language.as_str() };
    layout(ctx, t.register_title, html! {
        h1 { (t.register_title) }
        p { (t.register_intro) }
        (error_summary(ctx, errors))
        form method="post" action="/register" novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("email", t.field_email, &form.email).kind("email").autocomplete("email").required(), errors))
            (input(ctx, Field::new("password", t.field_password, "").kind("password").autocomplete("new-password").hint(t.field_password_hint).required(), errors))
            (input(ctx, Field::new("name", t.field_name, &form.name).autocomplete("name").required(), errors))
            (profile_fields(ctx, &form.organisation, &form.state, &form.district, &form.role_title, language, errors))
            div.field {
                label.check { input type="checkbox" name="credit_consent" value="on" checked[form.credit_consent.is_some()]; " " (t.field_credit_consent) }
                p.hint { (t.credit_consent_hint) }
            }
            // What is kept and why, before the box that agrees to it (DPDP Act: notice, consent).
            (super::rights::data_notice(ctx, grievance))
            (super::rights::checkbox(ctx, "data_consent", t.data_consent_label, form.data_consent.is_some(), errors))
            button type="submit" { (t.register_button) }
        }
        p { a href="/login" { (t.nav_sign_in) } }
    })
}

fn profile_fields(ctx: &Ctx, organisation: &str, state: &str, district: &str, role_title: &str, language: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    html! {
        (input(ctx, Field::new("organisation", t.field_organisation, organisation).autocomplete("organization"), errors))
        (select(ctx, "state", t.field_state, &state_options(t), state, errors))
        (input(ctx, Field::new("district", t.field_district, district), errors))
        (input(ctx, Field::new("role_title", t.field_role_title, role_title).autocomplete("organization-title"), errors))
        (select(ctx, "language", t.field_language, &language_options(), language, errors))
    }
}

pub fn message(ctx: &Ctx, title: &str, body: &str, link: Option<(&str, &str)>) -> Markup {
    layout(ctx, title, html! {
        h1 { (title) }
        p { (body) }
        @if let Some((href, text)) = link { p { a href=(href) { (text) } } }
    })
}

pub fn login(ctx: &Ctx, email: &str, next: &str, errors: &FieldErrors, notice_text: Option<&str>) -> Markup {
    let t = ctx.t();
    layout(ctx, t.sign_in_title, html! {
        h1 { (t.sign_in_title) }
        @if let Some(n) = notice_text { (notice(n)) }
        (error_summary(ctx, errors))
        form method="post" action="/login" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="next" value=(next);
            (input(ctx, Field::new("email", t.field_email, email).kind("email").autocomplete("email").required(), errors))
            (input(ctx, Field::new("password", t.field_password, "").kind("password").autocomplete("current-password").required(), errors))
            button type="submit" { (t.sign_in_button) }
        }
        p { a href="/password/forgot" { (t.forgot_link) } }
        p { a href="/register" { (t.no_account) } }
    })
}

pub fn forgot(ctx: &Ctx, email: &str, errors: &FieldErrors, sent: bool) -> Markup {
    let t = ctx.t();
    layout(ctx, t.forgot_title, html! {
        h1 { (t.forgot_title) }
        @if sent { (notice(t.forgot_sent)) }
        p { (t.forgot_intro) }
        (error_summary(ctx, errors))
        form method="post" action="/password/forgot" novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("email", t.field_email, email).kind("email").autocomplete("email").required(), errors))
            button type="submit" { (t.forgot_button) }
        }
    })
}

pub fn reset(ctx: &Ctx, token: &str, email: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.reset_title, html! {
        h1 { (t.reset_title) }
        (error_summary(ctx, errors))
        form method="post" action="/password/reset" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="token" value=(token);
            // Lets password managers file the new password under the right account.
            input type="hidden" name="username" value=(email) autocomplete="username";
            (input(ctx, Field::new("password", t.field_new_password, "").kind("password").autocomplete("new-password").hint(t.field_password_hint).required(), errors))
            button type="submit" { (t.reset_button) }
        }
    })
}

#[allow(clippy::too_many_arguments)]
pub fn profile(ctx: &Ctx, email: &str, form: &Profile, errors: &FieldErrors, sessions: &[Session], current_session: i64, saved: bool, delivery: &Markup) -> Markup {
    let t = ctx.t();
    layout(ctx, t.profile_title, html! {
        h1 { (t.profile_title) }
        @if saved { (notice(t.saved)) }
        (error_summary(ctx, errors))
        form method="post" action="/profile" novalidate {
            (csrf_field(ctx))
            p { (t.field_email) ": " strong { (email) } }
            (input(ctx, Field::new("name", t.field_name, &form.name).autocomplete("name").required(), errors))
            (profile_fields(ctx, &form.organisation, &form.state, &form.district, &form.role_title, &form.language, errors))
            div.field { label.check { input type="checkbox" name="credit_consent" value="on" checked[form.credit_consent]; " " (t.field_credit_consent) } }
            button type="submit" { (t.save) }
        }
        p { a href="/password/change" { (t.change_password_title) } " · " a href=(paths::ACCOUNT_DATA) { (t.your_data_title) } }
        (delivery)
        section aria-labelledby="sessions-h" {
            h2 #sessions-h { (t.sessions_title) }
            p { (t.sessions_intro) }
            ul.sessions {
                @for s in sessions {
                    li {
                        strong { (if s.user_agent.is_empty() { "?" } else { s.user_agent.as_str() }) }
                        @if s.id == current_session { " ✓" }
                        br;
                        (t.session_started) ": " (when(ctx, &s.created_at)) " · "
                        (t.session_last_seen) ": " (when(ctx, &s.last_seen_at))
                    }
                }
            }
            form method="post" action="/logout-everywhere" {
                (csrf_field(ctx))
                button.secondary type="submit" { (t.sign_out_everywhere) }
            }
        }
    })
}

pub fn dashboard(ctx: &Ctx, user: &User, grants: &[(RoleGrant, Option<String>)], board: &Dashboard) -> Markup {
    let t = ctx.t();
    layout(ctx, t.dashboard_title, html! {
        h1 { (t.welcome) ", " (user.name) }
        @if !board.sent_back.is_empty() {
            div.note {
                strong { (t.status_changes_requested) ": " }
                @for p in &board.sent_back { a href=(paths::my_post(p.id)) { (if p.title.is_empty() { t.reply_heading } else { p.title.as_str() }) } " " }
            }
        }
        section aria-labelledby="communities-h" {
            h2 #communities-h { (t.communities_title) }
            @if board.communities.is_empty() { p { a href="/communities" { (t.communities_intro) } } }
            ul {
                @for (c, queue) in &board.communities {
                    li {
                        a href=(paths::community(&c.slug)) { (c.name) }
                        @if let Some(n) = queue { " · " a href=(paths::community_page(&c.slug, "queue")) { (t.queue_link) " (" (n) ")" } }
                    }
                }
            }
        }
        section aria-labelledby="roles-h" {
            h2 #roles-h { (t.your_roles) }
            ul {
                li { (t.role_member) }
                @for (g, community) in grants { li { (super::admin::grant_label(ctx, g, community.as_deref())) } }
            }
        }
        @if grants.iter().any(|(g, _)| g.role == "focal_point" || g.role == "sector_focal_point" || (g.role == "cluster_focal_point" && !g.lapsed())) {
            p { a href="/registry/work" { (t.registry_work) } }
        }
        @if grants.iter().any(|(g, _)| g.role == "admin") {
            p { a href="/admin/users" { (t.nav_admin) } }
        }
        @if grants.iter().any(|(g, _)| g.role == "facilitator") {
            p { a href="/facilitator" { (t.get("facilitator-page-title")) } }
        }
    })
}

/// Changing the password asks for the current one first.
pub fn change_password(ctx: &Ctx, email: &str, errors: &FieldErrors, done: bool) -> Markup {
    let t = ctx.t();
    layout(ctx, t.change_password_title, html! {
        h1 { (t.change_password_title) }
        @if done { (notice(t.password_changed_notice)) }
        (error_summary(ctx, errors))
        form method="post" action="/password/change" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="username" value=(email) autocomplete="username";
            (input(ctx, Field::new("current_password", t.field_current_password, "").kind("password").autocomplete("current-password").required(), errors))
            (input(ctx, Field::new("password", t.field_new_password, "").kind("password").autocomplete("new-password").hint(t.field_password_hint).required(), errors))
            button type="submit" { (t.change_password_button) }
        }
    })
}

/// Asked once, before a member's first post: may they be named as a contributor? Either
/// answer continues to `next` (the form they opened).
pub fn credit_question(ctx: &Ctx, next: &str) -> Markup {
    let t = ctx.t();
    layout(ctx, t.credit_question_title, html! {
        h1 { (t.credit_question_title) }
        p { (t.credit_question_body) }
        form method="post" action="/credit-consent" {
            (csrf_field(ctx))
            input type="hidden" name="next" value=(next);
            button type="submit" name="consent" value="yes" { (t.credit_yes) }
            " "
            button.secondary type="submit" name="consent" value="no" { (t.credit_no) }
        }
    })
}
