//! Awards (issue 22): the cycles, a cycle with its published criteria and jury, the national
//! focal point's form to open one, nominating, a nomination with the juror's score sheet,
//! and the results linking each winning practice to its best-practice record.

use maud::{html, Markup};

use super::{crumbs, hindi};
use crate::error::FieldErrors;
use crate::models::award::{Criterion, Cycle};
use crate::paths;
use crate::services::registry::awards::{two_places, CategoryResults, CycleInput, CycleView, NominationForm, NominationInput, NominationRow, NominationView, Phase, RecordAward, CATEGORIES, POINT_FIELDS, REMARK_FIELDS};
use crate::views::dates::day_text;
use crate::views::{csrf_field, error_summary, input, layout, notice, select, textarea, Ctx, Field};

/// A day stored as YYYY-MM-DD, in the reader's language.
fn day(ctx: &Ctx, d: &str) -> String {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map(|d| day_text(ctx.lang, d)).unwrap_or_else(|_| d.to_string())
}

fn awards_crumbs(ctx: &Ctx, cycle: Option<&Cycle>) -> Markup {
    html! {
        (crumbs(ctx, None))
        p.crumbs {
            a href=(paths::AWARDS) { (ctx.t().fmt("award-cycles-title", &[])) }
            @if let Some(c) = cycle { " · " a href=(paths::award_cycle(c.id)) { (c.title) } }
        }
    }
}

fn phase_text(ctx: &Ctx, p: Phase) -> String {
    ctx.t().fmt(p.key(), &[])
}

fn record_link(r: &crate::models::registry::Record) -> Markup {
    html! { a href=(paths::registry_record_of(&r.kind, &r.slug)) { (r.title) } }
}

pub fn cycles(ctx: &Ctx, list: &[(Cycle, Phase)], may_open: bool) -> Markup {
    let t = ctx.t();
    let title = t.fmt("award-cycles-title", &[]);
    layout(ctx, &title, html! {
        (crumbs(ctx, None))
        h1 { (title) }
        p { (t.fmt("award-intro", &[])) }
        @if may_open { p { a.button href={ (paths::AWARDS) "/new" } { (t.fmt("award-open-cycle", &[])) } } }
        @if list.is_empty() {
            p { (t.fmt("award-cycles-none", &[])) }
        } @else {
            ul {
                @for (c, p) in list {
                    li {
                        a href=(paths::award_cycle(c.id)) { (c.title) } " (" (c.year) ") · " (phase_text(ctx, *p))
                        @if *p == Phase::Published { " · " a href=(paths::award_results(c.id)) { (t.fmt("award-results-title", &[])) } }
                    }
                }
            }
        }
    })
}

/// The form to open a cycle, or (with its number) to edit one before scoring opens, when
/// its categories and jury stay as they are.
pub fn cycle_form(ctx: &Ctx, i: &CycleInput, errors: &FieldErrors, edit: Option<i64>) -> Markup {
    let t = ctx.t();
    let title = t.fmt(if edit.is_some() { "award-edit-cycle" } else { "award-open-cycle" }, &[]);
    let action = match edit {
        Some(id) => format!("{}/edit", paths::award_cycle(id)),
        None => format!("{}/new", paths::AWARDS),
    };
    let (year, name, descr) = (t.fmt("award-year", &[]), t.fmt("award-title", &[]), t.fmt("award-description", &[]));
    let (open, close, jury) = (t.fmt("award-nominations-open", &[]), t.fmt("award-nominations-close", &[]), t.fmt("award-jury-close", &[]));
    let (criteria, criteria_hint, jurors, jurors_hint) = (t.fmt("award-criteria", &[]), t.fmt("award-criteria-hint", &[]), t.fmt("award-jurors", &[]), t.fmt("award-jurors-hint", &[]));
    let cat_error = errors.get("categories").map(|m| t.msg(m));
    layout(ctx, &title, html! {
        (awards_crumbs(ctx, None))
        h1 { (title) }
        (error_summary(ctx, errors))
        @if edit.is_some() { p.hint { (t.fmt("award-edit-hint", &[])) } }
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("year", &year, &i.year).required(), errors))
            (input(ctx, Field::new("title", &name, &i.title).required(), errors))
            (textarea(ctx, "description", &descr, &i.description, None, 3, errors))
            @if edit.is_none() {
            fieldset.field.checks.has-error[cat_error.is_some()] id="categories" {
                legend { (t.fmt("award-categories", &[])) }
                @if let Some(e) = &cat_error { p.error { (e) } }
                @for c in CATEGORIES {
                    label.check { input type="checkbox" name="categories" value=(c.code) checked[i.categories.iter().any(|x| x == c.code)]; " " (t.get(c.label)) }
                }
            }
            }
            (input(ctx, Field::new("nominations_open", &open, &i.nominations_open).kind("date").required(), errors))
            (input(ctx, Field::new("nominations_close", &close, &i.nominations_close).kind("date").required(), errors))
            (input(ctx, Field::new("jury_close", &jury, &i.jury_close).kind("date").required(), errors))
            (textarea(ctx, "criteria", &criteria, &i.criteria, Some(&criteria_hint), 5, errors))
            @if edit.is_none() { (textarea(ctx, "jurors", &jurors, &i.jurors, Some(&jurors_hint), 4, errors)) }
            div.actions { button.primary type="submit" { (title) } }
        }
    })
}

