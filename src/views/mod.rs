//! HTML with maud: the layout, shared form parts, and one module per area. No database access:
//! handlers pass in everything a page shows.

pub mod accounts;
pub mod admin;
pub mod charts;
pub mod communities;
pub mod dates;
pub mod experts;
pub mod facilitator;
pub mod diff;
pub mod feeds;
pub mod glossary;
pub mod moderation;
pub mod outcomes;
pub mod registry;
pub mod rights;
pub mod search;
pub mod similar;
pub mod site;
pub mod errors;
pub mod home;
pub mod i18n;
pub mod knowledge;
pub mod mail;
pub mod mail_pages;

use maud::{html, Markup, DOCTYPE};
use crate::paths;

use crate::error::FieldErrors;
pub use i18n::{Lang, Strings};

/// Who is looking, in which language, and the token their forms must carry.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub csrf: String,
    /// Path and query of this request, for the language switch to return to.
    pub path: String,
    pub viewer: Option<Viewer>,
    /// The portal's public address, for links that must be absolute (alternate languages).
    pub base_url: std::sync::Arc<str>,
    /// This request's id (as in the log and the x-request-id header), for error pages.
    pub request_id: Option<std::sync::Arc<str>>,
    /// The vocabularies as the database holds them (themes, sectors, the registry's), for
    /// labels and form options; empty when the database did not answer.
    pub terms: std::sync::Arc<crate::services::registry::Vocabs>,
}

#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: i64,
    pub name: String,
    pub is_admin: bool,
}

impl Ctx {
    pub fn t(&self) -> &'static Strings {
        self.lang.strings()
    }

    /// A theme's name in the reader's language (a retired theme keeps its name).
    pub fn theme<'a>(&'a self, code: &'a str) -> &'a str {
        self.terms.name("theme", code, self.lang == Lang::Hi)
    }

    /// A sector's name in the reader's language.
    pub fn sector<'a>(&'a self, code: &'a str) -> &'a str {
        self.terms.name("sector", code, self.lang == Lang::Hi)
    }

    /// The themes a form offers: the active ones, and a retired one only where chosen.
    pub fn theme_options(&self, selected: &[&str]) -> Vec<(String, String)> {
        self.terms.options("theme", selected, self.lang == Lang::Hi)
    }

    /// The sectors a form offers, as `theme_options`.
    pub fn sector_options(&self, selected: &[&str]) -> Vec<(String, String)> {
        self.terms.options("sector", selected, self.lang == Lang::Hi)
    }
}

/// An author's name as shown: a deleted account's name is erased, and reads "former member"
/// wherever an author is named (threads, queues, digests, histories).
pub fn author_name<'a>(t: &'static Strings, name: &'a str) -> &'a str {
    if name.is_empty() { t.former_member } else { name }
}

/// A contributor line of a knowledge page as shown: "Name | Organisation" as "Name,
/// Organisation", and a deleted member's line as "former member".
pub fn credit_line(t: &'static Strings, line: &str) -> String {
    if line == crate::models::user::FORMER_MEMBER { t.former_member.to_string() } else { line.replace(" | ", ", ") }
}

pub fn layout(ctx: &Ctx, title: &str, body: impl maud::Render) -> Markup {
    layout_with_head(ctx, title, html! { meta name="description" content=(ctx.t().footer); }, body)
}

/// The layout with extra elements in <head> (page looks, feeds).
pub fn layout_with_head(ctx: &Ctx, title: &str, head: Markup, body: impl maud::Render) -> Markup {
    let t = ctx.t();
    let other = ctx.lang.other();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t.site_name) }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                link rel="alternate" type="application/atom+xml" title="solex" href=(paths::KB_FEED);
                link rel="search" type="application/opensearchdescription+xml" title="solex" href="/opensearch.xml";
                (head)
            }
            body {
                a.skip href="#main" { (t.skip_link) }
                header.site {
                    div.bar {
                        a.brand href="/" { (t.site_name) span.tagline { (t.tagline) } }
                        a.lang href={ "/lang/" (other.code()) "?next=" (urlencode(&ctx.path)) }
                            lang=(other.code()) hreflang=(other.code()) { (t.switch_language) }
                    }
                    form.site-search method="get" action="/search" role="search" {
                        label.visually-hidden for="q" { (t.search_label) }
                        input #q type="search" name="q" placeholder=(t.search_label);
                        button type="submit" { (t.search_button) }
                    }
                    nav aria-label=(t.nav_label) {
                        ul {
                            li { a href="/" { (t.nav_home) } }
                            li { a href="/kb" { (t.nav_knowledge) } }
                            li { a href="/communities" { (t.nav_communities) } }
                            li { a href="/registry" { (t.nav_registry) } }
                            @if let Some(v) = &ctx.viewer {
                                li { a href="/dashboard" { (t.nav_dashboard) } }
                                li { a href=(paths::MY_POSTS) { (t.nav_my_posts) } }
                                li { a href="/profile" { (t.nav_profile) } }
                                @if v.is_admin { li { a href="/admin/users" { (t.nav_admin) } } }
                                li {
                                    form.inline method="post" action="/logout" {
                                        (csrf_field(ctx))
                                        button.link type="submit" { (t.nav_sign_out) }
                                    }
                                }
                            } @else {
                                li { a href="/login" { (t.nav_sign_in) } }
                                li { a href="/register" { (t.nav_register) } }
                            }
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
                footer.site { (site::footer_nav(ctx)) p { (t.footer) } }
            }
        }
    }
}

pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

/// A summary at the top of a form that failed, linking to each field.
pub fn error_summary(ctx: &Ctx, errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" {
                p { strong { (ctx.t().form_problem) } }
                ul { @for (field, msg) in errors { li { a href={ "#" (field) } { (ctx.t().msg(msg)) } } } }
            }
        }
    }
}

pub struct Field<'a> {
    pub name: &'static str,
    pub label: &'a str,
    pub value: &'a str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub hint: Option<&'a str>,
    pub required: bool,
}

impl<'a> Field<'a> {
    pub fn new(name: &'static str, label: &'a str, value: &'a str) -> Self {
        Field { name, label, value, kind: "text", autocomplete: "off", hint: None, required: false }
    }
    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }
    pub fn autocomplete(mut self, ac: &'static str) -> Self {
        self.autocomplete = ac;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

pub fn input(ctx: &Ctx, f: Field, errors: &FieldErrors) -> Markup {
    input_as(ctx, f.name, f, errors)
}

/// `input` with an id of its own, for a field whose name another form on the same page uses
/// too (ids are unique on a page, so each label focuses its own field).
pub fn input_as(ctx: &Ctx, id: &str, f: Field, errors: &FieldErrors) -> Markup {
    let error = errors.get(f.name).map(|m| ctx.t().msg(m));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [f.hint.map(|_| hint_id.as_str()), error.as_ref().map(|_| error_id.as_str())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let error = error.as_deref();
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (f.label) }
            @if let Some(h) = f.hint { p.hint id=(hint_id) { (h) } }
            @if let Some(e) = error { p.error id=(error_id) { (e) } }
            input id=(id) name=(f.name) type=(f.kind) value=(f.value) autocomplete=(f.autocomplete)
                required[f.required] aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
        }
    }
}

/// A labelled text area with its hint and error.
pub fn textarea(ctx: &Ctx, name: &'static str, label: &str, value: &str, hint: Option<&str>, rows: u32, errors: &FieldErrors) -> Markup {
    let error = errors.get(name).map(|m| ctx.t().msg(m));
    let error = error.as_deref();
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(h) = hint { p.hint id={ (name) "-hint" } { (h) } }
            @if let Some(e) = error { p.error id={ (name) "-error" } { (e) } }
            textarea id=(name) name=(name) rows=(rows) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[hint.map(|_| format!("{name}-hint"))] { (value) }
        }
    }
}

pub fn select(
    ctx: &Ctx,
    name: &'static str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FieldErrors,
) -> Markup {
    let error = errors.get(name).map(|m| ctx.t().msg(m));
    let error = error.as_deref();
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(e) = error { p.error id={ (name) "-error" } { (e) } }
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// The states and union territories to choose from, named in the reader's language.
pub fn state_options(t: &Strings) -> Vec<(String, String)> {
    let h = t.lang == Lang::Hi;
    std::iter::once((String::new(), t.choose_state.to_string()))
        .chain(crate::vocab::STATES.iter().map(|s| (s.to_string(), crate::vocab::state_label(s, h).to_string())))
        .collect()
}

/// The sectors to choose from, named in the reader's language: the active ones, and a
/// retired one only where it is `chosen`.
pub fn sector_options(ctx: &Ctx, chosen: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), "—".to_string())).chain(ctx.sector_options(&[chosen])).collect()
}

pub fn language_options() -> Vec<(String, String)> {
    crate::vocab::LANGUAGES.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect()
}

pub fn format_time(t: &chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An action as the audit log stores it (an English phrase that serves as its code) in the
/// reader's language: the key is `prefix-` and the phrase's words joined by '-'; an action the
/// locale files do not name shows as stored. (The moderation log stores typed codes instead:
/// `moderation::action_label`.)
pub fn logged_action<'a>(ctx: &Ctx, prefix: &str, action: &'a str) -> &'a str {
    let mut key = String::with_capacity(prefix.len() + 1 + action.len());
    key.push_str(prefix);
    for word in action.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        key.push('-');
        key.push_str(word);
    }
    ctx.t().find(&key).unwrap_or(action)
}

/// A message box for a finished action.
pub fn notice(text: &str) -> Markup {
    html! { div.notice role="status" { (text) } }
}
