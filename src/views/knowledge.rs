//! Knowledge pages, theme hubs, the consolidated-reply builder and the page editor.

use maud::{html, Markup, PreEscaped};
use crate::paths;

use super::communities::theme_names;
use super::dates::{day, when};
use super::{csrf_field, error_summary, input, input_as, layout, layout_with_head, notice, sector_options, select, state_options, textarea, Ctx, Field, Strings};
use crate::error::FieldErrors;
use crate::models::list;
use crate::models::page::{self, Page};
use crate::models::vocabulary::Term;
use crate::services::knowledge::{Builder, Credit, Event, PageForm, PageView, Revision, LAYOUTS};
use crate::vocab;

fn page_link(slug: &str, language: &str, title: &str) -> Markup {
    html! { a href=(paths::page(slug)) lang=(language) { (title) } }
}

/// Who did something, as a public page says it: a name only with the person's consent.
fn credit<'a>(t: &'a Strings, by: &'a Credit) -> &'a str {
    match by {
        Credit::Named(name) => name,
        Credit::Moderator => t.kb_by_moderator,
        Credit::Editor => t.kb_by_editor,
    }
}

fn theme_label(ctx: &Ctx, slug: &str) -> String {
    theme_names(ctx, &[slug])
}

fn hindi(ctx: &Ctx) -> bool {
    ctx.lang == super::Lang::Hi
}

/// A page's status in the reader's language.
fn status_label(ctx: &Ctx, s: page::Status) -> &'static str {
    let t = ctx.t();
    match s {
        page::Status::Draft => t.kb_status_draft,
        page::Status::Published => t.kb_status_published,
        page::Status::Withdrawn => t.kb_status_withdrawn,
    }
}

/// Where a page is from, in the reader's language: sector, district, state.
fn place(ctx: &Ctx, p: &Page) -> Markup {
    html! {
        @if !p.sector.is_empty() { (ctx.sector(&p.sector)) " · " }
        @if !p.district.is_empty() { (p.district) ", " }
        @if !p.state.is_empty() { (vocab::state_label(&p.state, hindi(ctx))) " · " }
    }
}

pub fn home(ctx: &Ctx, counts: &[(String, usize)], recent: &[Page]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.kb_title, html! {
        h1 { (t.kb_title) }
        p.lead { (t.kb_intro) }
        h2 { (t.kb_themes) }
        ul.hubs {
            @for (slug, n) in counts {
                li { a href=(paths::theme(&slug)) { (theme_label(ctx, slug)) } " (" (n) ")" }
            }
        }
        h2 { (t.kb_recent) }
        @if recent.is_empty() { p { (t.no_threads) } }
        ul.threads {
            @for p in recent {
                li { (page_link(&p.slug, &p.language, &p.title)) p.meta { (theme_names(ctx, &p.theme_list())) @if !p.state.is_empty() { " · " (vocab::state_label(&p.state, hindi(ctx))) } } }
            }
        }
        p { a href=(paths::KB_FEED) { "Atom" } }
    })
}

pub fn hub(ctx: &Ctx, theme: &str, pages: &[Page], near: &[(String, usize)]) -> Markup {
    let t = ctx.t();
    let name = theme_label(ctx, theme);
    let head = html! { link rel="alternate" type="application/atom+xml" title=(name) href=(paths::theme_feed(&theme)); };
    layout_with_head(ctx, &name, head, html! {
        p.crumbs { a href="/kb" { (t.kb_title) } }
        h1 { (name) }
        @if pages.is_empty() { p { (t.no_threads) } }
        ul.threads {
            @for p in pages {
                li { (page_link(&p.slug, &p.language, &p.title)) p.meta { (vocab::language_name(&p.language)) @if !p.sector.is_empty() { " · " (ctx.sector(&p.sector)) } @if !p.state.is_empty() { " · " (vocab::state_label(&p.state, hindi(ctx))) } } }
            }
        }
        @if !near.is_empty() {
            h2 { (t.kb_near) }
            ul { @for (n, c) in near { li { a href=(paths::theme(&n)) { (theme_label(ctx, n)) } " (" (c) ")" } } }
        }
        p { a href=(paths::theme_feed(&theme)) { "Atom" } }
    })
}

/// The first sentences of a Markdown text as plain text, for search engines' snippets.
fn summary(markdown: &str) -> String {
    let text = crate::markdown::to_plain_text(markdown);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(157) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    }
}

