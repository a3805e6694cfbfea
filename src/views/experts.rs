//! Experts: the public directory, a member's own profile, the panel where a moderator asks
//! experts about a query, who was asked on a thread, and the thread an asked expert reads.

use maud::{html, Markup};

use super::communities::theme_names;
use super::{csrf_field, error_summary, input, layout, notice, textarea, Ctx, Field, Lang};
use crate::error::FieldErrors;
use crate::models::community::Community;
use crate::models::expert::{Filter, Profile};
use crate::paths;
use crate::services::communities::ThreadView;
use crate::services::experts::{Asked, Panel, ProfileForm};
use crate::vocab;

fn hindi(ctx: &Ctx) -> bool {
    ctx.lang == Lang::Hi
}

fn languages_of(codes: &[&str]) -> String {
    codes.iter().map(|c| vocab::expert_language_name(c)).collect::<Vec<_>>().join(", ")
}

/// A filter of the directory: one choice among `options` (value, label), "any" first.
fn filter_select(ctx: &Ctx, name: &str, label: &str, options: &[(String, String)], chosen: &str) -> Markup {
    html! {
        div.field {
            label for={ "f-" (name) } { (label) }
            select id={ "f-" (name) } name=(name) {
                option value="" { (ctx.t().experts_any) }
                @for (value, text) in options { option value=(value) selected[value == chosen] { (text) } }
            }
        }
    }
}

fn theme_options(ctx: &Ctx, selected: &[String]) -> Vec<(String, String)> {
    ctx.theme_options(&selected.iter().map(String::as_str).collect::<Vec<_>>())
}
fn sector_choices(ctx: &Ctx, selected: &[String]) -> Vec<(String, String)> {
    ctx.sector_options(&selected.iter().map(String::as_str).collect::<Vec<_>>())
}
fn state_choices(ctx: &Ctx) -> Vec<(String, String)> {
    vocab::STATES.iter().map(|s| (s.to_string(), vocab::state_label(s, hindi(ctx)).to_string())).collect()
}
fn language_choices() -> Vec<(String, String)> {
    vocab::EXPERT_LANGUAGES.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect()
}

/// One expert as the directory shows them: never a mail address.
fn card(ctx: &Ctx, p: &Profile, name: &str) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    html! {
        article.expert {
            h2 { (name) }
            @if !p.organisation.is_empty() { p.meta { (p.organisation) } }
            @if p.paused { p.note { (t.experts_paused) } }
            dl {
                dt { (t.experts_themes) } dd { (theme_names(ctx, &p.theme_list())) }
                @if !p.sectors.is_empty() { dt { (t.experts_sectors) } dd { (p.sector_list().iter().map(|s| ctx.sector(s)).collect::<Vec<_>>().join(", ")) } }
                @if !p.states.is_empty() { dt { (t.experts_states) } dd { (p.state_list().iter().map(|s| vocab::state_label(s, h)).collect::<Vec<_>>().join(", ")) } }
                dt { (t.experts_languages) } dd { (languages_of(&p.language_list())) }
            }
            p { (p.experience) }
        }
    }
}

pub fn directory(ctx: &Ctx, f: &Filter, rows: &[(Profile, String)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.experts_title, html! {
        h1 { (t.experts_title) }
        p { (t.experts_intro) }
        p { a href=(paths::EXPERT_PROFILE) { (t.experts_become) } }
        form.filters method="get" action=(paths::EXPERTS) {
            (filter_select(ctx, "theme", t.experts_themes, &theme_options(ctx, std::slice::from_ref(&f.theme)), &f.theme))
            (filter_select(ctx, "sector", t.experts_sectors, &sector_choices(ctx, std::slice::from_ref(&f.sector)), &f.sector))
            (filter_select(ctx, "state", t.experts_states, &state_choices(ctx), &f.state))
            (filter_select(ctx, "language", t.experts_languages, &language_choices(), &f.language))
            button type="submit" { (t.experts_filter_button) }
        }
        @if rows.is_empty() { p { (t.experts_none) } }
        @for (p, name) in rows { (card(ctx, p, name)) }
    })
}

/// Checkboxes for a list field of the profile.
fn checkboxes(ctx: &Ctx, name: &'static str, legend: &str, options: &[(String, String)], chosen: &[String], errors: &FieldErrors) -> Markup {
    html! {
        fieldset.field.has-error[errors.contains_key(name)] id=(name) {
            legend { (legend) }
            @if let Some(e) = errors.get(name) { p.error { (ctx.t().msg(e)) } }
            @for (value, text) in options {
                label.check { input type="checkbox" name=(name) value=(value) checked[chosen.contains(value)]; " " (text) }
            }
        }
    }
}

/// A list choice with many options (sectors, states): a multiple select.
fn multi_select(ctx: &Ctx, name: &'static str, label: &str, options: &[(String, String)], chosen: &[String], errors: &FieldErrors) -> Markup {
    let error = errors.get(name).map(|m| ctx.t().msg(m));
    html! {
        div.field.has-error[error.is_some()] {
            label for=(name) { (label) " (" (ctx.t().optional) ")" }
            p.hint id={ (name) "-hint" } { (ctx.t().experts_multi_hint) }
            @if let Some(e) = &error { p.error { (e) } }
            select id=(name) name=(name) multiple size="8" aria-describedby={ (name) "-hint" } {
                @for (value, text) in options { option value=(value) selected[chosen.contains(value)] { (text) } }
            }
        }
    }
}

