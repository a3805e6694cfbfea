//! Indicators over time and cluster ratings: an initiative's indicators as small line charts
//! with the table of every value beside each; the form to enter a value; the import of
//! `indicator_values.csv`; a cluster's rating history and the national table of ratings.
//! Each chart is an svg named by its `<title>` (svg keeps its own role, as the registry's map
//! does); the table beside it carries every number.

use maud::{html, Markup};

use super::crumbs;
use crate::error::FieldErrors;
use crate::models::series::Component;
use crate::paths;
use crate::services::registry::import::Report;
use crate::services::registry::ratings::{score_field, History, National, RatingForm};
use crate::services::registry::series::{EntryView, Series, ValueForm};
use crate::services::registry::Kind;
use crate::views::charts::{num, scale};
use crate::views::dates::day_text;
use crate::views::{csrf_field, error_summary, input, layout, notice, select, textarea, Ctx, Field, Lang};

/// The chart's plot area inside its 360 × 150 viewBox.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 350.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 112.0;

fn shown_number(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn with_unit(v: f64, unit: &str) -> String {
    if unit.is_empty() { shown_number(v) } else { format!("{} {unit}", shown_number(v)) }
}

/// Where each point of a series goes: days since the first date across, value up, on a scale
/// from the lower of zero and the least value to the greatest.
fn coordinates(s: &Series) -> (Vec<(f64, f64)>, f64, f64) {
    let Some(first) = s.points.first() else { return (Vec::new(), 0.0, 0.0) };
    let span = s.points.last().map(|l| (l.date - first.date).num_days() as f64).unwrap_or(0.0);
    let lo = s.points.iter().map(|p| p.value).fold(0.0_f64, f64::min);
    let hi = s.points.iter().map(|p| p.value).fold(f64::MIN, f64::max).max(lo);
    let at = s
        .points
        .iter()
        .map(|p| {
            let days = (p.date - first.date).num_days() as f64;
            let x = if span > 0.0 { LEFT + scale(days, span, RIGHT - LEFT) } else { (LEFT + RIGHT) / 2.0 };
            (x, BOTTOM - scale(p.value - lo, hi - lo, BOTTOM - TOP))
        })
        .collect();
    (at, lo, hi)
}

/// One indicator: its line chart and the table of its values, side by side.
pub fn series_chart(ctx: &Ctx, n: usize, s: &Series) -> Markup {
    let t = ctx.t();
    let id = format!("series-{n}");
    let (at, lo, hi) = coordinates(s);
    let points: String = at.iter().map(|(x, y)| format!("{},{}", num(*x), num(*y))).collect::<Vec<_>>().join(" ");
    let day = |d: chrono::NaiveDate| day_text(ctx.lang, d);
    html! {
        div.series {
            @if let (Some(first), Some(last)) = (s.points.first(), s.points.last()) {
                figure.series-chart {
                    svg.series viewBox="0 0 360 150" aria-labelledby={ (id) "-t" } {
                        title id={ (id) "-t" } {
                            (t.fmt("series-chart-label", &[
                                ("name", s.name.as_str().into()),
                                ("count", s.points.len().into()),
                                ("first", with_unit(first.value, &s.unit).into()),
                                ("from", day(first.date).into()),
                                ("last", with_unit(last.value, &s.unit).into()),
                                ("to", day(last.date).into()),
                            ]))
                        }
                        line.axis x1=(num(LEFT)) y1=(num(BOTTOM)) x2=(num(RIGHT)) y2=(num(BOTTOM)) {}
                        line.axis x1=(num(LEFT)) y1=(num(TOP)) x2=(num(LEFT)) y2=(num(BOTTOM)) {}
                        text.y x=(num(LEFT - 4.0)) y=(num(TOP + 4.0)) { (shown_number(hi)) }
                        text.y x=(num(LEFT - 4.0)) y=(num(BOTTOM)) { (shown_number(lo)) }
                        text.x x=(num(LEFT)) y="130" { (first.date.format("%Y-%m")) }
                        @if s.points.len() > 1 { text.x.end x=(num(RIGHT)) y="130" { (last.date.format("%Y-%m")) } }
                        @if !s.unit.is_empty() { text.unit x=(num(LEFT)) y="146" { (s.unit) } }
                        polyline points=(points) {}
                        @for (x, y) in &at { circle cx=(num(*x)) cy=(num(*y)) r="3" {} }
                    }
                }
            }
            div.table-wrap {
                table.series-data {
                    caption { (s.name) @if !s.unit.is_empty() { " (" (s.unit) ")" } }
                    thead { tr { th scope="col" { (t.series_date) } th scope="col" { (t.series_value) } th scope="col" { (t.series_source) } } }
                    tbody {
                        @for p in &s.points {
                            tr { td { time datetime=(p.date.format("%Y-%m-%d")) { (day(p.date)) } } td.num { (shown_number(p.value)) } td { (p.source) } }
                        }
                        @if s.points.is_empty() { tr { td colspan="3" { (t.series_none) } } }
                    }
                }
            }
        }
    }
}

/// The section of an initiative's page with its indicators over time.
pub fn section(ctx: &Ctx, slug: &str, series: &[Series], may_enter: bool) -> Markup {
    let t = ctx.t();
    html! {
        @if series.iter().any(|s| !s.points.is_empty()) || (may_enter && !series.is_empty()) {
            section.indicators-over-time aria-labelledby="series-h" {
                h2 #series-h { (t.series_heading) }
                @for (n, s) in series.iter().enumerate() { (series_chart(ctx, n + 1, s)) }
                @if may_enter { p { a.button href=(paths::registry_indicator_values(slug)) { (t.series_enter) } } }
                p.meta { a href=(paths::REGISTRY_INDICATOR_VALUES_CSV) { (t.series_download) } }
            }
        }
    }
}

/// The form to enter an indicator's value, above the series as they stand.
pub fn entry_form(ctx: &Ctx, e: &EntryView, form: &ValueForm, errors: &FieldErrors, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    let title = t.fmt("series-entry-title", &[("title", e.record.title.as_str().into())]);
    let options: Vec<(String, String)> = std::iter::once((String::new(), t.series_choose.to_string())).chain(e.names.iter().map(|n| (n.clone(), n.clone()))).collect();
    layout(ctx, &title, html! {
        (crumbs(ctx, Some(Kind::Initiative)))
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        p { a href=(paths::registry_record(Kind::Initiative.plural(), &e.record.slug)) { (e.record.title) } }
        @if e.names.is_empty() {
            p { (t.series_no_indicators) }
        } @else {
            p { (t.series_entry_intro) }
            (error_summary(ctx, errors))
            form method="post" action=(paths::registry_indicator_values(&e.record.slug)) {
                (csrf_field(ctx))
                (select(ctx, "indicator", t.series_indicator, &options, &form.indicator, errors))
                (input(ctx, Field::new("date", t.series_date, &form.date).kind("date").hint(t.series_date_hint).required(), errors))
                (input(ctx, Field::new("value", t.series_value, &form.value).hint(t.series_value_hint).required(), errors))
                (input(ctx, Field::new("source", t.series_source, &form.source).hint(t.series_source_hint).required(), errors))
                div.actions { button.primary type="submit" { (t.series_save) } }
            }
            p.meta { a href=(paths::REGISTRY_INDICATOR_VALUES_IMPORT) { (t.series_import_title) } }
        }
        @for (n, s) in e.series.iter().enumerate() { (series_chart(ctx, n + 1, s)) }
    })
}

/// The import of `indicator_values.csv`, with its report.
pub fn import_page(ctx: &Ctx, report: Option<&Report>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.series_import_title, html! {
        (crumbs(ctx, Some(Kind::Initiative)))
        h1 { (t.series_import_title) }
        p { (t.series_import_intro) }
        p.meta { a href=(paths::REGISTRY_INDICATOR_VALUES_CSV) { (t.series_download) } }
        @if let Some(r) = report { (super::forms::import_report(ctx, r)) }
        (error_summary(ctx, errors))
        form method="post" action=(paths::REGISTRY_INDICATOR_VALUES_IMPORT) enctype="multipart/form-data" {
            (csrf_field(ctx))
            div.field.has-error[errors.contains_key("file")] {
                label for="file" { (t.registry_file) }
                @if let Some(e) = errors.get("file") { p.error { (t.msg(e)) } }
                input #file type="file" name="file" accept=".csv,text/csv";
            }
            div.actions {
                button type="submit" name="mode" value="check" { (t.registry_check) }
                " "
                button.primary type="submit" name="mode" value="import" { (t.registry_do_import) }
            }
        }
    })
}

