use maud::{html, Markup};

use super::{layout, Ctx};

pub fn home(ctx: &Ctx) -> Markup {
    let t = ctx.t();
    layout(ctx, t.home_title, html! {
        h1 { (t.home_title) }
        p.lead { (t.home_intro) }
        ul.features {
            li { (t.home_communities) }
            li { (t.home_knowledge) }
            li { (t.home_registry) }
        }
        @if ctx.viewer.is_none() {
            p.actions { a.button href="/register" { (t.nav_register) } " " a href="/login" { (t.nav_sign_in) } }
        }
    })
}