pub fn profile(ctx: &Ctx, form: &ProfileForm, exists: bool, errors: &FieldErrors, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    layout(ctx, t.experts_profile_title, html! {
        p.crumbs { a href=(paths::EXPERTS) { (t.experts_title) } }
        h1 { (t.experts_profile_title) }
        @if let Some(f) = flash { (notice(f)) }
        p { (t.experts_profile_intro) }
        (error_summary(ctx, errors))
        form method="post" action=(paths::EXPERT_PROFILE) novalidate {
            (csrf_field(ctx))
            (checkboxes(ctx, "themes", t.experts_themes, &theme_options(ctx, &form.themes), &form.themes, errors))
            (multi_select(ctx, "sectors", t.experts_sectors, &sector_choices(ctx, &form.sectors), &form.sectors, errors))
            (multi_select(ctx, "states", t.experts_states, &state_choices(ctx), &form.states, errors))
            (input(ctx, Field::new("organisation", t.experts_organisation, &form.organisation), errors))
            (textarea(ctx, "experience", t.experts_experience, &form.experience, Some(t.experts_experience_hint), 6, errors))
            (checkboxes(ctx, "languages", t.experts_languages, &language_choices(), &form.languages, errors))
            div.field {
                label.check { input type="checkbox" name="listed" value="1" checked[form.listed]; " " (t.experts_listed) }
                label.check { input type="checkbox" name="paused" value="1" checked[form.paused]; " " (t.experts_pause) }
            }
            button type="submit" { (t.experts_save) }
        }
        @if exists {
            form method="post" action={ (paths::EXPERT_PROFILE) "/delete" } {
                (csrf_field(ctx))
                button.secondary type="submit" { (t.experts_delete) }
            }
        }
    })
}

/// Who was asked about a query and who answered, for everyone who reads the thread.
pub fn asked_list(ctx: &Ctx, asked: &[Asked]) -> Markup {
    let t = ctx.t();
    html! {
        @if !asked.is_empty() {
            section.experts-asked aria-labelledby="experts-asked-h" {
                h2 #experts-asked-h { (t.experts_asked_heading) }
                ul { @for a in asked { li { (a.name) " · " (if a.answered { t.experts_answered } else { t.experts_not_answered }) } } }
            }
        }
    }
}

/// The moderator's panel: asked so far, and the experts they may still ask (at most
/// `remaining` of them). `from` says which page the form returns to ("queue" or "thread").
pub fn ask_panel(ctx: &Ctx, slug: &str, p: &Panel, errors: &FieldErrors, from: &str) -> Markup {
    let t = ctx.t();
    html! {
        section.experts-ask aria-labelledby="experts-ask-h" {
            h2 #experts-ask-h { (t.experts_ask_heading) }
            @if from == "queue" { (asked_list(ctx, &p.asked)) }
            @if p.remaining == 0 {
                p { (t.fmt("experts-too-many", &[("max", crate::services::experts::MAX_ASKED.into())])) }
            } @else if p.offered.is_empty() {
                p { (t.experts_ask_none) }
            } @else {
                p { (t.experts_ask_intro) " " (t.fmt("experts-remaining", &[("count", p.remaining.into())])) }
                @if p.waiting { p.note { (t.experts_ask_waiting) } }
                form method="post" action=(paths::ask_experts(slug, p.root_id)) novalidate {
                    (csrf_field(ctx))
                    input type="hidden" name="from" value=(from);
                    fieldset.field.has-error[errors.contains_key("experts")] #experts {
                        legend { (t.experts_ask_heading) }
                        @if let Some(e) = errors.get("experts") { p.error { (t.msg(e)) } }
                        @for c in &p.offered {
                            label.check {
                                input type="checkbox" name="expert" value=(c.user_id); " " (c.name)
                                @if !c.organisation.is_empty() { " · " (c.organisation) }
                                @if c.sector_match { " · " (t.experts_match_sector) }
                                @if c.state_match { " · " (t.experts_match_state) }
                            }
                        }
                    }
                    button type="submit" { (t.experts_ask_button) }
                }
            }
        }
    }
}

/// The thread an asked expert reads by the link in their mail: the query and its approved
/// replies; they answer by replying to the mail.
pub fn asked_thread(ctx: &Ctx, c: &Community, v: &ThreadView) -> Markup {
    let t = ctx.t();
    layout(ctx, &v.root.title, html! {
        p.crumbs { (c.name) }
        p.note { (t.experts_asked_page_intro) }
        article.post {
            h1 { (v.root.title) }
            @if !v.root.themes.is_empty() { p.meta { (theme_names(ctx, &v.root.theme_list())) } }
            (super::communities::post_body(ctx, &v.root, &v.root_author, &[]))
        }
        section aria-labelledby="replies-h" {
            h2 #replies-h { (t.replies) }
            @for (p, author) in &v.replies { article.post.reply { (super::communities::post_body(ctx, p, author, &[])) } }
        }
    })
}