pub fn page(ctx: &Ctx, v: &PageView, editor: bool) -> Markup {
    let t = ctx.t();
    let p = &v.page;
    let first_theme = p.theme_list().first().map(|s| s.to_string()).unwrap_or_default();
    let head = html! {
        link rel="stylesheet" href={ "/static/themes/" (v.look.0) ".css" };
        link rel="stylesheet" href={ "/looks/" (first_theme) ".css" };
        meta name="description" content=(summary(&p.problem_md));
        @if let Some(tr) = &v.translation {
            link rel="alternate" hreflang=(p.language) href={ (ctx.base_url) (paths::page(&p.slug)) };
            link rel="alternate" hreflang=(tr.language) href={ (ctx.base_url) (paths::page(&tr.slug)) };
        }
    };
    layout_with_head(ctx, &p.title, head, html! {
        p.crumbs { a href="/kb" { (t.kb_title) } @for th in p.theme_list() { " · " a href=(paths::theme(&th)) { (theme_label(ctx, th)) } } }
        article.kb.{ "layout-" (v.look.0) } lang=(p.language) {
            @if p.status != page::Status::Published { p.note lang=(ctx.lang.code()) { (status_label(ctx, p.status)) } }
            h1 { (p.title) }
            p.meta lang=(ctx.lang.code()) {
                (place(ctx, p))
                @if let Some(d) = p.published_at { (day(ctx, &d)) }
            }
            @if let Some(c) = &v.published_by {
                p.meta.published-by lang=(ctx.lang.code()) { (t.kb_published_by) ": " (credit(t, &c.by)) }
            }
            @if let Some(c) = &v.changed_by {
                p.meta.changed-by lang=(ctx.lang.code()) { (t.kb_changed_by) ": " (credit(t, &c.by)) " · " (day(ctx, &c.at)) }
            }
            @if let Some(tr) = &v.translation { p { a href=(paths::page(&tr.slug)) hreflang=(tr.language) lang=(tr.language) { (if tr.language == "hi" { "हिन्दी में पढ़ें" } else { "Read in English" }) } } }
            div.body { (PreEscaped(&p.body_html)) }
            @if !p.contributors.is_empty() {
                h2 { (t.kb_contributors) }
                ul { @for c in list::decode(&p.contributors) { li { (super::credit_line(t, c)) } } }
            }
            @if !p.sources.is_empty() {
                h2 { (t.kb_sources) }
                ul { @for s in list::decode(&p.sources) { li { (s) } } }
            }
            @if !v.threads.is_empty() {
                h2 { (t.kb_threads) }
                ul { @for (id, slug, title) in &v.threads { li { a href=(paths::thread(&slug, *id)) { (title) } } } }
            }
        }
        (super::similar::answered_members(ctx, v.answered.members))
        @if p.status == page::Status::Published { (super::outcomes::section(ctx, &v.outcomes, &paths::page(&p.slug), editor)) }
        (super::registry::schemes::schemes_aside(ctx, &v.schemes))
        @if !v.backlinks.is_empty() {
            aside aria-labelledby="backlinks-h" { h2 #backlinks-h { (t.kb_backlinks) } ul { @for b in &v.backlinks { li { (page_link(&b.slug, &b.language, &b.title)) } } } }
        }
        @if !v.registry.is_empty() {
            aside aria-labelledby="registry-h" {
                h2 #registry-h { (t.registry_related) }
                ul { @for r in &v.registry { li { (super::registry::record_link(r)) } } }
            }
        }
        @if !v.related.is_empty() {
            aside aria-labelledby="related-h" { h2 #related-h { (t.kb_related) } ul { @for r in &v.related { li { (page_link(&r.slug, &r.language, &r.title)) } } } }
        }
        (super::glossary::note(ctx, &format!("{}\n{}\n{}", p.title, crate::markdown::to_plain_text(&p.problem_md), crate::markdown::to_plain_text(&p.solution_md))))
        @if editor { p.tools { a href=(paths::page_edit(&p.slug)) { (t.kb_edit) } " · " a href=(paths::page_revisions(&p.slug)) { (t.history) } } }
        @if editor && v.answered.questions > 0 { p.meta { (t.fmt("similar-answered-count", &[("count", v.answered.questions.into())])) } }
    })
}

pub fn gone(ctx: &Ctx, title: &str, note: &str) -> Markup {
    let t = ctx.t();
    layout(ctx, title, html! {
        h1 { (title) }
        p { (t.error_410_body) }
        @if !note.is_empty() { p.note { (note) } }
        p { a href="/kb" { (t.kb_title) } }
    })
}



pub fn page_fields(ctx: &Ctx, f: &PageForm, schemes: &[Term], errors: &FieldErrors, with_slug: bool) -> Markup {
    let t = ctx.t();
    let offered = ctx.theme_options(&f.themes.iter().map(String::as_str).collect::<Vec<_>>());
    html! {
        (input(ctx, Field::new("title", t.kb_subject, &f.title).required(), errors))
        @if with_slug { (input(ctx, Field::new("slug", t.field_slug, &f.slug).hint(t.field_slug_hint), errors)) }
        (textarea(ctx, "problem", t.kb_problem, &f.problem, Some(t.field_body_hint), 8, errors))
        (textarea(ctx, "solution", t.kb_solution, &f.solution, Some(t.kb_link_hint), 12, errors))
        fieldset.field.has-error[errors.contains_key("themes")] #themes {
            legend { (t.field_themes) }
            @if let Some(e) = errors.get("themes") { p.error { (ctx.t().msg(e)) } }
            @for (slug, label) in &offered {
                label.check { input type="checkbox" name="themes" value=(slug) checked[f.themes.iter().any(|c| c == slug)]; " " (label) }
            }
        }
        (select(ctx, "sector", t.field_sector, &sector_options(ctx, &f.sector), &f.sector, errors))
        (select(ctx, "state", t.field_state, &state_options(t), &f.state, errors))
        (input(ctx, Field::new("district", t.field_district, &f.district), errors))
        (select(ctx, "language", t.field_language, &super::language_options(), &f.language, errors))
        (input(ctx, Field::new("translation_slug", t.kb_translation, &f.translation_slug), errors))
        (textarea(ctx, "contributors", t.kb_contributors, &f.contributors, Some(t.kb_contributors_hint), 4, errors))
        (textarea(ctx, "sources", t.kb_sources, &f.sources, None, 3, errors))
        (input(ctx, Field::new("source_threads", t.kb_threads, &f.source_threads), errors))
        (super::registry::schemes::scheme_choices(ctx, schemes, f.schemes.as_deref().unwrap_or(&[]), errors))
    }
}

pub fn builder(ctx: &Ctx, b: &Builder, f: &PageForm, picked: &[i64], errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let threads_q: String = b.thread_ids.iter().map(|id| format!("thread={id}")).collect::<Vec<_>>().join("&");
    layout(ctx, t.kb_builder, html! {
        h1 { (t.kb_builder) }
        p { (t.kb_builder_intro) }
        form method="get" action="/kb/new" {
            @for id in &b.thread_ids { input type="hidden" name="thread" value=(id); }
            ol.queue {
                @for (p, author, _) in &b.posts {
                    li.item {
                        label.check { input type="checkbox" name="pick" value=(p.id) checked[picked.contains(&p.id)]; " " strong { (super::author_name(t, author)) } @if !p.title.is_empty() { ": " (p.title) } }
                        div.body.excerpt { (PreEscaped(&p.body_html)) }
                    }
                }
            }
            button.secondary type="submit" { (t.kb_use_excerpts) }
        }
        h2 { (t.kb_new_page) }
        (error_summary(ctx, errors))
        form method="post" action={ "/kb/new?" (threads_q) } novalidate {
            (csrf_field(ctx))
            (page_fields(ctx, f, &b.scheme_terms, errors, true))
            button type="submit" { (t.kb_save_draft) }
        }
    })
}

pub fn editor(ctx: &Ctx, p: &Page, f: &PageForm, schemes: &[Term], errors: &FieldErrors, broken: &[String], notice_text: Option<&str>) -> Markup {
    let t = ctx.t();
    let base = paths::page(&p.slug);
    layout(ctx, t.kb_edit, html! {
        p.crumbs { a href="/kb/pages" { (t.kb_pages) } " · " a href=(base) { (p.title) } }
        h1 { (t.kb_edit) ": " (p.title) }
        p.meta { (status_label(ctx, p.status)) " · r" (p.revision) }
        @if let Some(n) = notice_text { (notice(n)) }
        @if !broken.is_empty() { div.note role="alert" { (t.kb_broken_links) ": " @for b in broken { code { (paths::page(&b)) } " " } } }
        (error_summary(ctx, errors))
        form method="post" action={ (base) "/edit" } novalidate {
            (csrf_field(ctx))
            input type="hidden" name="revision" value=(f.revision);
            (page_fields(ctx, f, schemes, errors, false))
            (input(ctx, Field::new("note", t.kb_change_note, &f.note), errors))
            button type="submit" name="action" value="save" { (t.save) } " "
            @if p.status != page::Status::Published { button type="submit" name="action" value="publish" { (t.kb_publish) } }
        }
        h2 { (t.kb_rename) }
        form method="post" action={ (base) "/rename" } {
            (csrf_field(ctx))
            (input(ctx, Field::new("new_slug", t.field_slug, &p.slug), errors))
            button.secondary type="submit" { (t.kb_rename) }
        }
        @if p.status == page::Status::Published {
            h2 { (t.kb_withdraw) }
            form method="post" action={ (base) "/withdraw" } {
                (csrf_field(ctx))
                (input_as(ctx, "withdraw-note", Field::new("note", t.kb_withdraw_note, ""), errors))
                button.secondary type="submit" { (t.kb_withdraw) }
            }
        }
    })
}

pub fn pages(ctx: &Ctx, pages: &[Page]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.kb_pages, html! {
        h1 { (t.kb_pages) }
        div.table-wrap { table {
            thead { tr { th { (t.kb_subject) } th { (t.col_action) } th { (t.col_when) } } }
            tbody { @for p in pages { tr {
                td { a href=(paths::page_edit(&p.slug)) lang=(p.language) { (p.title) } }
                td { (status_label(ctx, p.status)) " · r" (p.revision) }
                td { (when(ctx, &p.updated_at)) }
            } } }
        } }
    })
}

