//! The funding clearing house: its front page, the lists of offers and proposals, the posting
//! forms, a post's page with its matches and the focal point's decision, and the national
//! picture.

use maud::{html, Markup};

use super::{crumbs, hindi};
use crate::error::FieldErrors;
use crate::models::funding::{FundingPost, Kind, Status};
use crate::models::list;
use crate::paths;
use crate::services::registry::funding::{is_open, plural, Choices, Filter, Hub, Listing, Picture, PostForm, PostView, Score, Totals, BUDGET_POINTS, SCHEME_POINTS, SECTOR_POINTS, STATE_POINTS};
use crate::services::registry::Vocabs;
use crate::views::{csrf_field, error_summary, input, layout, notice, select, textarea, Ctx, Field};

/// Rupees with Indian grouping: ₹5,00,000.
pub fn rupees(n: i64) -> String {
    let digits = n.abs().to_string();
    let (head, tail) = digits.split_at(digits.len().saturating_sub(3));
    let mut groups = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        let (a, b) = rest.split_at(rest.len() - 2);
        groups.insert(0, b);
        rest = a;
    }
    if !rest.is_empty() {
        groups.insert(0, rest);
    }
    groups.push(tail);
    format!("{}₹{}", if n < 0 { "-" } else { "" }, groups.join(","))
}

fn kind_title(ctx: &Ctx, kind: Kind) -> &'static str {
    ctx.t().get(match kind {
        Kind::Offer => "funding-offers",
        Kind::Proposal => "funding-proposals",
    })
}

fn status_label(ctx: &Ctx, s: Status) -> &'static str {
    ctx.t().get(match s {
        Status::Submitted => "funding-status-submitted",
        Status::Published => "funding-status-published",
        Status::Returned => "funding-status-returned",
    })
}

fn labels(ctx: &Ctx, vocabs: &Vocabs, vocab: &str, stored: &str) -> String {
    list::decode(stored).map(|c| if vocab == "state" { crate::vocab::state_label(c, hindi(ctx)).to_string() } else { vocabs.label(vocab, c, hindi(ctx)) }).collect::<Vec<_>>().join(", ")
}

fn states_text(ctx: &Ctx, vocabs: &Vocabs, p: &FundingPost) -> String {
    if p.states.is_empty() { ctx.t().get("funding-all-states").to_string() } else { labels(ctx, vocabs, "state", &p.states) }
}

fn post_path(p: &FundingPost) -> String {
    paths::funding_post(plural(p.kind), p.id)
}

fn funding_crumbs(ctx: &Ctx) -> Markup {
    html! { (crumbs(ctx, None)) p.crumbs { a href=(paths::FUNDING) { (ctx.t().get("funding-title")) } } }
}

/// A post's line in a list: what, where, how much.
fn summary(ctx: &Ctx, vocabs: &Vocabs, p: &FundingPost, today: chrono::NaiveDate) -> Markup {
    let t = ctx.t();
    html! {
        a href=(post_path(p)) { (p.title) }
        p.meta {
            @match p.kind {
                Kind::Offer => { (p.funder) " · " (rupees(p.amount_min)) "–" (rupees(p.amount_max)) " · " (states_text(ctx, vocabs, p)) }
                Kind::Proposal => { (rupees(p.budget)) " · " (states_text(ctx, vocabs, p)) }
            }
            " · " (labels(ctx, vocabs, "sector", &p.sectors))
            @if !p.scheme.is_empty() { " · " (vocabs.label("scheme", &p.scheme, hindi(ctx))) }
            @if p.kind == Kind::Offer && !p.deadline.is_empty() { " · " (t.get("funding-field-deadline")) ": " (p.deadline) }
            @if p.closed_at.is_some() { " · " (t.get("funding-closed")) }
            @else if p.status != Status::Published { " · " (status_label(ctx, p.status)) }
            @else if p.kind == Kind::Offer && !is_open(p, today) { " · " (t.get("funding-closed")) }
        }
    }
}

