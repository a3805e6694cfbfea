//! "It worked?": the counts and the link on a page or best practice, a member's report form,
//! the notes for those who keep the page (with folding), the page an asking mail's link
//! opens, and that mail's body.

use maud::{html, Markup};

use super::dates::when;
use super::mail::NoticeBody;
use super::{csrf_field, error_summary, layout, notice, textarea, Ctx};
use crate::error::FieldErrors;
use crate::models::outcome::{Counts, Outcome, Verdict};
use crate::services::outcomes::{Ask, Notes, Target, MAX_NOTE};

pub fn verdict_label(t: &super::Strings, v: Verdict) -> String {
    match v {
        Verdict::Tried => t.fmt("outcome-verdict-tried", &[]),
        Verdict::Worked => t.fmt("outcome-verdict-worked", &[]),
        Verdict::Failed => t.fmt("outcome-verdict-failed", &[]),
    }
}

/// "Worked for 7 units · tried by 2 · did not work for 1", or that nobody said yet.
pub fn counts_line(ctx: &Ctx, c: &Counts) -> Markup {
    let t = ctx.t();
    html! {
        p.meta.outcome-counts {
            @if c.total() == 0 {
                (t.fmt("outcome-none-yet", &[]))
            } @else {
                (t.fmt("outcome-worked-for", &[("count", c.worked.into())])) " · "
                (t.fmt("outcome-tried-by", &[("count", c.tried.into())])) " · "
                (t.fmt("outcome-failed-for", &[("count", c.failed.into())]))
            }
        }
    }
}

/// The section on a page or practice: the counts, the member's link to report (a visitor's to
/// sign in first), and the notes for those who keep it.
pub fn section(ctx: &Ctx, c: &Counts, base: &str, keeper: bool) -> Markup {
    let t = ctx.t();
    let form = crate::paths::outcome_form(base);
    html! {
        section.outcomes aria-labelledby="outcomes-h" {
            h2 #outcomes-h { (t.fmt("outcome-heading", &[])) }
            (counts_line(ctx, c))
            @if ctx.viewer.is_some() {
                p { a href=(form) { (t.fmt("outcome-report-link", &[])) } }
            } @else {
                p { a href={ "/login?next=" (super::urlencode(&form)) } { (t.fmt("outcome-sign-in", &[])) } }
            }
            @if keeper { p { a href=(crate::paths::field_reports(base)) { (t.fmt("outcome-notes-link", &[])) } } }
        }
    }
}

/// The three answers as radio buttons, `chosen` checked.
fn verdicts(ctx: &Ctx, chosen: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let error = errors.get("verdict").map(|m| t.msg(m));
    html! {
        fieldset #verdict .field.has-error[error.is_some()] {
            legend { (t.fmt("outcome-verdict-legend", &[])) }
            @if let Some(e) = &error { p.error { (e) } }
            @for v in Verdict::all() {
                div.choice {
                    input type="radio" name="verdict" id={ "verdict-" (v.as_str()) } value=(v.as_str()) checked[chosen == v.as_str()];
                    " " label for={ "verdict-" (v.as_str()) } { (verdict_label(t, v)) }
                }
            }
        }
    }
}

fn note_field(ctx: &Ctx, note: &str, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let hint = t.fmt("outcome-note-hint", &[("max", (MAX_NOTE as i64).into())]);
    textarea(ctx, "note", &t.fmt("outcome-note", &[]), note, Some(&hint), 4, errors)
}

/// A member's report on a page or practice: their answer so far chosen, their note.
pub fn form_page(ctx: &Ctx, target: &Target, counts: &Counts, verdict: &str, note: &str, mine: Option<&Outcome>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let title = t.fmt("outcome-form-title", &[("title", target.title.as_str().into())]);
    layout(ctx, &title, html! {
        p.crumbs { a href=(target.url) { (target.title) } }
        h1 { (title) }
        (counts_line(ctx, counts))
        @if let Some(m) = mine { p.meta { (t.fmt("outcome-yours", &[("answer", verdict_label(t, m.verdict).into())])) " · " (when(ctx, &m.updated_at)) } }
        p { (t.fmt("outcome-form-intro", &[])) }
        (error_summary(ctx, errors))
        form method="post" action=(target.form_url) {
            (csrf_field(ctx))
            (verdicts(ctx, verdict, errors))
            (note_field(ctx, note, errors))
            button type="submit" { (t.fmt("outcome-save", &[])) }
        }
    })
}