/// An event's action in the reader's language.
fn event_label(ctx: &Ctx, action: page::Action) -> &'static str {
    let t = ctx.t();
    match action {
        page::Action::Created => t.kb_event_created,
        page::Action::Saved => t.kb_event_saved,
        page::Action::Published => t.kb_event_published,
        page::Action::Renamed => t.kb_event_renamed,
        page::Action::Withdrawn => t.kb_event_withdrawn,
        page::Action::RolledBack => t.kb_event_rolled_back,
    }
}

pub fn revisions(ctx: &Ctx, p: &Page, revs: &[Revision], events: &[Event]) -> Markup {
    let t = ctx.t();
    let base = paths::page(&p.slug);
    layout(ctx, t.history, html! {
        p.crumbs { a href={ (base) "/edit" } { (p.title) } }
        h1 { (t.history) }
        ol.log reversed {
            @for r in revs {
                li {
                    "r" (r.number) " · " (when(ctx, &r.at)) " · " (r.editor.as_deref().unwrap_or("content/")) " · " (r.note) " · "
                    a href={ (base) "/revisions/" (r.number) } { (t.what_changed) }
                    @if r.number != p.revision {
                        form.inline method="post" action={ (base) "/revisions/" (r.number) "/restore" } {
                            (csrf_field(ctx)) " " button.link type="submit" { (t.kb_restore) }
                        }
                    }
                }
            }
        }
        h2 { (t.kb_events) }
        div.table-wrap {
            table.events {
                thead { tr { th scope="col" { (t.col_when) } th scope="col" { (t.col_who) } th scope="col" { (t.col_action) } th scope="col" { (t.col_detail) } } }
                tbody {
                    @for e in events {
                        tr {
                            td { (when(ctx, &e.at)) }
                            td { (e.actor.as_deref().unwrap_or("content/")) }
                            td { (event_label(ctx, e.action)) }
                            td { (e.detail) }
                        }
                    }
                }
            }
        }
    })
}