/// The criteria as the public read them.
fn criteria_table(ctx: &Ctx, criteria: &[Criterion], max_total: i64) -> Markup {
    let t = ctx.t();
    html! {
        div.table-wrap {
            table {
                thead { tr { th scope="col" { (t.fmt("award-criterion", &[])) } th scope="col" { (t.fmt("award-criterion-description", &[])) } th scope="col" { (t.fmt("award-max-points", &[])) } } }
                tbody { @for c in criteria { tr { th scope="row" { (c.name) } td { (c.description) } td.num { (c.max_points) } } } }
                tfoot { tr { th scope="row" { (t.fmt("award-max-total", &[])) } td {} td.num { (max_total) } } }
            }
        }
    }
}

fn nominations_list(ctx: &Ctx, cycle: &Cycle, rows: &[NominationRow], scored: &[i64], juror: bool) -> Markup {
    let t = ctx.t();
    html! {
        ul {
            @for r in rows {
                li {
                    a href=(paths::award_nomination(cycle.id, r.nomination.id)) { (r.nominee.title) }
                    " · " (t.get(crate::services::registry::awards::category(&r.nomination.category).map(|c| c.label).unwrap_or("award-category-cluster")))
                    " · " (crate::vocab::state_label(&r.nominee.state, hindi(ctx)))
                    @if let Some(p) = &r.practice { " · " (t.fmt("award-rests-on", &[])) " " (record_link(p)) }
                    @if juror { " · " @if scored.contains(&r.nomination.id) { (t.fmt("award-scored", &[])) } @else { (t.fmt("award-not-scored", &[])) } }
                }
            }
        }
    }
}