/// The notes on a page or practice; a page's editors choose notes to fold into the page.
pub fn notes_page(ctx: &Ctx, n: &Notes, flash: Option<&str>, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let title = t.fmt("outcome-notes-title", &[("title", n.target.title.as_str().into())]);
    layout(ctx, &title, html! {
        p.crumbs { a href=(n.target.url) { (n.target.title) } }
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        (counts_line(ctx, &n.counts))
        (error_summary(ctx, errors))
        @if n.notes.is_empty() {
            p { (t.fmt("outcome-notes-none", &[])) }
        } @else if n.may_fold {
            form method="post" action=(crate::paths::field_reports(&n.target.url)) {
                (csrf_field(ctx))
                input type="hidden" name="revision" value=(n.revision);
                fieldset #notes {
                    legend { (t.fmt("outcome-fold-legend", &[])) }
                    ul.outcome-notes { @for (o, name) in &n.notes { li { (note_item(ctx, o, name, true)) } } }
                }
                button type="submit" { (t.fmt("outcome-fold", &[])) }
            }
        } @else {
            ul.outcome-notes { @for (o, name) in &n.notes { li { (note_item(ctx, o, name, false)) } } }
        }
    })
}

fn note_item(ctx: &Ctx, o: &Outcome, name: &str, choosable: bool) -> Markup {
    let t = ctx.t();
    let id = format!("note-{}", o.id);
    let head = html! { strong { (verdict_label(t, o.verdict)) } " · " (name) " · " (when(ctx, &o.updated_at)) @if o.folded_at.is_some() { " · " (t.fmt("outcome-folded", &[])) } };
    html! {
        @if choosable && o.folded_at.is_none() {
            input type="checkbox" name="notes" id=(id) value=(o.id);
            " " label for=(id) { (head) }
        } @else {
            (head)
        }
        p { (o.note) }
    }
}

/// What an asking mail's link opens: the answer chosen, a note, one confirm button. Nothing
/// is recorded until it is pressed.
pub fn ask_page(ctx: &Ctx, a: &Ask, verdict: &str, note: &str, done: bool, errors: &FieldErrors) -> Markup {
    let t = ctx.t();
    let title = t.fmt("outcome-ask-title", &[]);
    let action = format!("/outcomes/ask/{}/{}", a.query_id, a.token);
    layout(ctx, &title, html! {
        h1 { (title) }
        @if done { (notice(&t.fmt("outcome-thanks", &[]))) }
        p { (t.fmt("outcome-ask-intro", &[("query", a.query_title.as_str().into())])) " " a href=(a.page.url) { (a.page.title) } }
        @if let Some(m) = &a.mine { p.meta { (t.fmt("outcome-yours", &[("answer", verdict_label(t, m.verdict).into())])) } }
        (error_summary(ctx, errors))
        form method="post" action=(action) {
            (csrf_field(ctx))
            (verdicts(ctx, verdict, errors))
            (note_field(ctx, note, errors))
            button type="submit" { (t.fmt("outcome-confirm", &[])) }
        }
    })
}

/// The mail sixty days after a query was answered by a page: did it work? One link per answer.
pub fn ask_mail(lang: &str, query_title: &str, page_title: &str, links: &[(Verdict, String)], page_url: &str) -> NoticeBody {
    let t = super::Lang::from_code(lang).unwrap_or(super::Lang::En).strings();
    NoticeBody {
        subject: t.fmt("outcome-mail-subject", &[("title", query_title.into())]),
        lines: vec![t.fmt("outcome-mail-line", &[("title", query_title.into()), ("page", page_title.into())]), t.fmt("outcome-mail-links", &[])],
        items: links.iter().map(|(v, url)| (verdict_label(t, *v), url.clone())).collect(),
        url: page_url.to_string(),
        action: t.fmt("answer-open-page", &[]),
    }
}
