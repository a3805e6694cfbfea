//! Community pages for members: the list, a community, a thread, posting, one's own posts.

use maud::{html, Markup, PreEscaped};
use crate::paths;

use super::dates::when;
use super::{csrf_field, error_summary, input, layout, notice, sector_options, select, state_options, textarea, Ctx, Field, Strings};
use crate::error::FieldErrors;
use crate::models::attachment::Attachment;
use crate::models::community::{self, Community};
use crate::models::membership;
use crate::models::post::{self, Post};
use crate::services::communities::{Access, CommunityPage, Listing, ThreadView};
use crate::services::posting::PostInput;
use crate::vocab;

pub fn status_label(t: &Strings, status: post::Status) -> &'static str {
    match status {
        post::Status::Pending => t.status_pending,
        post::Status::Held => t.status_held,
        post::Status::ChangesRequested => t.status_changes_requested,
        post::Status::Approved => t.status_approved,
        post::Status::Rejected => t.status_rejected,
        post::Status::Removed => t.status_removed,
    }
}

pub fn theme_names(ctx: &Ctx, themes: &[&str]) -> String {
    themes.iter().map(|s| ctx.theme(s)).collect::<Vec<_>>().join(", ")
}

pub fn list(ctx: &Ctx, rows: &[Listing], signed_in: bool) -> Markup {
    let t = ctx.t();
    layout(ctx, t.communities_title, html! {
        h1 { (t.communities_title) }
        p { (t.communities_intro) }
        p { a href=(paths::EXPERTS) { (t.experts_directory_link) } }
        @if rows.is_empty() { p { (t.no_communities) } }
        ul.cards {
            @for r in rows {
                li.card {
                    h2 { a href=(paths::community(&r.community.slug)) { (r.community.name) } }
                    p.meta { (theme_names(ctx, &[r.community.theme.as_str()])) " · " (r.members) " " (t.members_count)
                        @if r.community.join_policy == community::JoinPolicy::Invite { " · " (t.invite_only) } }
                    @if !r.community.description.is_empty() { p { (r.community.description) } }
                    (membership_action(ctx, &r.community, r.membership, signed_in))
                }
            }
        }
    })
}

fn membership_action(ctx: &Ctx, c: &Community, membership: Option<membership::Status>, signed_in: bool) -> Markup {
    let t = ctx.t();
    html! {
        @match membership {
            Some(membership::Status::Active) => p.badge { (t.member_badge) },
            Some(membership::Status::Requested) => p.badge { (t.join_requested) },
            Some(membership::Status::Invited) => form method="post" action=(paths::community_page(&c.slug, "join")) { (csrf_field(ctx)) button type="submit" { (t.invited_accept) } },
            _ if !signed_in => p { a href={ "/login?next=/c/" (c.slug) } { (t.join_to_post) } },
            _ if c.join_policy == community::JoinPolicy::Invite => p.meta { (t.invite_only) },
            _ => form method="post" action=(paths::community_page(&c.slug, "join")) { (csrf_field(ctx)) button type="submit" { (t.join_button) } },
        }
    }
}

pub fn community(ctx: &Ctx, a: &Access, page: &CommunityPage, page_no: i64, notice_text: Option<&str>) -> Markup {
    let t = ctx.t();
    let c = &a.community;
    let base = paths::community(&c.slug);
    layout(ctx, &c.name, html! {
        p.crumbs { a href="/communities" { (t.communities_title) } }
        h1 { (c.name) }
        @if let Some(n) = notice_text { (notice(n)) }
        p.meta { (theme_names(ctx, &[c.theme.as_str()])) @if c.public_threads { " · " (t.public_label) } }
        @if !c.description.is_empty() { p { (c.description) } }
        nav.tools aria-label=(c.name) {
            @if a.is_member() { a.button href={ (base) "/new" } { (t.new_query) } }
            @if a.moderator {
                a href={ (base) "/queue" } { (t.queue_link) " (" (page.queue_size) ")" }
                a href={ (base) "/due" } { (t.due_link) }
                a href={ (base) "/digests" } { (t.digests_link) }
                a href={ (base) "/members" } { (t.members_link) }
                a href={ (base) "/mail-log" } { (t.inbound_log_link) }
            }
            @if a.moderator || a.admin { a href={ (base) "/settings" } { (t.settings_link) } }
            @if a.is_member() || a.admin { a href={ (base) "/log" } { (t.log_link) } }
        }
        @if !a.is_member() { (membership_action(ctx, c, a.membership, a.viewer_id.is_some())) }
        @if a.is_member() && !a.moderator {
            form.inline method="post" action={ (base) "/leave" } { (csrf_field(ctx)) button.link type="submit" { (t.leave_button) } }
        }
        h2 { (t.threads_heading) }
        @if !a.reads_all_threads() { p.meta { (t.members_only_notice) } }
        @if page.threads.is_empty() { p { (t.no_threads) } }
        ul.threads {
            @for th in &page.threads {
                li {
                    a href={ (base) "/t/" (th.root.id) } { (th.root.title) }
                    p.meta { (super::author_name(t, &th.author)) " · " @if let Some(at) = &th.root.approved_at { (when(ctx, at)) } " · " (th.replies) " " (t.replies)
                        @if th.root.is_public { " · " (t.public_label) } }
                }
            }
        }
        nav.pager aria-label=(ctx.t().pages_nav) {
            @if page_no > 1 { a rel="prev" href={ (base) "?page=" (page_no - 1) } { (t.previous) } }
            @if page.has_next { a rel="next" href={ (base) "?page=" (page_no + 1) } { (t.next) } }
        }
    })
}

