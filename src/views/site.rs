//! The pages that say who runs the portal, and their editor for administrators.

use maud::{html, Markup, PreEscaped};

use super::{csrf_field, error_summary, layout, notice, textarea, Ctx, Lang, Strings};
use crate::error::FieldErrors;
use crate::paths;
use crate::services::site::SiteText;

/// Who runs the portal and how to reach them, from the settings.
pub struct Runner<'a> {
    pub institution: &'a str,
    pub contact_email: &'a str,
    pub grievance_officer: &'a str,
    pub grievance_email: &'a str,
}

/// A site page's name in the footer, titles and the administrators' list.
pub fn label(t: &'static Strings, slug: &str) -> &'static str {
    match slug {
        "about" => t.site_about,
        "contact" => t.site_contact,
        "privacy" => t.site_privacy,
        "accessibility" => t.site_accessibility,
        _ => t.site_terms,
    }
}

fn mail_link(address: &str) -> Markup {
    html! { a href={ "mailto:" (address) } { (address) } }
}

/// The settings a page names: the host on About and Contact, the contact address on Contact
/// and Accessibility, the grievance officer on Contact and Privacy. Empty settings are left out.
fn runner_facts(ctx: &Ctx, slug: &str, r: &Runner) -> Markup {
    let t = ctx.t();
    let host = matches!(slug, "about" | "contact") && !r.institution.is_empty();
    let contact = matches!(slug, "contact" | "accessibility") && !r.contact_email.is_empty();
    let grievance = matches!(slug, "contact" | "privacy") && !(r.grievance_officer.is_empty() && r.grievance_email.is_empty());
    html! {
        @if host || contact || grievance {
            dl.site-facts {
                @if host { dt { (t.site_host) } dd { (r.institution) } }
                @if contact { dt { (t.site_contact_email) } dd { (mail_link(r.contact_email)) } }
                @if grievance {
                    dt { (t.site_grievance_officer) }
                    dd {
                        (r.grievance_officer)
                        @if !r.grievance_officer.is_empty() && !r.grievance_email.is_empty() { ", " }
                        @if !r.grievance_email.is_empty() { (mail_link(r.grievance_email)) }
                    }
                }
            }
        }
    }
}

/// A public site page: its Markdown (sanitised when saved), with the settings it names placed
/// after its first heading.
pub fn page(ctx: &Ctx, text: &SiteText, runner: &Runner) -> Markup {
    let t = ctx.t();
    let facts = runner_facts(ctx, text.slug, runner).into_string();
    let (head, rest) = match text.body_html.find("</h1>") {
        Some(i) => text.body_html.split_at(i + "</h1>".len()),
        None => ("", text.body_html.as_str()),
    };
    layout(ctx, label(t, text.slug), html! {
        article.site-page {
            (PreEscaped(head))
            (PreEscaped(facts))
            (PreEscaped(rest))
            @if let Some(at) = text.edited_at {
                p.updated { (t.site_updated) ": " (at.format("%Y-%m-%d")) }
            }
        }
        @if ctx.viewer.as_ref().is_some_and(|v| v.is_admin) {
            p { a href=(paths::site_page_edit(text.slug, text.lang)) { (t.site_edit) } }
        }
    })
}

fn lang_name(code: &str) -> &'static str {
    Lang::from_code(code).map(Lang::endonym).unwrap_or("")
}

/// The administrators' list of site pages, each language apart.
pub fn list(ctx: &Ctx, pages: &[(&'static str, &'static str, Option<chrono::NaiveDateTime>)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.site_pages_title, html! {
        h1 { (t.site_pages_title) }
        p { (t.site_pages_intro) }
        table {
            thead { tr { th scope="col" { (t.col_name) } th scope="col" { (t.field_language) } th scope="col" { (t.site_updated) } } }
            tbody {
                @for (slug, lang, at) in pages {
                    tr {
                        td { a href=(paths::site_page_edit(slug, lang)) { (label(t, slug)) } }
                        td lang=(lang) { (lang_name(lang)) }
                        td { @match at { Some(at) => (super::format_time(at)), None => (t.site_page_shipped) } }
                    }
                }
            }
        }
    })
}

/// The editor of one page in one language; `body` is what the form shows (the text as saved,
/// or as submitted when it came back with `errors`).
pub fn editor(ctx: &Ctx, text: &SiteText, body: &str, errors: &FieldErrors, saved: bool) -> Markup {
    let t = ctx.t();
    let title = format!("{} · {} ({})", t.site_edit, label(t, text.slug), lang_name(text.lang));
    layout(ctx, &title, html! {
        p { a href=(paths::ADMIN_SITE) { "← " (t.site_pages_title) } }
        h1 { (title) }
        @if saved { (notice(t.site_page_saved)) }
        (error_summary(ctx, errors))
        form method="post" action=(paths::site_page_edit(text.slug, text.lang)) novalidate {
            (csrf_field(ctx))
            (textarea(ctx, "body", t.site_page_body, body, Some(t.site_page_body_hint), 24, errors))
            button type="submit" { (t.site_page_save) }
        }
        p { a href=(paths::site_page(text.slug)) { (t.site_page_view) } }
    })
}

/// The footer's links: the site pages, then the feed and the sitemap.
pub fn footer_nav(ctx: &Ctx) -> Markup {
    let t = ctx.t();
    html! {
        nav.footer-nav aria-label=(t.footer_nav_label) {
            ul {
                @for slug in paths::SITE_PAGES { li { a href=(paths::site_page(slug)) { (label(t, slug)) } } }
                li { a href=(paths::KB_FEED) { (t.site_feed) } }
                li { a href=(paths::SITEMAP) { (t.site_sitemap) } }
            }
        }
    }
}
