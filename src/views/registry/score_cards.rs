//! ESR score cards: a cluster's cards, the focal point's form, a card with its working
//! (Tables 2.7-2.9 of the book) and the reviewer's decision, and the short lists.

use maud::{html, Markup};

use super::{crumbs, hindi, status};
use crate::error::FieldErrors;
use crate::models::registry::{Record, Status};
use crate::models::score_card::ShortList;
use crate::paths;
use crate::services::registry::score_cards::{ranked_by, two_places, Card, CardInput, CardView, ClusterCards, Entry, ShortLists, ECONOMIC, ISSUES, MAX_SCORE, TEMPLATES, WEIGHTS};
use crate::services::registry::Kind;
use crate::views::dates::{day_text, when};
use crate::views::{csrf_field, error_summary, input, layout, notice, textarea, Ctx, Field};

/// Where the short lists live.
pub const SHORT_LISTS: &str = "/registry/short-lists";

pub fn cards_path(cluster: &str) -> String {
    format!("{}/score-cards", paths::registry_record(Kind::Cluster.plural(), cluster))
}

pub fn card_path(cluster: &str, id: i64) -> String {
    paths::score_card(cluster, id)
}

/// A day stored as YYYY-MM-DD, in the reader's language.
fn assessed(ctx: &Ctx, day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").map(|d| day_text(ctx.lang, d)).unwrap_or_else(|_| day.to_string())
}

fn cluster_crumbs(ctx: &Ctx, cluster: &Record) -> Markup {
    html! {
        (crumbs(ctx, Some(Kind::Cluster)))
        p.crumbs { a href=(paths::registry_record(Kind::Cluster.plural(), &cluster.slug)) { (cluster.title) } " · " a href=(cards_path(&cluster.slug)) { (ctx.t().esr_cards_title) } }
    }
}