fn theme_checkboxes(ctx: &Ctx, chosen: &[String], errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let offered = ctx.theme_options(&chosen.iter().map(String::as_str).collect::<Vec<_>>());
    html! {
        fieldset.field.has-error[errors.contains_key("themes")] #themes {
            legend { (t.field_themes) " (" (t.optional) ")" }
            @if let Some(e) = errors.get("themes") { p.error { (ctx.t().msg(e)) } }
            @for (slug, label) in &offered {
                label.check { input type="checkbox" name="themes" value=(slug) checked[chosen.iter().any(|c| c == slug)]; " " (label) }
            }
        }
    }
}


pub(super) fn files_field(ctx: &Ctx, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let error = errors.get("files");
    html! {
        div.field.has-error[error.is_some()] {
            label for="files" { (t.field_files) " (" (t.optional) ")" }
            p.hint id="files-hint" { (t.field_files_hint) }
            @if let Some(e) = error { p.error { (t.msg(e)) } }
            @if !errors.is_empty() { p.hint { (t.files_reattach) } }
            input id="files" name="files" type="file" multiple aria-describedby="files-hint"
                accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp";
        }
    }
}

/// Fields of a query (title, body, themes, place, sector), for the new-query and edit forms.
pub fn query_fields(ctx: &Ctx, input_: &PostInput, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    html! {
        (input(ctx, Field::new("title", t.field_title, &input_.title).required(), errors))
        (textarea(ctx, "body", t.field_body, &input_.body, Some(t.field_body_hint), 12, errors))
        (theme_checkboxes(ctx, &input_.themes, errors))
        (select(ctx, "state", t.field_state, &state_options(t), &input_.state, errors))
        (input(ctx, Field::new("district", t.field_district, &input_.district), errors))
        (select(ctx, "sector", t.field_sector, &sector_options(ctx, &input_.sector), &input_.sector, errors))
    }
}

pub fn new_query(ctx: &Ctx, c: &Community, input_: &PostInput, schemes: &[crate::models::vocabulary::Term], offer: Option<&[crate::models::represented_owner::Owner]>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.new_query, html! {
        p.crumbs { a href=(paths::community(&c.slug)) { (c.name) } }
        h1 { (t.new_query) }
        (error_summary(ctx, errors))
        // The first step checks for similar answers (the check step keeps the draft whole).
        form method="post" action=(paths::community_page(&c.slug, "check")) enctype="multipart/form-data" novalidate {
            (csrf_field(ctx))
            (query_fields(ctx, input_, errors))
            (super::registry::schemes::scheme_choices(ctx, schemes, &input_.schemes, errors))
            (super::facilitator::behalf_fields(ctx, &input_.behalf, offer, errors))
            (files_field(ctx, errors))
            button type="submit" { (t.fmt("similar-check-button", &[])) }
        }
    })
}

fn attachment_list(ctx: &Ctx, files: &[&Attachment]) -> Markup {
    html! {
        @if !files.is_empty() {
            ul.files aria-label=(ctx.t().attachments_heading) {
                @for f in files {
                    li { a href=(paths::file(f.id, &super::urlencode(&f.original_name))) { (f.original_name) } " (" ((f.size_bytes + 1023) / 1024) " KB)" }
                }
            }
        }
    }
}

pub(super) fn post_body(ctx: &Ctx, p: &Post, author: &str, files: &[&Attachment]) -> Markup {
    let t = ctx.t();
    html! {
        p.meta { (super::author_name(ctx.t(), author)) " · " (when(ctx, p.approved_at.as_ref().unwrap_or(&p.created_at)))
            @if p.status != post::Status::Approved { " · " strong.status { (status_label(t, p.status)) } }
            @if p.original_body_md.is_some() { " · " (t.edited_by_moderator) } }
        div.body { (PreEscaped(&p.body_html)) }
        (attachment_list(ctx, files))
    }
}

