//! Administration: people, their roles, and the audit log.

use maud::{html, Markup};

use super::dates::when;
use super::{csrf_field, error_summary, input, layout, select, Ctx, Field};
use crate::error::FieldErrors;
use crate::models::{audit::AuditEntry, community::Community, role::{Role, RoleGrant}, user::User, vocabulary::Term};
use crate::models::content_import::ContentImport;
use crate::models::security_event;
use crate::services::roles::GrantRequest;

pub fn grant_label(ctx: &Ctx, g: &RoleGrant, community: Option<&str>) -> String {
    let t = ctx.t();
    match g.role() {
        Some(Role::Admin) => t.role_admin.to_string(),
        Some(Role::Moderator) => format!("{} {}", t.role_moderator, community.unwrap_or("?")),
        Some(Role::FocalPoint) if g.state.is_empty() => t.role_national_focal_point.to_string(),
        Some(Role::FocalPoint) => format!("{} {}", t.role_focal_point, crate::vocab::state_label(&g.state, ctx.lang == super::Lang::Hi)),
        Some(Role::KnowledgeEditor) => t.role_knowledge_editor.to_string(),
        Some(Role::SectorFocalPoint) => t.fmt("levels-grant-sector", &[("sector", ctx.sector(&g.sector).into())]),
        Some(Role::ClusterFocalPoint) => {
            let args = [("cluster", community.unwrap_or("?").into()), ("office", g.office_title.as_str().into()), ("date", g.ends_on.as_str().into())];
            let mut label = t.fmt("levels-grant-cluster", &args);
            if g.lapsed() {
                label = format!("{label} ({})", t.get("levels-lapsed"));
            }
            label
        }
        Some(Role::Facilitator) if g.office_title.is_empty() => t.get("facilitator-role").to_string(),
        Some(Role::Facilitator) => t.fmt("facilitator-grant-office", &[("office", g.office_title.as_str().into())]),
        None => g.role.clone(),
    }
}

/// A granted role's name alone, in the reader's language (the stored code if unknown).
fn role_name<'a>(ctx: &Ctx, g: &'a RoleGrant) -> &'a str {
    let t = ctx.t();
    match g.role() {
        Some(Role::Admin) => t.role_admin,
        Some(Role::Moderator) => t.role_moderator,
        Some(Role::FocalPoint) if g.state.is_empty() => t.role_national_focal_point,
        Some(Role::FocalPoint) => t.role_focal_point,
        Some(Role::KnowledgeEditor) => t.role_knowledge_editor,
        Some(Role::SectorFocalPoint) => t.get("levels-role-sector"),
        Some(Role::ClusterFocalPoint) if g.lapsed() => t.get("levels-role-cluster-lapsed"),
        Some(Role::ClusterFocalPoint) => t.get("levels-role-cluster"),
        Some(Role::Facilitator) => t.get("facilitator-role"),
        None => &g.role,
    }
}