fn component_label<'a>(ctx: &Ctx, c: &'a Component) -> &'a str {
    if ctx.lang == Lang::Hi && !c.label_hi.is_empty() { &c.label_hi } else { &c.label }
}

fn iso_day(ctx: &Ctx, iso: &str) -> Markup {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => html! { time datetime=(iso) { (day_text(ctx.lang, d)) } },
        Err(_) => html! { (iso) },
    }
}

/// A cluster's ratings, newest first, and for the national focal point the form to rate it.
pub fn history(ctx: &Ctx, h: &History, form: &RatingForm, errors: &FieldErrors, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    let title = t.fmt("cluster-rating-history-title", &[("title", h.record.title.as_str().into())]);
    layout(ctx, &title, html! {
        (crumbs(ctx, Some(Kind::Cluster)))
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        p { a href=(paths::registry_record(Kind::Cluster.plural(), &h.record.slug)) { (h.record.title) } " · " a href=(paths::REGISTRY_RATINGS) { (t.cluster_rating_national_title) } }
        p { (t.cluster_rating_intro) }
        @if h.ratings.is_empty() {
            p { (t.cluster_rating_none) }
        } @else {
            div.table-wrap {
                table.ratings {
                    caption { (t.cluster_rating_history_caption) }
                    thead {
                        tr {
                            th scope="col" { (t.cluster_rating_date) }
                            @for c in &h.components { th scope="col" { (component_label(ctx, c)) } }
                            th scope="col" { (t.cluster_rating_total) }
                            th scope="col" { (t.cluster_rating_by) }
                        }
                    }
                    tbody {
                        @for r in &h.ratings {
                            tr {
                                th scope="row" { (iso_day(ctx, &r.rating.rated_on)) }
                                @for c in &h.components { td.num { @if let Some(s) = r.scores.get(&c.code) { (s) } } }
                                td.num { strong { (r.rating.total) } }
                                td { (r.rater.as_deref().unwrap_or(t.cluster_rating_by_seed)) @if !r.rating.note.is_empty() { br; span.meta { (r.rating.note) } } }
                            }
                        }
                    }
                }
            }
        }
        @if h.may_rate {
            section aria-labelledby="rate-h" {
                h2 #rate-h { (t.cluster_rating_add) }
                (error_summary(ctx, errors))
                form method="post" action=(paths::registry_cluster_ratings(&h.record.slug)) {
                    (csrf_field(ctx))
                    (input(ctx, Field::new("date", t.cluster_rating_date, &form.date).kind("date").required(), errors))
                    fieldset {
                        legend { (t.cluster_rating_scores) }
                        p.hint { (t.cluster_rating_scores_hint) }
                        @for c in &h.components {
                            @let name = score_field(&c.code);
                            @let value = form.scores.get(&c.code).map(String::as_str).unwrap_or("");
                            @let error = errors.iter().find(|(k, _)| **k == name).map(|(_, m)| t.msg(m));
                            div.field.has-error[error.is_some()] {
                                label for=(name) { (component_label(ctx, c)) " (0–" (c.max_score) ")" }
                                @if let Some(e) = &error { p.error id={ (name) "-error" } { (e) } }
                                input id=(name) name=(name) type="number" min="0" max=(c.max_score) step="1" value=(value) required
                                    aria-invalid=[error.as_ref().map(|_| "true")] aria-describedby=[error.as_ref().map(|_| format!("{name}-error"))];
                            }
                        }
                    }
                    (textarea(ctx, "note", t.cluster_rating_note, &form.note, None, 3, errors))
                    div.actions { button.primary type="submit" { (t.cluster_rating_save) } }
                }
            }
        }
    })
}