fn flag_form(ctx: &Ctx, slug: &str, p: &Post) -> Markup {
    let t = ctx.t();
    html! {
        details.flag {
            summary { (t.flag_button) }
            form method="post" action={ (paths::community(&slug)) "/posts/" (p.id) "/flag" } {
                (csrf_field(ctx))
                label for={ "reason-" (p.id) } { (t.flag_reason) }
                input id={ "reason-" (p.id) } name="reason" type="text" required;
                button.secondary type="submit" { (t.flag_button) }
            }
        }
    }
}

/// How the query was answered, or by when its consolidated reply is due (and how late it is).
fn answer_line(ctx: &Ctx, v: &ThreadView) -> Markup {
    let t = ctx.t();
    let now = crate::models::now();
    html! {
        @match &v.answer {
            Some((post::AnswerKind::InThread, _)) => p.answered { strong { (t.fmt("answered-in-thread", &[])) } },
            Some((kind, Some((slug, title)))) => p.answered {
                @let key = if *kind == post::AnswerKind::Page { "answered-by-page" } else { "answered-existing-page" };
                strong { (t.fmt(key, &[])) } " " a href=(paths::page(slug)) { (title) }
            },
            // Answered by a page no longer published: nothing to link to.
            Some((_, None)) => {},
            None => @if let (post::Status::Approved, Some(due)) = (v.root.status, v.root.response_due_at) {
                p.meta {
                    (t.fmt("reply-due-by", &[("date", super::dates::time_text(ctx.lang, &due).into())]))
                    @if due < now { " · " strong.status { (t.fmt("days-late", &[("days", (now - due).num_days().max(1).into())])) } }
                }
            },
        }
    }
}

/// A moderator closes a query without a new page: answered in the thread, or by a page
/// that exists.
fn close_form(ctx: &Ctx, slug: &str, root_id: i64) -> Markup {
    let t = ctx.t();
    html! {
        details.close-query {
            summary { (t.fmt("close-query", &[])) }
            form method="post" action={ (paths::thread(slug, root_id)) "/close" } {
                (csrf_field(ctx))
                fieldset {
                    legend { (t.fmt("close-query", &[])) }
                    label { input type="radio" name="how" value="in_thread" checked; " " (t.fmt("close-in-thread", &[])) }
                    label { input type="radio" name="how" value="existing_page"; " " (t.fmt("close-by-page", &[])) }
                }
                div.field { label for="close-page" { (t.fmt("close-page-slug", &[])) } input #close-page type="text" name="page" maxlength="200"; }
                button.secondary type="submit" { (t.fmt("close-submit", &[])) }
            }
        }
    }
}

/// `experts`: the panel where a moderator asks experts about the query (moderators only).
pub fn thread(ctx: &Ctx, a: &Access, v: &ThreadView, reply: &PostInput, errors: &FieldErrors, notice_text: Option<&str>, experts: Option<&crate::services::experts::Panel>, offer: Option<&[crate::models::represented_owner::Owner]>) -> Markup {
    let t = ctx.t();
    let slug = &a.community.slug;
    let files_of = |id: i64| v.attachments.iter().filter(|f| f.post_id == id).collect::<Vec<_>>();
    let can_flag = a.is_member() && a.viewer_id.is_some();
    let behalf_of = |id: i64| v.behalf.iter().find(|(p, _)| *p == id).map(|(_, f)| super::facilitator::for_line(ctx, f));
    layout(ctx, &v.root.title, html! {
        p.crumbs { a href=(paths::community(&slug)) { (a.community.name) } }
        @if let Some(n) = notice_text { (notice(n)) }
        article.post #{ "post-" (v.root.id) } {
            h1 { (v.root.title) }
            @if !v.root.themes.is_empty() { p.meta { (theme_names(ctx, &v.root.theme_list())) } }
            @if !v.root.state.is_empty() || !v.root.sector.is_empty() {
                p.meta { (ctx.sector(&v.root.sector)) @if !v.root.sector.is_empty() && !v.root.state.is_empty() { " · " } (v.root.district) @if !v.root.district.is_empty() { ", " } (vocab::state_label(&v.root.state, ctx.lang == super::Lang::Hi)) }
            }
            (answer_line(ctx, v))
            (super::similar::answered_members(ctx, v.answered_members))
            @if let Some(line) = behalf_of(v.root.id) { (line) }
            (post_body(ctx, &v.root, &v.root_author, &files_of(v.root.id)))
            @if can_flag && v.root.status == post::Status::Approved { (flag_form(ctx, slug, &v.root)) }
        }
        (super::registry::schemes::schemes_aside(ctx, &v.schemes))
        (super::experts::asked_list(ctx, &v.experts))
        @if let Some(p) = experts { (super::experts::ask_panel(ctx, slug, p, errors, "thread")) }
        @if a.moderator && v.root.status == post::Status::Approved {
            p.tools { a.button href={ "/kb/new?thread=" (v.root.id) } { (t.kb_distil) } }
            @if v.answer.is_none() { (close_form(ctx, slug, v.root.id)) }
            form.inline method="post" action={ (paths::thread(&slug, v.root.id)) "/visibility" } {
                (csrf_field(ctx))
                input type="hidden" name="public" value=(if v.root.is_public { "0" } else { "1" });
                button.secondary type="submit" { (if v.root.is_public { t.make_private } else { t.make_public }) }
            }
        }
        section aria-labelledby="replies-h" {
            h2 #replies-h { (v.replies.iter().filter(|(p, _)| p.status == post::Status::Approved).count()) " " (t.replies) }
            @for (p, author) in &v.replies {
                article.post.reply #{ "post-" (p.id) } {
                    @if let Some(line) = behalf_of(p.id) { (line) }
                    (post_body(ctx, p, author, &files_of(p.id)))
                    @if can_flag && p.status == post::Status::Approved { (flag_form(ctx, slug, p)) }
                }
            }
        }
        @if !v.registry.is_empty() {
            aside aria-labelledby="registry-h" {
                h2 #registry-h { (t.registry_related) }
                ul { @for r in &v.registry { li { (super::registry::record_link(r)) } } }
            }
        }
        @if a.is_member() && v.root.status == post::Status::Approved {
            section aria-labelledby="reply-h" {
                h2 #reply-h { (t.reply_heading) }
                (error_summary(ctx, errors))
                form method="post" action={ (paths::thread(&slug, v.root.id)) "/reply" } enctype="multipart/form-data" novalidate {
                    (csrf_field(ctx))
                    (textarea(ctx, "body", t.field_body, &reply.body, Some(t.field_body_hint), 8, errors))
                    (super::facilitator::behalf_fields(ctx, &reply.behalf, offer, errors))
                    (files_field(ctx, errors))
                    button type="submit" { (t.reply_button) }
                }
            }
        }
    })
}