/// The ranking of each category.
fn standings(ctx: &Ctx, cycle: &Cycle, results: &[CategoryResults], max_total: i64) -> Markup {
    let t = ctx.t();
    html! {
        @for cr in results {
            @let caption = t.get(cr.category.label);
            div.table-wrap {
                table {
                    caption { (caption) }
                    thead {
                        tr {
                            th scope="col" { (t.fmt("award-rank", &[])) }
                            th scope="col" { (t.fmt("award-nominee", &[])) }
                            th scope="col" { (t.fmt("award-practice", &[])) }
                            th scope="col" { (t.fmt("award-average", &[("max", max_total.into())])) }
                            th scope="col" { (t.fmt("award-jurors-scored", &[])) }
                            th scope="col" { (t.fmt("award-place", &[])) }
                        }
                    }
                    tbody {
                        @if cr.rows.is_empty() { tr { td colspan="6" { (t.fmt("award-nominations-none", &[])) } } }
                        @for (s, r) in &cr.rows {
                            tr {
                                td.num { @if let Some(rank) = s.rank { (rank) } @else { "–" } }
                                th scope="row" { (record_link(&r.nominee)) " " a href=(paths::award_nomination(cycle.id, r.nomination.id)) { "(" (t.fmt("award-nomination", &[])) ")" } }
                                td { @if let Some(p) = &r.practice { (record_link(p)) } @else { "–" } }
                                td.num { @if let Some(a) = s.average { (two_places(a)) } @else { "–" } }
                                td.num { (s.totals.len()) }
                                td { @if let Some(p) = s.place { strong { (t.fmt(p.key(), &[])) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn cycle(ctx: &Ctx, v: &CycleView, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    let c = &v.cycle;
    layout(ctx, &c.title, html! {
        (awards_crumbs(ctx, None))
        @if let Some(f) = flash { (notice(f)) }
        h1 { (c.title) " (" (c.year) ")" }
        p.meta { (phase_text(ctx, v.phase)) }
        @if !c.description.is_empty() { p { (c.description) } }
        dl {
            dt { (t.fmt("award-categories", &[])) } dd { @for (i, k) in v.categories.iter().enumerate() { @if i > 0 { ", " } (t.get(k.label)) } }
            dt { (t.fmt("award-nominations-open", &[])) } dd { (day(ctx, &c.nominations_open)) }
            dt { (t.fmt("award-nominations-close", &[])) } dd { (day(ctx, &c.nominations_close)) }
            dt { (t.fmt("award-jury-close", &[])) } dd { (day(ctx, &c.jury_close)) }
        }
        section aria-labelledby="criteria-h" {
            h2 #criteria-h { (t.fmt("award-criteria-heading", &[])) }
            (criteria_table(ctx, &v.criteria, v.max_total))
        }
        section aria-labelledby="jury-h" {
            h2 #jury-h { (t.fmt("award-jury-heading", &[])) }
            ul { @for (_, name) in &v.jurors { li { (name) } } }
        }
        section aria-labelledby="nominations-h" {
            h2 #nominations-h { (t.fmt("award-nominations-heading", &[])) }
            p {
                @for (i, k) in v.categories.iter().enumerate() {
                    @if i > 0 { " · " }
                    (t.get(k.label)) ": " (t.fmt("award-nomination-count", &[("count", v.counts.get(k.code).copied().unwrap_or(0).into())]))
                }
            }
            @if v.may_nominate { p { a.button href={ (paths::award_cycle(c.id)) "/nominate" } { (t.fmt("award-nominate", &[])) } } }
            @if v.may_edit { p { a.button href={ (paths::award_cycle(c.id)) "/edit" } { (t.fmt("award-edit-cycle", &[])) } } }
            @if v.phase != Phase::Published && !v.nominations.is_empty() { p.hint { (t.fmt("award-nominations-private", &[])) } }
            @if v.phase != Phase::Published || v.results.is_none() { (nominations_list(ctx, c, &v.nominations, &v.scored, v.is_juror)) }
        }
        @if let Some(results) = &v.results {
            section aria-labelledby="ranking-h" {
                @if v.phase == Phase::Published {
                    h2 #ranking-h { (t.fmt("award-results-title", &[])) }
                    p { a href=(paths::award_results(c.id)) { (t.fmt("award-results-page", &[])) } }
                } @else {
                    h2 #ranking-h { (t.fmt("award-ranking-provisional", &[])) }
                }
                (standings(ctx, c, results, v.max_total))
            }
        }
        @if v.is_reviewer && matches!(v.phase, Phase::Scoring | Phase::Deliberating) {
            section aria-labelledby="publish-h" {
                h2 #publish-h { (t.fmt("award-publish", &[])) }
                p { (t.fmt("award-publish-hint", &[])) }
                form method="post" action={ (paths::award_cycle(c.id)) "/publish" } {
                    (csrf_field(ctx))
                    button.primary type="submit" { (t.fmt("award-publish", &[])) }
                }
            }
        }
    })
}

pub fn nomination_form(ctx: &Ctx, f: &NominationForm, i: &NominationInput, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let title = format!("{}: {}", t.fmt("award-nominate", &[]), f.cycle.title);
    let h = hindi(ctx);
    let mut cats = vec![(String::new(), "—".to_string())];
    cats.extend(f.categories.iter().map(|c| (c.code.to_string(), t.get(c.label).to_string())));
    let mut nominees = vec![(String::new(), "—".to_string())];
    nominees.extend(f.nominees.iter().map(|r| (format!("{}:{}", r.kind, r.slug), format!("{}: {} ({})", t.get(crate::services::registry::Kind::from_code(&r.kind).map(|k| k.singular_key()).unwrap_or("registry-kind-cluster")), r.title, crate::vocab::state_label(&r.state, h)))));
    let mut practices = vec![(String::new(), "—".to_string())];
    practices.extend(f.practices.iter().map(|r| (r.slug.clone(), r.title.clone())));
    layout(ctx, &title, html! {
        (awards_crumbs(ctx, Some(&f.cycle)))
        h1 { (title) }
        p { (t.fmt("award-nominate-intro", &[])) }
        (error_summary(ctx, errors))
        form method="post" action={ (paths::award_cycle(f.cycle.id)) "/nominate" } novalidate {
            (csrf_field(ctx))
            (select(ctx, "category", &t.fmt("award-category", &[]), &cats, &i.category, errors))
            (select(ctx, "nominee", &t.fmt("award-nominee", &[]), &nominees, &i.nominee, errors))
            (select(ctx, "practice", &t.fmt("award-practice-optional", &[]), &practices, &i.practice, errors))
            (textarea(ctx, "statement", &t.fmt("award-statement", &[]), &i.statement, Some(&t.fmt("award-statement-hint", &[])), 6, errors))
            div.actions { button.primary type="submit" { (t.fmt("award-nominate", &[])) } }
        }
    })
}

/// A juror's declaration of a conflict of interest with the nomination at `path`.
fn conflict_form(ctx: &Ctx, path: &str) -> Markup {
    let t = ctx.t();
    html! {
        form method="post" action={ (path) "/conflict" } {
            (csrf_field(ctx))
            (input(ctx, Field::new("reason", &t.fmt("award-conflict-reason", &[]), ""), &FieldErrors::new()))
            button.secondary type="submit" { (t.fmt("award-declare-conflict", &[])) }
        }
    }
}

/// A nomination: what it says, the juror's score sheet or why they may not score it, and the
/// jurors' sheets once the results are out. `typed` is a sheet sent with mistakes.
pub fn nomination(ctx: &Ctx, v: &NominationView, typed: &[(String, String)], flash: Option<&str>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let n = &v.row.nomination;
    let path = paths::award_nomination(v.cycle.id, n.id);
    let title = t.fmt("award-nomination-heading", &[("nominee", v.row.nominee.title.as_str().into())]);
    let category = crate::services::registry::awards::category(&n.category).map(|c| t.get(c.label)).unwrap_or("");
    layout(ctx, &title, html! {
        (awards_crumbs(ctx, Some(&v.cycle)))
        @if let Some(f) = flash { (notice(f)) }
        h1 { (title) }
        p.meta {
            (category) " · " (crate::vocab::state_label(&n.state, hindi(ctx)))
            @if let Some(by) = &v.row.nominator { " · " (t.fmt("award-nominated-by", &[("name", by.as_str().into())])) }
            " · " (phase_text(ctx, v.phase))
        }
        p { (t.fmt("award-nominee", &[])) ": " (record_link(&v.row.nominee)) }
        @if let Some(p) = &v.row.practice { p { (t.fmt("award-rests-on", &[])) " " (record_link(p)) } }
        @if !n.place.is_empty() { p { strong { (t.fmt(&format!("award-place-{}", n.place), &[])) } } }
        section aria-labelledby="statement-h" {
            h2 #statement-h { (t.fmt("award-statement", &[])) }
            @for para in n.statement.split("\n\n") { p { (para) } }
        }
        @if v.may_withdraw {
            form.inline method="post" action={ (path) "/withdraw" } {
                (csrf_field(ctx))
                button type="submit" { (t.fmt("award-withdraw", &[])) }
                " " span.hint { (t.fmt("award-withdraw-hint", &[])) }
            }
        }
        @if v.is_juror {
            section aria-labelledby="score-h" {
                h2 #score-h { (t.fmt("award-your-score", &[])) }
                @match v.barred {
                    Some(why) => { p.note { (t.fmt(&format!("award-barred-{why}"), &[])) } }
                    None if v.may_score => {
                        (error_summary(ctx, errors))
                        form method="post" action={ (path) "/score" } novalidate {
                            (csrf_field(ctx))
                            div.table-wrap {
                                table {
                                    thead { tr { th scope="col" { (t.fmt("award-criterion", &[])) } th scope="col" { (t.fmt("award-points", &[])) } th scope="col" { (t.fmt("award-remark", &[])) } } }
                                    tbody {
                                        @for (i, c) in v.criteria.iter().enumerate().take(POINT_FIELDS.len()) {
                                            @let (pf, rf) = (POINT_FIELDS[i], REMARK_FIELDS[i]);
                                            @let (points, remark) = match typed.get(i) {
                                                Some((p, r)) => (p.clone(), r.clone()),
                                                None => v.mine.get(&c.id).map(|(p, r)| (p.to_string(), r.clone())).unwrap_or_default(),
                                            };
                                            @let perr = errors.get(pf).map(|m| t.msg(m));
                                            @let rerr = errors.get(rf).map(|m| t.msg(m));
                                            tr {
                                                th scope="row" { label for=(pf) { (c.name) " (0–" (c.max_points) ")" } @if !c.description.is_empty() { br; span.hint { (c.description) } } }
                                                td.has-error[perr.is_some()] {
                                                    @if let Some(e) = &perr { p.error id={ (pf) "-error" } { (e) } }
                                                    input id=(pf) name=(pf) type="number" min="0" max=(c.max_points) step="1" required inputmode="numeric" value=(points) aria-invalid=[perr.as_ref().map(|_| "true")];
                                                }
                                                td.has-error[rerr.is_some()] {
                                                    @if let Some(e) = &rerr { p.error { (e) } }
                                                    input id=(rf) name=(rf) type="text" value=(remark) aria-label={ (t.fmt("award-remark", &[])) ": " (c.name) };
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            div.actions { button.primary type="submit" { (t.fmt("award-save-score", &[])) } }
                        }
                        (conflict_form(ctx, &path))
                    }
                    None => {
                        p { (t.fmt("award-scoring-closed-note", &[])) }
                        @if v.phase != Phase::Published {
                            (conflict_form(ctx, &path))
                        }
                    }
                }
            }
        }
        @if !v.sheets.is_empty() {
            section aria-labelledby="sheets-h" {
                h2 #sheets-h { (t.fmt("award-sheets", &[])) }
                div.table-wrap {
                    table {
                        thead { tr { th scope="col" { (t.fmt("award-juror", &[])) } @for c in &v.criteria { th scope="col" { (c.name) } } th scope="col" { (t.fmt("award-total", &[])) } } }
                        tbody {
                            @for (name, scores) in &v.sheets {
                                tr {
                                    th scope="row" { (name) }
                                    @for c in &v.criteria {
                                        @let s = scores.iter().find(|s| s.criterion_id == c.id);
                                        td { @if let Some(s) = s { (s.points) @if !s.remark.is_empty() { br; span.hint { (s.remark) } } } @else { "–" } }
                                    }
                                    td.num { (scores.iter().map(|s| i64::from(s.points)).sum::<i64>()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

pub fn results(ctx: &Ctx, v: &CycleView, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    let c = &v.cycle;
    let title = format!("{}: {}", t.fmt("award-results-title", &[]), c.title);
    let base = paths::award_results(c.id);
    layout(ctx, &title, html! {
        (awards_crumbs(ctx, Some(c)))
        @if let Some(f) = flash { (notice(f)) }
        h1 { (title) }
        p { a href={ (base) ".csv" } download { (t.fmt("award-download-csv", &[])) } " · " a href={ (base) ".json" } { (t.fmt("award-download-json", &[])) } }
        @for cr in v.results.iter().flatten() {
            @let placed: Vec<_> = cr.rows.iter().filter(|(s, _)| s.place.is_some()).collect();
            @if !placed.is_empty() {
                section {
                    h2 { (t.get(cr.category.label)) }
                    ul {
                        @for (s, r) in placed {
                            li {
                                strong { (t.fmt(s.place.map(|p| p.key()).unwrap_or("award-place-none"), &[])) } ": " (record_link(&r.nominee))
                                @if let Some(p) = &r.practice { " — " (t.fmt("award-winning-practice", &[])) " " (record_link(p)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="all-h" {
            h2 #all-h { (t.fmt("award-full-ranking", &[])) }
            (standings(ctx, c, v.results.as_deref().unwrap_or(&[]), v.max_total))
        }
        section aria-labelledby="criteria-h" {
            h2 #criteria-h { (t.fmt("award-criteria-heading", &[])) }
            (criteria_table(ctx, &v.criteria, v.max_total))
        }
    })
}

/// Awards a registry record holds, for its page.
pub fn record_awards(ctx: &Ctx, awards: &[RecordAward]) -> Markup {
    let t = ctx.t();
    html! {
        @if !awards.is_empty() {
            section aria-labelledby="awards-h" {
                h2 #awards-h { (t.fmt("award-record-heading", &[])) }
                ul {
                    @for a in awards {
                        li {
                            strong { (t.fmt(a.place.key(), &[])) } ", " (t.get(a.category)) ": "
                            a href=(paths::award_results(a.cycle_id)) { (a.title) " (" (a.year) ")" }
                            " — " (a.nominee)
                        }
                    }
                }
            }
        }
    }
}