pub fn hub(ctx: &Ctx, h: &Hub, signed_in: bool, done: &str) -> Markup {
    let t = ctx.t();
    let today = crate::models::now().date();
    let vocabs = &h.vocabs;
    layout(ctx, t.get("funding-title"), html! {
        (crumbs(ctx, None))
        h1 { (t.get("funding-title")) }
        p { (t.get("funding-intro")) }
        p.hint { (t.get("funding-rules")) }
        ul {
            li { a href=(paths::funding_list("offers")) { (t.get("funding-offers")) } }
            li { a href=(paths::funding_list("proposals")) { (t.get("funding-proposals")) } }
            @if h.is_national { li { a href=(paths::FUNDING_NATIONAL) { (t.get("funding-national-title")) } } }
        }
        @if signed_in {
            @if done == "returned" { (notice(t.get("funding-done-returned"))) }
            p { a.button href={ (paths::funding_list("offers")) "/new" } { (t.get("funding-new-offer")) } " " a.button href={ (paths::funding_list("proposals")) "/new" } { (t.get("funding-new-proposal")) } }
            @if !h.waiting.is_empty() {
                section aria-labelledby="waiting-h" {
                    h2 #waiting-h { (t.get("funding-waiting")) " (" (h.waiting.len()) ")" }
                    ul.threads { @for p in &h.waiting { li { (summary(ctx, vocabs, p, today)) } } }
                }
            }
            section aria-labelledby="mine-h" {
                h2 #mine-h { (t.get("funding-mine")) }
                @if h.mine.is_empty() { p { (t.get("funding-none")) } }
                ul.threads { @for p in &h.mine { li { (summary(ctx, vocabs, p, today)) } } }
            }
        }
    })
}

fn term_options(ctx: &Ctx, vocabs: &Vocabs, vocab: &str, any: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), any.to_string())).chain(vocabs.of(vocab).filter(|t| !t.retired).map(|t| (t.code.clone(), t.label_in(hindi(ctx)).to_string()))).collect()
}

pub fn list(ctx: &Ctx, l: &Listing, f: &Filter) -> Markup {
    let t = ctx.t();
    let base = paths::funding_list(plural(l.kind));
    let q = f.query();
    let suffix = if q.is_empty() { String::new() } else { format!("?{q}") };
    let none = FieldErrors::new();
    let any = t.get("funding-any");
    let title = kind_title(ctx, l.kind);
    layout(ctx, title, html! {
        (funding_crumbs(ctx))
        h1 { (title) " (" (l.posts.len()) ")" }
        div.registry-browse {
            form.filters #filters method="get" action=(base) aria-label=(t.get("funding-filter")) {
                (select(ctx, "state", t.get("funding-field-state"), &term_options(ctx, &l.vocabs, "state", any), &f.state, &none))
                (select(ctx, "sector", t.get("funding-field-sector"), &term_options(ctx, &l.vocabs, "sector", any), &f.sector, &none))
                (select(ctx, "scheme", t.get("funding-field-scheme"), &term_options(ctx, &l.vocabs, "scheme", any), &f.scheme, &none))
                @if l.kind == Kind::Offer {
                    div.field { label.check { input type="checkbox" name="open" value="1" checked[!f.open.is_empty()]; " " (t.get("funding-open-only")) } }
                }
                div.field { label.check { input type="checkbox" name="closed" value="1" checked[!f.closed.is_empty()]; " " (t.get("funding-show-closed")) } }
                button type="submit" { (t.get("funding-filter")) }
                " " a href=(base) { (t.registry_clear) }
            }
            div.results {
                p.meta {
                    (t.registry_export) ": "
                    a href={ (base) ".csv" (suffix) } { "CSV" } " · "
                    a href={ (base) ".json" (suffix) } { "JSON" } " · "
                    a href={ (base) "/new" } { (t.get(if l.kind == Kind::Offer { "funding-new-offer" } else { "funding-new-proposal" })) }
                }
                @if l.posts.is_empty() { p { (t.get("funding-none")) } }
                ul.threads { @for p in &l.posts { li { (summary(ctx, &l.vocabs, p, l.today)) } } }
            }
        }
    })
}