/// Every cluster's newest rating, sortable by each component (`?sort=code`).
pub fn national(ctx: &Ctx, n: &National) -> Markup {
    let t = ctx.t();
    let sort_link = |code: &str, label: &str| -> Markup {
        html! {
            @if n.sort == code { span aria-current="true" { (label) " ▼" } }
            @else { a href={ (paths::REGISTRY_RATINGS) "?sort=" (code) } { (label) } }
        }
    };
    layout(ctx, t.cluster_rating_national_title, html! {
        (crumbs(ctx, Some(Kind::Cluster)))
        h1 { (t.cluster_rating_national_title) }
        p { (t.cluster_rating_intro) }
        p.meta { a href={ (paths::REGISTRY_RATINGS) ".csv?sort=" (n.sort) } { (t.cluster_rating_download) } }
        @if n.rows.is_empty() {
            p { (t.cluster_rating_none) }
        } @else {
            div.table-wrap {
                table.ratings {
                    caption { (t.cluster_rating_national_caption) }
                    thead {
                        tr {
                            th scope="col" { (sort_link("cluster", t.cluster_rating_cluster)) }
                            th scope="col" { (t.cluster_rating_date) }
                            @for c in &n.components { th scope="col" aria-sort=[(n.sort == c.code).then_some("descending")] { (sort_link(&c.code, component_label(ctx, c))) } }
                            th scope="col" aria-sort=[(n.sort == "total").then_some("descending")] { (sort_link("total", t.cluster_rating_total)) }
                        }
                    }
                    tbody {
                        @for r in &n.rows {
                            tr {
                                th scope="row" { a href=(paths::registry_cluster_ratings(&r.slug)) { (r.title) } br; span.meta { (crate::vocab::state_label(&r.state, ctx.lang == Lang::Hi)) } }
                                td { (iso_day(ctx, &r.rated.rating.rated_on)) }
                                @for c in &n.components { td.num { @if let Some(s) = r.rated.scores.get(&c.code) { (s) } } }
                                td.num { strong { (r.rated.rating.total) } }
                            }
                        }
                    }
                }
            }
        }
    })
}
