use maud::{html, Markup};
use crate::paths;

use super::{layout, Ctx};
use crate::models::page::Page;

pub fn home(ctx: &Ctx, recent: &[Page]) -> Markup {
    let t = ctx.t();
    layout(ctx, t.home_title, html! {
        h1 { (t.home_title) }
        p.lead { (t.home_intro) }
        ul.features {
            li { a href="/communities" { (t.home_communities) } }
            li { a href="/kb" { (t.home_knowledge) } }
        }
        @if ctx.viewer.is_none() {
            p.actions { a.button href="/register" { (t.nav_register) } " " a href="/login" { (t.nav_sign_in) } }
        }
        @if !recent.is_empty() {
            h2 { (t.kb_recent) }
            ul.threads {
                @for p in recent { li { a href=(paths::page(&p.slug)) lang=(p.language) { (p.title) } } }
            }
        }
    })
}
