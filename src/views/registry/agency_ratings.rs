//! Implementing agencies: the ratings on an agency's page (Table 2.10 with the working), the
//! rating form, the latest score in lists, and members' requests to register an agency.

use maud::{html, Markup};

use super::{crumbs, day, record_link};
use crate::error::FieldErrors;
use crate::models::agency_rating::RequestStatus;
use crate::models::registry::Record;
use crate::paths;
use crate::services::registry::agency_ratings::{self as ar, AgencyRatings, Latest, RatingForm, RequestView, Requests, Working};
use crate::services::registry::{Filters, Kind, Values, Vocabs};
use crate::views::{csrf_field, error_summary, input, layout, notice, textarea, Ctx, Field};

const REQUESTS: &str = "/registry/agency-requests";

fn rate_path(slug: &str) -> String {
    format!("{}/rate", paths::registry_record(Kind::Agency.plural(), slug))
}

/// "62/100", with the flag when the rating is due for review.
pub fn score(ctx: &Ctx, l: &Latest) -> Markup {
    let t = ctx.t();
    html! {
        span.rating { (t.fmt("rating-score", &[("total", l.total.into())])) }
        @if l.stale { " " span.flag title=(t.rating_stale) { span aria-hidden="true" { "⚠" } span.visually-hidden { (t.rating_stale) } } }
    }
}

/// The agency list's sort and minimum-rating controls.
pub fn list_controls(ctx: &Ctx, filters: &Filters) -> Markup {
    let t = ctx.t();
    let base = paths::registry_list(Kind::Agency.plural());
    html! {
        (input(ctx, Field::new("min_rating", t.rating_min, &filters.min_rating).kind("number").hint(t.rating_min_hint), &FieldErrors::new()))
        @if filters.sort == "rating" { input type="hidden" name="sort" value="rating"; }
        p.meta {
            @if filters.sort == "rating" {
                a href={ (base) "?" (filters.query_with("sort", "")) } { (t.rating_sort_title) }
            } @else {
                a href={ (base) "?" (filters.query_with("sort", "rating")) } { (t.rating_sort) }
            }
        }
    }
}

fn working_table(ctx: &Ctx, w: &Working, caption: &str) -> Markup {
    let t = ctx.t();
    html! {
        table.rating-working {
            caption { (caption) }
            thead { tr { th scope="col" { (t.rating_criterion) } th scope="col" { (t.rating_points) } } }
            @for (g, rows, sum) in &w.groups {
                tbody {
                    tr.group { th scope="rowgroup" { (t.get(g.label)) } td { (t.fmt("rating-of", &[("points", (*sum).into()), ("max", g.max.into())])) } }
                    @for (c, points) in rows {
                        tr { th scope="row" { (t.get(c.label)) } td { (t.fmt("rating-of", &[("points", (*points).into()), ("max", c.max.into())])) } }
                    }
                }
            }
            tfoot { tr { th scope="row" { (t.rating_total) } td { strong { (t.fmt("rating-of", &[("points", w.total.into()), ("max", ar::TOTAL.into())])) } } } }
        }
    }
}

/// The ratings section of an agency's page: the latest score, and every rating, newest first,
/// with who rated and the working.
pub fn section(ctx: &Ctx, r: &Record, a: &AgencyRatings) -> Markup {
    let t = ctx.t();
    html! {
        section.agency-ratings aria-labelledby="ratings-h" {
            h2 #ratings-h { (t.rating_title) }
            @match &a.latest {
                Some(l) => {
                    p.latest-rating {
                        (t.fmt("rating-latest", &[("total", l.total.into()), ("date", day(ctx, l.rated_on))]))
                    }
                    @if l.stale { p.note role="status" { (t.fmt("rating-stale-note", &[("days", a.review_days.into())])) } }
                }
                None => { p { (t.rating_none) } }
            }
            @if a.may_rate { p { a.button href=(rate_path(&r.slug)) { (t.rating_rate) } } }
            @for (i, past) in a.history.iter().enumerate() {
                details open[i == 0] {
                    summary {
                        (t.fmt("rating-of", &[("points", past.rating.total.into()), ("max", ar::TOTAL.into())]))
                        " · " (crate::views::dates::day_text(ctx.lang, past.rating.rated_on.date()))
                        @if let Some(by) = &past.rated_by { " · " (by) }
                    }
                    (working_table(ctx, &past.working, &t.fmt("rating-working-caption", &[("date", day(ctx, past.rating.rated_on))])))
                    @if !past.rating.note.is_empty() { p.note { (past.rating.note) } }
                }
            }
            p.meta { (t.rating_source) }
        }
    }
}