/// Checkboxes for the terms of a vocabulary, ticked as chosen.
fn checks(ctx: &Ctx, vocabs: &Vocabs, vocab: &str, name: &'static str, legend: &str, hint: Option<&str>, chosen: &[String], errors: &FieldErrors) -> Markup {
    html! {
        fieldset.field.checks.has-error[errors.contains_key(name)] id=(name) {
            legend { (legend) }
            @if let Some(h) = hint { p.hint { (h) } }
            @if let Some(e) = errors.get(name) { p.error { (ctx.t().msg(e)) } }
            @for term in vocabs.of(vocab).filter(|t| !t.retired || chosen.contains(&t.code)) {
                label.check { input type="checkbox" name=(name) value=(term.code) checked[chosen.contains(&term.code)]; " " (term.label_in(hindi(ctx))) }
            }
        }
    }
}

/// The posting form, new or (with the post's id and the lock it was read at) an edit.
pub fn form(ctx: &Ctx, kind: Kind, c: &Choices, f: &PostForm, errors: &FieldErrors, edit: Option<(i64, i32)>) -> Markup {
    let t = ctx.t();
    let title = t.get(match (edit, kind) {
        (Some(_), Kind::Offer) => "funding-edit-offer",
        (Some(_), Kind::Proposal) => "funding-edit-proposal",
        (None, Kind::Offer) => "funding-new-offer",
        (None, Kind::Proposal) => "funding-new-proposal",
    });
    let action = match edit {
        Some((id, _)) => format!("{}/edit", paths::funding_post(plural(kind), id)),
        None => format!("{}/new", paths::funding_list(plural(kind))),
    };
    let clusters: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(c.clusters.iter().map(|(slug, name, state)| (slug.clone(), format!("{name} ({})", crate::vocab::state_label(state, hindi(ctx))))))
        .collect();
    layout(ctx, title, html! {
        (funding_crumbs(ctx))
        h1 { (title) }
        p.hint { (t.get("funding-rules")) }
        (error_summary(ctx, errors))
        @if edit.is_some() { p.hint { (t.get("funding-edit-hint")) } }
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            @if let Some((_, lock)) = edit { input type="hidden" name="lock" value=(lock); }
            (input(ctx, Field::new("title", t.get("funding-field-title"), &f.title).required(), errors))
            @if kind == Kind::Offer {
                (input(ctx, Field::new("funder", t.get("funding-field-funder"), &f.funder).required(), errors))
            } @else {
                (select(ctx, "cluster", t.get("funding-field-cluster"), &clusters, &f.cluster, errors))
            }
            (input(ctx, Field { name: "scheme", label: t.get("funding-field-scheme"), value: &f.scheme, kind: "text", autocomplete: "off", hint: Some(t.get("funding-field-scheme-hint")), required: kind == Kind::Offer }, errors))
            details.hint {
                summary { (t.get("funding-schemes-known")) }
                ul { @for s in c.vocabs.of("scheme").filter(|s| !s.retired) { li { code { (s.code) } " — " (s.label_in(hindi(ctx))) } } }
            }
            @if kind == Kind::Offer {
                (input(ctx, Field::new("amount_min", t.get("funding-field-amount-min"), &f.amount_min).hint(t.get("funding-field-amount-hint")).required(), errors))
                (input(ctx, Field::new("amount_max", t.get("funding-field-amount-max"), &f.amount_max).hint(t.get("funding-field-amount-hint")).required(), errors))
                (input(ctx, Field::new("deadline", t.get("funding-field-deadline"), &f.deadline).kind("date").hint(t.get("funding-field-deadline-hint")), errors))
            } @else {
                (input(ctx, Field::new("budget", t.get("funding-field-budget"), &f.budget).hint(t.get("funding-field-amount-hint")).required(), errors))
            }
            (checks(ctx, &c.vocabs, "sector", "sectors", t.get("funding-field-sectors"), None, &f.sectors, errors))
            @if kind == Kind::Offer {
                (checks(ctx, &c.vocabs, "state", "states", t.get("funding-field-states"), Some(t.get("funding-field-states-hint")), &f.states, errors))
                (textarea(ctx, "body", t.get("funding-field-description"), &f.body, None, 5, errors))
            } @else {
                (textarea(ctx, "body", t.get("funding-field-problem"), &f.body, None, 5, errors))
                (textarea(ctx, "partners", t.get("funding-field-partners"), &f.partners, None, 2, errors))
            }
            (input(ctx, Field::new("contact", t.get("funding-field-contact"), &f.contact).required(), errors))
            div.actions { button.primary type="submit" { (t.get("funding-send")) } }
        }
    })
}