pub fn my_posts(ctx: &Ctx, rows: &[(Post, Community)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.my_posts_title, html! {
        h1 { (t.my_posts_title) }
        @if rows.is_empty() { p { (t.no_posts) } }
        @for (p, c) in rows {
            article.post.mine #{ "post-" (p.id) } {
                h2 {
                    @if p.status == post::Status::Approved { a href=(paths::post(&c.slug, p.root_id(), p.id)) { (if p.title.is_empty() { t.reply_heading } else { p.title.as_str() }) } }
                    @else { (if p.title.is_empty() { t.reply_heading } else { p.title.as_str() }) }
                }
                p.meta { (c.name) " · " (when(ctx, &p.created_at)) " · " strong.status { (status_label(t, p.status)) } }
                @if !p.moderator_note.is_empty() {
                    div.note { strong { (t.moderator_message) ": " } (t.stored(&p.moderator_note)) }
                }
                @if let Some(original) = &p.original_body_md {
                    details.diff open[p.status == post::Status::Approved] {
                        summary { (t.what_changed) }
                        (diff_view(original, &p.body_md))
                    }
                }
                @if p.status == post::Status::ChangesRequested {
                    p { a.button href=(paths::post_edit(&c.slug, p.id)) { (t.edit_resubmit) } }
                }
                @if p.status == post::Status::Rejected || p.status == post::Status::ChangesRequested {
                    details { summary { (t.your_text) } pre.source { (p.body_md) } }
                }
            }
        }
    })
}

/// The author's text against the published one, line by line.
pub fn diff_view(before: &str, after: &str) -> Markup {
    let ops = crate::views::diff::lines(before, after);
    html! {
        pre.diff {
            @for (op, line) in ops {
                @match op {
                    '-' => del { "- " (line) "\n" },
                    '+' => ins { "+ " (line) "\n" },
                    _ => span { "  " (line) "\n" },
                }
            }
        }
    }
}

pub fn edit_post(ctx: &Ctx, c: &Community, p: &Post, input_: &PostInput, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.edit_resubmit, html! {
        p.crumbs { a href=(paths::MY_POSTS) { (t.my_posts_title) } }
        h1 { (t.edit_resubmit) }
        @if !p.moderator_note.is_empty() { div.note { strong { (t.moderator_message) ": " } (t.stored(&p.moderator_note)) } }
        (error_summary(ctx, errors))
        form method="post" action=(paths::post_edit(&c.slug, p.id)) novalidate {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(p.version);
            @if p.is_query() { (query_fields(ctx, input_, errors)) }
            @else { (textarea(ctx, "body", t.field_body, &input_.body, Some(t.field_body_hint), 10, errors)) }
            button type="submit" { (t.submit_post) }
        }
    })
}