/// The focal point's rating form: one number per criterion with its scoring pattern.
pub fn rate_form(ctx: &Ctx, rec: &Record, form: &RatingForm, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let title = t.fmt("rating-form-title", &[("name", rec.title.as_str().into())]);
    layout(ctx, &title, html! {
        (crumbs(ctx, Some(Kind::Agency)))
        h1 { (title) }
        p { (record_link(rec)) }
        p { (t.rating_form_intro) }
        (error_summary(ctx, errors))
        form method="post" action=(rate_path(&rec.slug)) novalidate {
            (csrf_field(ctx))
            @for g in ar::TABLE {
                fieldset {
                    legend { (t.get(g.label)) " (" (g.max) ")" }
                    @for c in g.criteria {
                        @let hint = c.items.iter().map(|i| t.fmt("rating-item", &[("item", t.get(i.label).into()), ("points", i.points.into())])).collect::<Vec<_>>().join("; ");
                        @let label = t.fmt("rating-criterion-label", &[("criterion", t.get(c.label).into()), ("max", c.max.into())]);
                        (input(ctx, Field::new(c.field, &label, form.scores.get(c.field).map(String::as_str).unwrap_or("")).kind("number").hint(&hint), errors))
                    }
                }
            }
            (input(ctx, Field::new("rated_on", t.rating_date, &form.rated_on).kind("date").hint(t.rating_date_hint), errors))
            (textarea(ctx, "note", t.rating_note, &form.note, None, 3, errors))
            button type="submit" { (t.rating_save) }
        }
    })
}

fn request_status(ctx: &Ctx, s: RequestStatus) -> &'static str {
    let t = ctx.t();
    match s {
        RequestStatus::Pending => t.agency_request_pending,
        RequestStatus::Approved => t.agency_request_approved,
        RequestStatus::Declined => t.agency_request_declined,
    }
}

/// A member's requests, and the requests waiting for this focal point.
pub fn agency_requests(ctx: &Ctx, r: &Requests, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    layout(ctx, t.agency_requests_title, html! {
        (crumbs(ctx, Some(Kind::Agency)))
        @if let Some(f) = flash { (notice(f)) }
        h1 { (t.agency_requests_title) }
        p { (t.agency_requests_intro) " " a.button href={ (REQUESTS) "/new" } { (t.agency_request_new) } }
        @if !r.to_decide.is_empty() {
            section aria-labelledby="decide-h" {
                h2 #decide-h { (t.agency_requests_to_decide) }
                ul { @for (q, by) in &r.to_decide { li { a href={ (REQUESTS) "/" (q.id) } { (q.name) } " · " (crate::vocab::state_label(&q.state, ctx.lang == crate::views::Lang::Hi)) " · " (by) } } }
            }
        }
        section aria-labelledby="mine-h" {
            h2 #mine-h { (t.agency_requests_mine) }
            @if r.mine.is_empty() { p { (t.agency_requests_none) } }
            ul {
                @for q in &r.mine {
                    li {
                        a href={ (REQUESTS) "/" (q.id) } { (q.name) } " · " (request_status(ctx, q.status))
                        @if q.status == RequestStatus::Declined && !q.reason.is_empty() { " · " (q.reason) }
                    }
                }
            }
        }
    })
}

/// The member's form: the registry's fields of an agency.
pub fn agency_request_form(ctx: &Ctx, existing: &str, values: &Values, vocabs: &Vocabs, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    layout(ctx, t.agency_request_new, html! {
        (crumbs(ctx, Some(Kind::Agency)))
        h1 { (t.agency_request_new) }
        p { (t.agency_request_intro) }
        (error_summary(ctx, errors))
        form method="post" action={ (REQUESTS) "/new" } novalidate {
            (csrf_field(ctx))
            (input(ctx, Field::new("agency", t.agency_request_existing, existing).hint(t.agency_request_existing_hint), errors))
            @for spec in ar::request_fields() {
                (super::forms::form_field(ctx, spec, values.get(spec.name).map(String::as_str).unwrap_or(""), errors, vocabs, None, None))
            }
            button type="submit" { (t.agency_request_send) }
        }
    })
}

/// One request: what the member gave, its status and reason, and the decision form.
pub fn agency_request(ctx: &Ctx, v: &RequestView, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let q = &v.request;
    layout(ctx, &q.name, html! {
        (crumbs(ctx, Some(Kind::Agency)))
        p.crumbs { a href=(REQUESTS) { (t.agency_requests_title) } }
        h1 { (q.name) }
        p.meta { (t.fmt("agency-request-by", &[("name", v.requested_by.as_str().into()), ("date", day(ctx, q.created_at))])) " · " (request_status(ctx, q.status)) }
        @if let Some(a) = &v.agency { p { (t.agency_request_agency) ": " (record_link(a)) } }
        @if !q.reason.is_empty() { p.note { strong { (t.agency_request_reason) ": " } (q.reason) } }
        dl.record {
            @for spec in ar::request_fields() {
                @if let Some(value) = v.values.get(spec.name) {
                    dt { (t.get(spec.label)) }
                    dd { (super::show_value(ctx, Kind::Agency, spec, value, &v.vocabs)) }
                }
            }
        }
        @if v.may_decide {
            section aria-labelledby="decide-h" {
                h2 #decide-h { (t.agency_request_decide) }
                p { (t.agency_request_decide_intro) }
                (error_summary(ctx, errors))
                form method="post" action={ (REQUESTS) "/" (q.id) } novalidate {
                    (csrf_field(ctx))
                    (textarea(ctx, "reason", t.agency_request_reason, "", Some(t.agency_request_reason_hint), 3, errors))
                    button type="submit" name="decision" value="approve" { (t.agency_request_approve) }
                    " "
                    button.secondary type="submit" name="decision" value="decline" { (t.agency_request_decline) }
                }
            }
        }
    })
}