fn score_parts(ctx: &Ctx, s: &Score) -> String {
    let t = ctx.t();
    let mut parts = Vec::new();
    if s.scheme {
        parts.push(format!("{} +{SCHEME_POINTS}", t.get("funding-part-scheme")));
    }
    if s.sectors_shared > 0 {
        parts.push(format!("{} ({}) ≤{SECTOR_POINTS}", t.get("funding-part-sectors"), s.sectors_shared));
    }
    if s.state {
        parts.push(format!("{} +{STATE_POINTS}", t.get("funding-part-state")));
    }
    if s.budget {
        parts.push(format!("{} +{BUDGET_POINTS}", t.get("funding-part-budget")));
    }
    parts.join(", ")
}

pub fn post(ctx: &Ctx, v: &PostView, done: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let p = &v.post;
    let path = post_path(p);
    let flash = match done {
        "published" => Some(t.get("funding-done-published")),
        "submitted" => Some(t.get("funding-done-submitted")),
        "returned" => Some(t.get("funding-done-returned")),
        "saved" => Some(t.get("funding-done-saved")),
        "closed" => Some(t.get("funding-done-closed")),
        _ => None,
    };
    let today = crate::models::now().date();
    layout(ctx, &p.title, html! {
        (funding_crumbs(ctx))
        p.crumbs { a href=(paths::funding_list(plural(p.kind))) { (kind_title(ctx, p.kind)) } }
        @if let Some(f) = flash { (notice(f)) }
        h1 { (p.title) }
        p.meta {
            (t.get(if p.kind == Kind::Offer { "funding-offer" } else { "funding-proposal" }))
            " · " (status_label(ctx, p.status))
            @if p.closed_at.is_some() { " · " (t.get("funding-closed")) }
            @else if p.kind == Kind::Offer && p.status == Status::Published { " · " (t.get(if v.open { "funding-open" } else { "funding-closed" })) }
            @if let Some(a) = &v.author { " · " (a) }
        }
        @if !p.comment.is_empty() && (v.is_author || v.may_review || p.status == Status::Returned) { div.note { p { strong { (t.registry_comment) ": " } (p.comment) } } }
        dl {
            @if p.kind == Kind::Offer {
                dt { (t.get("funding-field-funder")) } dd { (p.funder) }
                dt { (t.get("funding-field-amount")) } dd { (rupees(p.amount_min)) " – " (rupees(p.amount_max)) }
                dt { (t.get("funding-field-deadline")) } dd { @if p.deadline.is_empty() { "—" } @else { (p.deadline) } }
                dt { (t.get("funding-field-states")) } dd { (states_text(ctx, &v.vocabs, p)) }
            } @else {
                dt { (t.get("funding-field-cluster")) } dd { @if let Some(c) = &v.cluster { (super::record_link(c)) } }
                dt { (t.get("funding-field-state")) } dd { (states_text(ctx, &v.vocabs, p)) }
                dt { (t.get("funding-field-budget")) } dd { (rupees(p.budget)) }
                @if !p.partners.is_empty() { dt { (t.get("funding-field-partners")) } dd { (p.partners) } }
            }
            dt { (t.get("funding-field-scheme")) } dd { @if p.scheme.is_empty() { "—" } @else { (v.vocabs.label("scheme", &p.scheme, hindi(ctx))) } }
            dt { (t.get("funding-field-sectors")) } dd { (labels(ctx, &v.vocabs, "sector", &p.sectors)) }
            dt { (t.get(if p.kind == Kind::Offer { "funding-field-description" } else { "funding-field-problem" })) } dd { (p.body) }
            dt { (t.get("funding-field-contact")) } dd { (p.contact) }
        }
        @if p.status == Status::Published {
            section aria-labelledby="matches-h" {
                h2 #matches-h { (t.get("funding-matches")) " (" (v.matches.len()) ")" }
                p.hint { (t.get("funding-score-hint")) }
                @if v.matches.is_empty() { p { (t.get("funding-matches-none")) } }
                @else {
                    div.table-wrap {
                        table {
                            thead { tr { th scope="col" { (t.get(if p.kind == Kind::Offer { "funding-proposal" } else { "funding-offer" })) } th scope="col" { (t.get("funding-score")) } th scope="col" { (t.get("funding-why")) } } }
                            tbody {
                                @for (m, s) in &v.matches {
                                    tr {
                                        th scope="row" { (summary(ctx, &v.vocabs, m, today)) }
                                        td.num { (s.total) }
                                        td { (score_parts(ctx, s)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if v.may_review { (super::review_form(ctx, &path, p.lock_version, t.get("funding-publish"), errors)) }
        @if v.may_edit {
            section.actions aria-label=(t.get("funding-manage")) {
                a.button href={ (path) "/edit" } { (t.get("funding-edit")) }
                form.inline method="post" action={ (path) "/close" } {
                    (csrf_field(ctx))
                    button type="submit" { (t.get("funding-close")) }
                }
                p.hint { (t.get("funding-close-hint")) }
            }
        }
    })
}

fn totals_table(ctx: &Ctx, caption: &str, rows: &[(String, &Totals)], nation: &Totals) -> Markup {
    let t = ctx.t();
    html! {
        div.table-wrap {
            table {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { (caption) }
                        th scope="col" { (t.get("funding-col-offers")) }
                        th scope="col" { (t.get("funding-col-offered")) }
                        th scope="col" { (t.get("funding-col-proposals")) }
                        th scope="col" { (t.get("funding-col-sought")) }
                        th scope="col" { (t.get("funding-col-matches")) }
                    }
                }
                tbody {
                    @for (name, r) in rows {
                        tr { th scope="row" { (name) } td.num { (r.offers) } td.num { (rupees(r.offered)) } td.num { (r.proposals) } td.num { (rupees(r.sought)) } td.num { (r.matches) } }
                    }
                }
                tfoot {
                    tr { th scope="row" { (t.get("funding-nation")) } td.num { (nation.offers) } td.num { (rupees(nation.offered)) } td.num { (nation.proposals) } td.num { (rupees(nation.sought)) } td.num { (nation.matches) } }
                }
            }
        }
    }
}

pub fn national(ctx: &Ctx, p: &Picture) -> Markup {
    let t = ctx.t();
    let h = hindi(ctx);
    let states: Vec<(String, &Totals)> = p
        .by_state
        .iter()
        .map(|(s, r)| (if s.is_empty() { t.get("funding-all-states").to_string() } else { crate::vocab::state_label(s, h).to_string() }, r))
        .collect();
    let sectors: Vec<(String, &Totals)> = p.by_sector.iter().map(|(s, r)| (p.vocabs.label("sector", s, h), r)).collect();
    layout(ctx, t.get("funding-national-title"), html! {
        (funding_crumbs(ctx))
        h1 { (t.get("funding-national-title")) }
        p { (t.get("funding-national-intro")) }
        section aria-labelledby="by-state-h" {
            h2 #by-state-h { (t.get("funding-by-state")) }
            (totals_table(ctx, t.get("funding-field-state"), &states, &p.nation))
        }
        section aria-labelledby="by-sector-h" {
            h2 #by-sector-h { (t.get("funding-by-sector")) }
            (totals_table(ctx, t.get("funding-field-sector"), &sectors, &p.nation))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::rupees;

    #[test]
    fn rupees_are_grouped_the_indian_way() {
        assert_eq!(rupees(0), "₹0");
        assert_eq!(rupees(999), "₹999");
        assert_eq!(rupees(1000), "₹1,000");
        assert_eq!(rupees(500000), "₹5,00,000");
        assert_eq!(rupees(12345678), "₹1,23,45,678");
    }
}