pub fn revision_diff(ctx: &Ctx, p: &Page, number: i32, before: &str, after: &str) -> Markup {
    let t = ctx.t();
    layout(ctx, t.what_changed, html! {
        p.crumbs { a href=(paths::page_revisions(&p.slug)) { (t.history) } }
        h1 { (p.title) " · r" (number) }
        (super::communities::diff_view(before, after))
    })
}

/// A page layout's name in the reader's language (the stored name if the locale files lack it).
fn layout_label<'a>(ctx: &Ctx, layout: &'a str) -> &'a str {
    ctx.t().find(&format!("kb-layout-{layout}")).unwrap_or(layout)
}

pub fn looks(ctx: &Ctx, rows: &[(String, String, String)], errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let theme_opts = ctx.theme_options(&[]);
    let layout_opts: Vec<(String, String)> = LAYOUTS.iter().map(|l| (l.to_string(), layout_label(ctx, l).to_string())).collect();
    layout(ctx, t.kb_looks, html! {
        h1 { (t.kb_looks) }
        ul { @for (th, l, a) in rows { li { (theme_label(ctx, th)) ": " (layout_label(ctx, l)) " · " code { (a) } } } }
        (error_summary(ctx, errors))
        form method="post" action="/admin/looks" novalidate {
            (csrf_field(ctx))
            (select(ctx, "theme", t.field_theme, &theme_opts, "", errors))
            (select(ctx, "layout", t.kb_layout, &layout_opts, "classic", errors))
            (input(ctx, Field::new("accent", t.kb_accent, "#0b5d6b").kind("color"), errors))
            button type="submit" { (t.save) }
        }
    })
}
