//! Similar solved answers while asking: the "check before you post" step, the list of similar
//! answers (also beside queued queries for moderators), and the glossary's admin page.

use maud::{html, Markup, PreEscaped};

use super::communities::{files_field, query_fields};
use super::{csrf_field, error_summary, input, layout, notice, Ctx, Field};
use crate::error::FieldErrors;
use crate::models::community::Community;
use crate::models::glossary::Entry;
use crate::paths;
use crate::services::posting::PostInput;
use crate::services::similar::{GlossaryForm, Similar};

/// What the list offers beside each answer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Offer<'a> {
    /// The asker: "this answers me".
    Asker,
    /// A moderator on the queue: how often each answered someone.
    Counts,
    /// A moderator reviewing one query: the counts and "close as answered by this", at the
    /// query's version.
    Close { post_id: i64, version: i32, slug: &'a str },
}

/// The similar answers to a draft, best first.
/// "This answered N members' questions" under a page, an answered thread or a best practice
/// that members found their answer in; nothing when none did.
pub fn answered_members(ctx: &Ctx, members: i64) -> Markup {
    html! { @if members > 0 { p.meta.answered-members { (ctx.t().fmt("answered-members", &[("count", members.into())])) } } }
}

pub fn list(ctx: &Ctx, slug: &str, items: &[Similar], offer: Offer) -> Markup {
    let t = ctx.t();
    html! {
        @if items.is_empty() { p.similar-none { (t.fmt("similar-none", &[])) } }
        @else {
            ol.similar {
                @for s in items {
                    li {
                        a href=(s.url) { (s.title) } " · " span.kind { (super::search::facet_label(ctx, "kind", &s.kind)) }
                        @if !s.snippet_html.is_empty() { p.snippet { (PreEscaped(&s.snippet_html)) } }
                        @if offer != Offer::Asker { p.meta { (t.fmt("similar-answered-count", &[("count", s.answered.into())])) } }
                        @match offer {
                            Offer::Asker => form method="post" action=(paths::community_page(slug, "answered")) {
                                (csrf_field(ctx))
                                input type="hidden" name="target" value=(s.target.key());
                                button.secondary type="submit" { (t.fmt("similar-answers-me", &[])) }
                            },
                            Offer::Close { post_id, version, slug } => form method="post" action={ (paths::queue_item(slug, post_id)) "/answered" } {
                                (csrf_field(ctx))
                                input type="hidden" name="version" value=(version);
                                input type="hidden" name="target" value=(s.target.key());
                                button.secondary type="submit" { (t.fmt("similar-close-button", &[])) }
                            },
                            Offer::Counts => {},
                        }
                    }
                }
            }
        }
    }
}

/// The check step: the answers closest to the draft, each of which can end the question
/// there, then the draft itself, kept whole, to post anyway or check again.
pub fn check(ctx: &Ctx, c: &Community, draft: &PostInput, schemes: &[crate::models::vocabulary::Term], offer: Option<&[crate::models::represented_owner::Owner]>, items: &[Similar], had_files: bool) -> Markup {
    let t = ctx.t();
    let title = t.fmt("similar-check-title", &[]);
    layout(ctx, &title, html! {
        p.crumbs { a href=(paths::community(&c.slug)) { (c.name) } }
        h1 { (title) }
        p { (t.fmt("similar-check-intro", &[])) }
        section aria-labelledby="similar-heading" {
            h2 #similar-heading { (t.fmt("similar-heading", &[])) }
            (list(ctx, &c.slug, items, Offer::Asker))
        }
        section aria-labelledby="draft-heading" {
            h2 #draft-heading { (t.fmt("similar-draft-heading", &[])) }
            form method="post" action=(paths::community_page(&c.slug, "posts")) enctype="multipart/form-data" novalidate {
                (csrf_field(ctx))
                (query_fields(ctx, draft, &FieldErrors::new()))
                (super::registry::schemes::scheme_choices(ctx, schemes, &draft.schemes, &FieldErrors::new()))
                (super::facilitator::behalf_fields(ctx, &draft.behalf, offer, &FieldErrors::new()))
                @if had_files { p.hint { (t.files_reattach) } }
                (files_field(ctx, &FieldErrors::new()))
                button type="submit" { (t.fmt("similar-post-anyway", &[])) } " "
                button.secondary type="submit" formaction=(paths::community_page(&c.slug, "check")) { (t.fmt("similar-check-again", &[])) }
            }
        }
    })
}

/// The glossary the similar answers are found with: every entry editable, retired ones
/// marked, and a form to add one.
pub fn glossary(ctx: &Ctx, entries: &[Entry], form: &GlossaryForm, errors: &FieldErrors, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    let title = t.fmt("similar-glossary-title", &[]);
    let (en, hi, retired, save) = (t.fmt("similar-term-en", &[]), t.fmt("similar-term-hi", &[]), t.fmt("similar-term-retired", &[]), t.fmt("similar-term-save", &[]));
    let add = t.fmt("similar-term-add", &[]);
    layout(ctx, &title, html! {
        h1 { (title) }
        p { (t.fmt("similar-glossary-intro", &[])) }
        @if let Some(f) = flash { (notice(f)) }
        div.table-wrap {
            table {
                thead { tr { th { (en) } th { (hi) } th { (retired) } th {} } }
                tbody {
                    @for e in entries {
                        tr.retired[e.retired] {
                            td colspan="4" {
                                form.inline-row method="post" action={ "/admin/glossary/" (e.id) } {
                                    (csrf_field(ctx))
                                    input name="term_en" value=(e.term_en) lang="en" aria-label={ (en) " " (e.id) };
                                    input name="term_hi" value=(e.term_hi) lang="hi" aria-label={ (hi) " " (e.id) };
                                    label { input type="checkbox" name="retired" value="true" checked[e.retired]; " " (retired) }
                                    button type="submit" { (save) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (add) }
        (error_summary(ctx, errors))
        form method="post" action="/admin/glossary" novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("term_en", &en, &form.term_en).required(), errors))
            (input(ctx, Field::new("term_hi", &hi, &form.term_hi).required(), errors))
            button type="submit" { (add) }
        }
    })
}
