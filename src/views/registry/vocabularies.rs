//! The administrator's pages for the registry's vocabularies.

use maud::{html, Markup};

use crate::error::FieldErrors;
use crate::models::vocabulary::Term;
use crate::views::{csrf_field, error_summary, input, layout, notice, Ctx, Field};

pub fn vocabularies(ctx: &Ctx, names: &[(&str, &str)]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.vocab_title, html! {
        p.crumbs { a href="/admin/users" { (t.nav_admin) } }
        h1 { (t.vocab_title) }
        ul { @for (code, title) in names { li { a href={ "/admin/vocabularies/" (code) } { (title) } } } }
    })
}

pub fn vocabulary(ctx: &Ctx, name: &str, title: &str, terms: &[Term], form: &crate::services::registry::TermForm, errors: &FieldErrors, flash: Option<&str>) -> Markup {
    let t = ctx.t();
    layout(ctx, title, html! {
        p.crumbs { a href="/admin/vocabularies" { (t.vocab_title) } }
        h1 { (title) }
        @if let Some(f) = flash { (notice(f)) }
        div.table-wrap {
            table {
                thead { tr { th { (t.vocab_code) } th { (t.vocab_label) } th { (t.vocab_label_hi) } th { (t.vocab_group) } th { (t.vocab_retired) } th {} } }
                tbody {
                    @for term in terms {
                        tr.retired[term.retired] {
                            td { code { (term.code) } }
                            td colspan="5" {
                                form.inline-row method="post" action={ "/admin/vocabularies/" (name) "/" (crate::views::urlencode(&term.code)) } {
                                    (csrf_field(ctx))
                                    input name="label" value=(term.label) aria-label={ (t.vocab_label) " " (term.code) };
                                    input name="label_hi" value=(term.label_hi) lang="hi" aria-label={ (t.vocab_label_hi) " " (term.code) };
                                    input name="grp" value=(term.grp) aria-label={ (t.vocab_group) " " (term.code) };
                                    label { input type="checkbox" name="retired" value="1" checked[term.retired]; " " (t.vocab_retired) }
                                    button type="submit" { (t.vocab_save) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t.vocab_add) }
        (error_summary(ctx, errors))
        form method="post" action={ "/admin/vocabularies/" (name) } {
            (csrf_field(ctx))
            (input(Field::new("code", t.vocab_code, &form.code).required(), errors))
            (input(Field::new("label", t.vocab_label, &form.label).required(), errors))
            (input(Field::new("label_hi", t.vocab_label_hi, &form.label_hi), errors))
            (input(Field::new("grp", t.vocab_group, &form.grp), errors))
            button type="submit" { (t.vocab_add) }
        }
    })
}