pub fn users(ctx: &Ctx, rows: &[(User, Vec<RoleGrant>)], page: i64, has_next: bool) -> Markup {
    let t = ctx.t();
    layout(ctx, t.admin_users_title, html! {
        h1 { (t.admin_users_title) }
        p { a href="/admin/audit" { (t.admin_audit_title) } " · " a href="/admin/security" { (t.admin_security_title) } " · " a href="/admin/communities" { (t.communities_title) } " · " a href="/admin/looks" { (t.kb_looks) } " · " a href="/kb/pages" { (t.kb_pages) } " · " a href="/admin/vocabularies" { (t.vocab_title) } " · " a href="/admin/content" { (t.get("content-conflicts-title")) } " · " a href=(crate::paths::ADMIN_SITE) { (t.site_pages_title) } }
        div.table-wrap {
            table {
                thead { tr { th scope="col" { (t.col_name) } th scope="col" { (t.col_email) } th scope="col" { (t.col_roles) } th scope="col" { (t.col_verified) } } }
                tbody {
                    @for (u, grants) in rows {
                        tr {
                            td { a href={ "/admin/users/" (u.id) } { (super::author_name(t, &u.name)) } }
                            td { (u.email) }
                            td { (grants.iter().map(|g| role_name(ctx, g)).collect::<Vec<_>>().join(", ")) }
                            td { (if u.is_verified() { t.yes } else { t.no }) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label=(ctx.t().pages_nav) {
            @if page > 1 { a rel="prev" href={ "/admin/users?page=" (page - 1) } { (t.previous) } }
            @if has_next { a rel="next" href={ "/admin/users?page=" (page + 1) } { (t.next) } }
        }
    })
}

pub fn user(
    ctx: &Ctx,
    u: &User,
    grants: &[(RoleGrant, Option<String>)],
    communities: &[Community],
    sectors: &[Term],
    form: &GrantRequest,
    errors: &FieldErrors,
    history: &[AuditEntry],
) -> Markup {
    let t = ctx.t();
    let roles = vec![
        ("moderator".to_string(), t.role_moderator.trim_end_matches(':').to_string()),
        ("focal_point".to_string(), t.role_focal_point.trim_end_matches(':').to_string()),
        ("knowledge_editor".to_string(), t.role_knowledge_editor.to_string()),
        ("admin".to_string(), t.role_admin.to_string()),
        ("sector_focal_point".to_string(), t.get("levels-role-sector").to_string()),
        ("cluster_focal_point".to_string(), t.get("levels-role-cluster").to_string()),
        ("facilitator".to_string(), t.get("facilitator-role").to_string()),
    ];
    let sector_options: Vec<(String, String)> = std::iter::once((String::new(), t.get("levels-choose-sector").to_string()))
        .chain(sectors.iter().filter(|s| !s.retired).map(|s| (s.code.clone(), s.label_in(t.lang == super::Lang::Hi).to_string())))
        .collect();
    let community_options: Vec<(String, String)> = std::iter::once((String::new(), t.choose_state.to_string()))
        .chain(communities.iter().map(|c| (c.id.to_string(), c.name.clone())))
        .collect();
    let state_options: Vec<(String, String)> = std::iter::once((String::new(), t.choose_state.to_string()))
        .chain(std::iter::once(("national".to_string(), t.national.to_string())))
        .chain(crate::vocab::STATES.iter().map(|s| (s.to_string(), crate::vocab::state_label(s, t.lang == super::Lang::Hi).to_string())))
        .collect();
    let name = super::author_name(t, &u.name);
    layout(ctx, name, html! {
        p { a href="/admin/users" { "← " (t.admin_users_title) } }
        h1 { (name) }
        dl {
            dt { (t.col_email) } dd { (u.email) }
            dt { (t.field_organisation) } dd { (u.organisation) }
            dt { (t.field_state) } dd { (crate::vocab::state_label(&u.state, ctx.lang == super::Lang::Hi)) " " (u.district) }
            dt { (t.col_verified) } dd { (if u.is_verified() { t.yes } else { t.no }) }
        }
        form method="post" action={ "/admin/users/" (u.id) "/mail-links/reset" } {
            (csrf_field(ctx))
            button.secondary type="submit" { (t.admin_reset_mail_links) }
        }
        @if let Some(since) = u.mail_stopped_at {
            h2 #mail-stopped { (t.mail_stopped_heading) }
            p { (t.fmt("mail-stopped-since", &[("date", super::dates::day_text(ctx.lang, since.date()).into()), ("count", u.bounce_count.into())])) }
            form method="post" action={ "/admin/users/" (u.id) "/mail/restart" } {
                (csrf_field(ctx))
                button.secondary type="submit" { (t.resume_member_mail) }
            }
        }
        (account_access(ctx, u))
        h2 { (t.col_roles) }
        ul.grants {
            li { (t.role_member) }
            @for (g, community) in grants {
                li {
                    (grant_label(ctx, g, community.as_deref()))
                    " "
                    form.inline method="post" action={ "/admin/grants/" (g.id) "/revoke" } {
                        (csrf_field(ctx))
                        button.secondary type="submit" { (t.revoke_button) }
                    }
                }
            }
        }
        h2 { (t.grant_role) }
        (error_summary(ctx, errors))
        form method="post" action={ "/admin/users/" (u.id) "/grants" } novalidate {
            (csrf_field(ctx))
            (select(ctx, "role", t.field_role, &roles, &form.role, errors))
            (select(ctx, "community_id", t.field_community, &community_options, &form.community_id, errors))
            (select(ctx, "state", t.field_focal_state, &state_options, &form.state, errors))
            (select(ctx, "sector", t.get("levels-field-sector"), &sector_options, &form.sector, errors))
            (input(ctx, Field::new("cluster", t.get("levels-field-cluster"), &form.cluster).hint(t.get("levels-field-cluster-hint")), errors))
            (input(ctx, Field::new("office_title", t.get("levels-field-office"), &form.office_title).hint(t.get("facilitator-field-office-hint")), errors))
            (input(ctx, Field::new("ends_on", t.get("levels-field-ends"), &form.ends_on).kind("date"), errors))
            button type="submit" { (t.grant_button) }
        }
        @if !history.is_empty() {
            h2 { (t.admin_audit_title) }
            ul { @for e in history { li { (when(ctx, &e.created_at)) ": " (super::logged_action(ctx, "audit", &e.action)) " " (ctx.t().stored(&e.detail)) } } }
        }
    })
}

pub fn audit(ctx: &Ctx, rows: &[(AuditEntry, Option<String>, Option<String>)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.admin_audit_title, html! {
        p { a href="/admin/users" { "← " (t.admin_users_title) } }
        h1 { (t.admin_audit_title) }
        div.table-wrap {
            table {
                thead { tr { th scope="col" { (t.col_when) } th scope="col" { (t.col_who) } th scope="col" { (t.col_action) } th scope="col" { (t.col_name) } th scope="col" { (t.col_detail) } } }
                tbody {
                    @for (e, actor, subject) in rows {
                        tr {
                            td { (when(ctx, &e.created_at)) }
                            td { (actor.as_deref().map(|s| super::author_name(t, s)).unwrap_or("console")) }
                            td { (super::logged_action(ctx, "audit", &e.action)) }
                            td { (subject.as_deref().map(|s| super::author_name(t, s)).unwrap_or("")) }
                            td { (ctx.t().stored(&e.detail)) }
                        }
                    }
                }
            }
        }
    })
}

/// Disable or enable an account (each a form with its CSRF token).
fn account_access(ctx: &Ctx, u: &User) -> Markup {
    let t = ctx.t();
    html! {
        @if let Some(at) = &u.deleted_at {
            p.note { (t.account_deleted_note) " " (super::dates::when(ctx, at)) }
        } @else if u.is_disabled() {
            p.note { (t.admin_account_disabled) }
            form method="post" action={ "/admin/users/" (u.id) "/enable" } {
                (csrf_field(ctx))
                button type="submit" { (t.admin_enable_account) }
            }
        } @else {
            form method="post" action={ "/admin/users/" (u.id) "/disable" } {
                (csrf_field(ctx))
                button.secondary type="submit" { (t.admin_disable_account) }
            }
        }
        @if !u.is_deleted() {
            section aria-labelledby="delete-account-h" {
                h2 #delete-account-h { (t.admin_delete_account) }
                p { (t.admin_delete_account_intro) }
                form method="post" action={ "/admin/users/" (u.id) "/delete" } {
                    (csrf_field(ctx))
                    div.field { label.check { input type="checkbox" name="confirm" value="yes" required; " " (t.admin_delete_confirm) } }
                    div.field { label.check { input type="checkbox" name="remove_posts" value="yes"; " " (t.delete_remove_posts) } }
                    button.secondary type="submit" { (t.admin_delete_account) }
                }
            }
        }
    }
}

/// A security event's kind in the reader's language.
fn security_kind_label(t: &super::Strings, kind: security_event::Kind) -> &'static str {
    use security_event::Kind;
    t.get(match kind {
        Kind::SignIn => "security-kind-sign-in",
        Kind::SignInFailed => "security-kind-sign-in-failed",
        Kind::SignInLimited => "security-kind-sign-in-limited",
        Kind::PasswordChanged => "security-kind-password-changed",
        Kind::PasswordChangeFailed => "security-kind-password-change-failed",
        Kind::PasswordReset => "security-kind-password-reset",
        Kind::AccountDisabled => "security-kind-account-disabled",
        Kind::AccountEnabled => "security-kind-account-enabled",
        Kind::AccountDeleted => "security-kind-account-deleted",
    })
}

/// The security log with its filters, newest first, paged.
pub fn security(ctx: &Ctx, rows: &[security_event::Row], filter: &security_event::Filter, page: i64, has_next: bool) -> Markup {
    let t = ctx.t();
    let kinds: Vec<(String, String)> = std::iter::once((String::new(), t.kind_all.to_string()))
        .chain(security_event::Kind::all().map(|k| (k.to_string(), security_kind_label(t, k).to_string())))
        .collect();
    let account = filter.user_id.map(|id| id.to_string()).unwrap_or_default();
    let query = format!(
        "user={}&kind={}&address={}",
        super::urlencode(&account),
        super::urlencode(&filter.kind),
        super::urlencode(&filter.address)
    );
    let none = FieldErrors::new();
    layout(ctx, t.admin_security_title, html! {
        p { a href="/admin/users" { "← " (t.admin_users_title) } }
        h1 { (t.admin_security_title) }
        p { (t.admin_security_intro) }
        form method="get" action="/admin/security" {
            div.field { label for="user" { (t.admin_filter_account) } input #user type="text" inputmode="numeric" name="user" value=(account); }
            (select(ctx, "kind", t.admin_filter_kind, &kinds, &filter.kind, &none))
            div.field { label for="address" { (t.admin_filter_address) } input #address type="text" name="address" value=(filter.address); }
            button type="submit" { (t.admin_filter_button) }
        }
        @if rows.is_empty() { p { (t.admin_no_events) } }
        div.table-wrap {
            table {
                thead { tr { th scope="col" { (t.col_when) } th scope="col" { (t.admin_filter_kind) } th scope="col" { (t.col_name) } th scope="col" { (t.admin_filter_address) } th scope="col" { (t.col_detail) } } }
                tbody {
                    @for (e, name) in rows {
                        tr {
                            td { (when(ctx, &e.created_at)) }
                            td { (security_kind_label(t, e.kind)) }
                            td {
                                @if let Some(id) = e.user_id {
                                    a href={ "/admin/security?user=" (id) } { (name.as_deref().unwrap_or("?")) }
                                }
                            }
                            td { a href={ "/admin/security?address=" (super::urlencode(&e.address)) } { (e.address) } }
                            td { (t.stored(&e.detail)) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label=(ctx.t().pages_nav) {
            @if page > 1 { a rel="prev" href={ "/admin/security?" (query) "&page=" (page - 1) } { (t.previous) } }
            @if has_next { a rel="next" href={ "/admin/security?" (query) "&page=" (page + 1) } { (t.next) } }
        }
    })
}

/// The label of a shipped item's kind: a knowledge page or a registry kind.
fn content_kind(ctx: &Ctx, kind: &str) -> String {
    ctx.t().find(&format!("content-kind-{kind}")).unwrap_or(kind).to_string()
}

/// Shipped items changed both in their file and on the portal: (item, title, link on the portal).
pub fn content_conflicts(ctx: &Ctx, rows: &[(&ContentImport, &str, &str)]) -> Markup {
    let t = ctx.t();
    let title = t.get("content-conflicts-title");
    layout(ctx, title, html! {
        p { a href="/admin/users" { "← " (t.admin_users_title) } }
        h1 { (title) }
        p { (t.get("content-conflicts-intro")) }
        @if rows.is_empty() { p { (t.get("content-conflicts-none")) } }
        @else {
            div.table-wrap {
                table {
                    thead { tr { th scope="col" { (t.get("content-col-item")) } th scope="col" { (t.get("content-col-kind")) } th scope="col" { (t.get("content-col-file")) } th scope="col" { (t.get("content-col-since")) } th scope="col" { } } }
                    tbody {
                        @for (item, name, link) in rows {
                            tr {
                                td { a href=(link) { (name) } }
                                td { (content_kind(ctx, &item.kind)) }
                                td { code { "content/" (item.file) } }
                                td { @if let Some(at) = &item.conflict_at { (when(ctx, at)) } }
                                td { a href={ "/admin/content/" (item.id) } { (t.get("content-compare")) } }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// One conflict: what differs between the portal's version and the file's, and the two answers.
pub fn content_conflict(ctx: &Ctx, item: &ContentImport, name: &str, link: &str, portal: &str, file: &str) -> Markup {
    let t = ctx.t();
    layout(ctx, t.get("content-conflict-heading"), html! {
        p { a href="/admin/content" { "← " (t.get("content-conflicts-title")) } }
        h1 { (t.get("content-conflict-heading")) }
        dl {
            dt { (t.get("content-col-item")) } dd { a href=(link) { (name) } " (" (content_kind(ctx, &item.kind)) ")" }
            dt { (t.get("content-col-file")) } dd { code { "content/" (item.file) } }
            @if let Some(at) = &item.conflict_at { dt { (t.get("content-col-since")) } dd { (when(ctx, at)) } }
        }
        p { (t.get("content-diff-legend")) }
        (super::communities::diff_view(portal, file))
        form.inline method="post" action={ "/admin/content/" (item.id) "/take" } {
            (csrf_field(ctx))
            button type="submit" { (t.get("content-take-file")) }
        }
        " "
        form.inline method="post" action={ "/admin/content/" (item.id) "/keep" } {
            (csrf_field(ctx))
            button.secondary type="submit" { (t.get("content-keep-portal")) }
        }
    })
}