pub fn cluster_cards(ctx: &Ctx, cc: &ClusterCards) -> Markup {
    let t = ctx.t();
    let c = &cc.cluster;
    layout(ctx, &format!("{}: {}", t.esr_cards_title, c.title), html! {
        (crumbs(ctx, Some(Kind::Cluster)))
        h1 { (t.esr_cards_title) ": " a href=(paths::registry_record(Kind::Cluster.plural(), &c.slug)) { (c.title) } }
        p { (t.esr_cards_intro) }
        p.hint { (t.esr_only_approved) " " a href=(SHORT_LISTS) { (t.esr_short_lists_title) } }
        @if cc.may_score { p { a.button href={ (cards_path(&c.slug)) "/new" } { (t.esr_card_new) } } }
        @if cc.cards.is_empty() {
            p { (t.esr_card_none) }
        } @else {
            div.table-wrap {
                table {
                    thead { tr { th scope="col" { (t.esr_assessed_on) } th scope="col" { (t.esr_status) } th scope="col" { (t.esr_consolidated) } } }
                    tbody {
                        @for card in &cc.cards {
                            tr {
                                th scope="row" { a href=(card_path(&c.slug, card.card.id)) { (assessed(ctx, &card.card.assessed_on)) } }
                                td { (card_status(ctx, card.card.status)) }
                                td.num { (two_places(card.working.total)) }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// A card's status: approved rather than published.
fn card_status(ctx: &Ctx, s: Status) -> &'static str {
    if s == Status::Published { ctx.t().esr_approved } else { status(ctx, s) }
}

/// One score's input in a table cell, labelled by its row and column, with its message.
fn score_cell(ctx: &Ctx, name: &'static str, label: &str, value: &str, errors: &FieldErrors) -> Markup {
    let error = errors.get(name).map(|m| ctx.t().msg(m));
    html! {
        td.has-error[error.is_some()] {
            @if let Some(e) = &error { p.error id={ (name) "-error" } { (e) } }
            input id=(name) name=(name) type="number" min="0" max=(MAX_SCORE) step="1" required inputmode="numeric" value=(value) aria-label=(label)
                aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=[error.as_ref().map(|_| format!("{name}-error"))];
        }
    }
}

/// The focal point's form: a new card, or an open one (`card`) with its lock.
pub fn card_form(ctx: &Ctx, cluster: &Record, card: Option<&CardView>, input_: &CardInput, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let action = match card {
        Some(v) => format!("{}/edit", card_path(&cluster.slug, v.card.card.id)),
        None => format!("{}/new", cards_path(&cluster.slug)),
    };
    let value = |name: &str| input_.scores.get(name).cloned().unwrap_or_default();
    layout(ctx, &format!("{}: {}", t.esr_card_new, cluster.title), html! {
        (cluster_crumbs(ctx, cluster))
        h1 { (t.esr_card_form_title) ": " (cluster.title) }
        @if let Some(v) = card {
            @if v.card.card.status == Status::Returned && !v.card.card.comment.is_empty() {
                div.note { p { strong { (t.esr_returned_said) } } p { (v.card.card.comment) } }
            }
        }
        p { (t.esr_cards_intro) }
        (error_summary(ctx, errors))
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            @if let Some(v) = card { input type="hidden" name="lock" value=(v.card.card.lock_version); }
            (input(ctx, Field::new("assessed_on", t.esr_assessed_on, &input_.assessed_on).kind("date").hint(t.esr_assessed_on_hint).required(), errors))
            h2 { (t.esr_br_heading) }
            ul.hint { @for (name, hint) in TEMPLATES { li { strong { (t.get(name)) } ": " (t.get(hint)) } } }
            div.table-wrap {
                table.score-card {
                    thead { tr { th scope="col" { (t.esr_issue) } @for (name, _) in TEMPLATES { th scope="col" { (t.get(name)) " (0–5)" } } } }
                    tbody {
                        @for issue in &ISSUES {
                            tr {
                                th scope="row" { (t.get(issue.label)) }
                                @for (i, (tname, _)) in TEMPLATES.iter().enumerate() {
                                    (score_cell(ctx, issue.fields[i], &format!("{}: {}", t.get(issue.label), t.get(tname)), &value(issue.fields[i]), errors))
                                }
                            }
                        }
                    }
                }
            }
            h2 { (t.esr_economic_heading) }
            p.hint { (t.esr_econ_scale) }
            div.table-wrap {
                table.score-card {
                    thead { tr { th scope="col" { (t.esr_parameter) } th scope="col" { (t.esr_score) " (0–5)" } } }
                    tbody {
                        @for p in &ECONOMIC {
                            tr {
                                th scope="row" { (t.get(p.label)) br; span.hint { (t.get(p.hint)) } }
                                (score_cell(ctx, p.field, t.get(p.label), &value(p.field), errors))
                            }
                        }
                    }
                }
            }
            (textarea(ctx, "note", t.esr_note, &input_.note, None, 3, errors))
            div.actions {
                button.secondary type="submit" name="action" value="draft" { (t.esr_save_draft) } " "
                button.primary type="submit" name="action" value="submit" { (t.esr_submit) }
            }
        }
    })
}

/// The working of Tables 2.7-2.9 for a card.
pub fn working(ctx: &Ctx, card: &Card) -> Markup {
    let t = ctx.t();
    let (s, w) = (&card.scores, &card.working);
    let factors = [
        (t.esr_factor_existence, w.existence),
        (t.esr_factor_intensity, w.diversity),
        (t.esr_factor_engagement, w.engagement),
        (t.esr_factor_economic, w.economic),
    ];
    html! {
        section aria-labelledby="br-h" {
            h2 #br-h { (t.esr_br_heading) }
            div.table-wrap {
                table.score-card {
                    thead { tr { th scope="col" { (t.esr_issue) } @for (name, _) in TEMPLATES { th scope="col" { (t.get(name)) } } } }
                    tbody {
                        @for (i, issue) in ISSUES.iter().enumerate() {
                            tr { th scope="row" { (t.get(issue.label)) } @for score in s.of_issue(i) { td.num { (score) } } }
                        }
                    }
                    tfoot {
                        tr { th scope="row" { (t.esr_total) " (" (t.esr_max) " 35)" } td.num { (w.existence_total) } td.num { (w.diversity_total) } td.num { (w.efforts_total) } }
                        tr { th scope="row" { (t.esr_average) } td.num { (two_places(w.existence)) } td.num { (two_places(w.diversity)) } td.num { "–" } }
                        tr { th scope="row" { (t.esr_inverse) } td {} td {} td.num { @match w.efforts_inverse { Some(x) => (format!("{x:.3}")), None => "–" } } }
                        tr { th scope="row" { (t.esr_engagement_scaled) } td {} td {} td.num { (two_places(w.engagement)) } }
                    }
                }
            }
        }
        section aria-labelledby="econ-h" {
            h2 #econ-h { (t.esr_economic_heading) }
            div.table-wrap {
                table.score-card {
                    thead { tr { th scope="col" { (t.esr_parameter) } th scope="col" { (t.esr_score) } } }
                    tbody { @for (i, p) in ECONOMIC.iter().enumerate() { tr { th scope="row" { (t.get(p.label)) } td.num { (s.economic[i]) } } } }
                    tfoot {
                        tr { th scope="row" { (t.esr_total) " (" (t.esr_max) " 25)" } td.num { (w.economic_total) } }
                        tr { th scope="row" { (t.esr_econ_average) } td.num { (two_places(w.economic)) } }
                    }
                }
            }
        }
        section aria-labelledby="final-h" {
            h2 #final-h { (t.esr_final_heading) }
            div.table-wrap {
                table.score-card {
                    thead { tr { th scope="col" { (t.esr_factor) } th scope="col" { (t.esr_score) } th scope="col" { (t.esr_max_score) } th scope="col" { (t.esr_weight) } th scope="col" { (t.esr_weighted) } th scope="col" { (t.esr_max_weighted) } } }
                    tbody {
                        @for (i, (label, score)) in factors.iter().enumerate() {
                            tr {
                                th scope="row" { (label) }
                                td.num { (two_places(*score)) }
                                td.num { (MAX_SCORE) }
                                td.num { (WEIGHTS[i]) }
                                td.num { (two_places(w.weighted[i])) }
                                td.num { (two_places(f64::from(MAX_SCORE) * f64::from(WEIGHTS[i]) / 100.0)) }
                            }
                        }
                    }
                    tfoot { tr { th scope="row" { (t.esr_consolidated) } td {} td {} td.num { "100" } td.num { strong { (two_places(w.total)) } } td.num { "5.00" } } }
                }
            }
        }
    }
}

pub fn card_page(ctx: &Ctx, v: &CardView, flash: Option<&str>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let card = &v.card.card;
    let title = t.fmt("esr-card-heading", &[("cluster", v.cluster.title.as_str().into()), ("date", assessed(ctx, &card.assessed_on).into())]);
    let path = card_path(&v.cluster.slug, card.id);
    layout(ctx, &title, html! {
        (cluster_crumbs(ctx, &v.cluster))
        @if let Some(f) = flash { (notice(f)) }
        h1 { (title) }
        p.meta {
            (card_status(ctx, card.status))
            " · " (crate::vocab::state_label(&card.state, hindi(ctx)))
            @if let Some(a) = &v.author { " · " (a) }
            " · " (when(ctx, &card.updated_at))
            @if let (Some(r), Some(at)) = (&v.reviewer, card.reviewed_at) { " · " (t.esr_reviewed_by) " " (r) ", " (when(ctx, &at)) }
        }
        @if card.status != Status::Published { p.note { (t.esr_only_approved) } }
        @if !card.comment.is_empty() { div.note { p { strong { (t.esr_returned_said) } } p { (card.comment) } } }
        @if !card.note.is_empty() { p { strong { (t.esr_note) ": " } (card.note) } }
        @if v.may_edit { p { a.button href={ (path) "/edit" } { (t.registry_edit) } } }
        p.consolidated { (t.esr_consolidated) ": " strong { (two_places(v.card.working.total)) } " / 5.00" }
        (working(ctx, &v.card))
        @if v.may_review { (super::review_form(ctx, &path, card.lock_version, t.registry_approve, errors)) }
    })
}

/// The ranking per state and per sector.
fn ranking(ctx: &Ctx, entries: &[Entry], id_prefix: &str) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let table = |caption: &str, rows: &[(usize, &Entry)], other: &dyn Fn(&Entry) -> String| html! {
        div.table-wrap {
            table {
                caption { (caption) }
                thead { tr { th scope="col" { (t.esr_rank) } th scope="col" { (t.esr_cluster) } th scope="col" { (t.esr_where) } th scope="col" { (t.esr_assessed_on) } th scope="col" { (t.esr_consolidated) } } }
                tbody {
                    @for (rank, e) in rows {
                        tr {
                            td.num { (rank) }
                            th scope="row" { a href=(card_path(&e.cluster, e.card)) { (e.title) } }
                            td { (other(e)) }
                            td { (assessed(ctx, &e.assessed_on)) }
                            td.num { (two_places(e.total)) }
                        }
                    }
                }
            }
        }
    };
    html! {
        section aria-labelledby={ (id_prefix) "-state-h" } {
            h3 id={ (id_prefix) "-state-h" } { (t.esr_per_state) }
            @for (state, rows) in ranked_by(entries, |e| &e.state) {
                (table(crate::vocab::state_label(&state, h), &rows, &|e: &Entry| e.sector.clone()))
            }
        }
        section aria-labelledby={ (id_prefix) "-sector-h" } {
            h3 id={ (id_prefix) "-sector-h" } { (t.esr_per_sector) }
            @for (sector, rows) in ranked_by(entries, |e| &e.sector) {
                (table(&sector, &rows, &|e: &Entry| crate::vocab::state_label(&e.state, h).to_string()))
            }
        }
    }
}

fn short_list_path(id: i64) -> String {
    format!("{}/{id}", SHORT_LISTS)
}

pub fn short_lists(ctx: &Ctx, sl: &ShortLists, flash: Option<&str>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.esr_short_lists_title, html! {
        (crumbs(ctx, None))
        @if let Some(f) = flash { (notice(f)) }
        h1 { (t.esr_short_lists_title) }
        p { (t.esr_short_lists_intro) }
        @if !sl.waiting.is_empty() {
            section aria-labelledby="waiting-h" {
                h2 #waiting-h { @if sl.is_reviewer { (t.esr_waiting) } @else { (t.esr_mine) } " (" (sl.waiting.len()) ")" }
                ul {
                    @for (card, slug, title) in &sl.waiting {
                        li { a href=(card_path(slug, card.id)) { (title) ": " (assessed(ctx, &card.assessed_on)) } " · " (card_status(ctx, card.status)) }
                    }
                }
            }
        }
        section aria-labelledby="published-h" {
            h2 #published-h { (t.esr_published_heading) }
            @if sl.published.is_empty() { p { (t.esr_none_published) } }
            ul {
                @for l in &sl.published {
                    li {
                        a href=(short_list_path(l.id)) { (t.fmt("esr-short-list-heading", &[("number", l.id.into()), ("date", super::day(ctx, l.published_at))])) }
                        " · " a href={ (short_list_path(l.id)) ".csv" } download { (t.esr_download_csv) }
                        " · " a href={ (short_list_path(l.id)) ".json" } { (t.esr_download_json) }
                        @if !l.note.is_empty() { " · " (l.note) }
                    }
                }
            }
        }
        section aria-labelledby="current-h" {
            h2 #current-h { (t.esr_ranking_heading) }
            p.hint { (t.esr_only_approved) }
            @if sl.current.is_empty() { p { (t.esr_none_ranked) } } @else { (ranking(ctx, &sl.current, "current")) }
        }
        @if sl.is_reviewer {
            section aria-labelledby="publish-h" {
                h2 #publish-h { (t.esr_publish) }
                (error_summary(ctx, errors))
                form method="post" action=(SHORT_LISTS) {
                    (csrf_field(ctx))
                    (input(ctx, Field::new("note", t.esr_publish_note, ""), errors))
                    button.primary type="submit" { (t.esr_publish) }
                }
            }
        }
    })
}

pub fn short_list(ctx: &Ctx, list: &ShortList, entries: &[Entry]) -> Markup {
    let t = ctx.t();
    let title = t.fmt("esr-short-list-heading", &[("number", list.id.into()), ("date", super::day(ctx, list.published_at))]);
    layout(ctx, &title, html! {
        (crumbs(ctx, None))
        p.crumbs { a href=(SHORT_LISTS) { (t.esr_short_lists_title) } }
        h1 { (title) }
        @if !list.note.is_empty() { p { (list.note) } }
        p { a href={ (short_list_path(list.id)) ".csv" } download { (t.esr_download_csv) } " · " a href={ (short_list_path(list.id)) ".json" } { (t.esr_download_json) } }
        (ranking(ctx, entries, "list"))
    })
}
