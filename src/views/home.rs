use maud::{html, Markup};
use crate::paths;

use super::{layout, urlencode, Ctx};
use crate::error::Arg;
use crate::services::home::Home;

/// The home page: one search with example questions, three doors with live counts, themes,
/// the newest solutions and the way to ask. `ask_in` is None for a visitor, else the
/// communities the signed-in person may ask in (web name, name).
pub fn home(ctx: &Ctx, h: &Home, ask_in: Option<&[(String, String)]>) -> Markup {
    let t = ctx.t();
    let examples = [(t.home_example_1, t.home_example_1_q), (t.home_example_2, t.home_example_2_q), (t.home_example_3, t.home_example_3_q), (t.home_example_4, t.home_example_4_q)];
    layout(ctx, t.home_title, html! {
        h1 { (t.home_title) }
        p.lead { (t.home_intro) }
        section.home-search aria-labelledby="home-search" {
            h2 #home-search { (t.home_search_heading) }
            form.search method="get" action="/search" role="search" {
                label.visually-hidden for="q-home" { (t.search_label) }
                input #q-home type="search" name="q";
                button type="submit" { (t.search_button) }
            }
            p.examples { (t.home_examples) }
            ul.examples {
                @for (question, q) in examples { li { a href={ "/search?q=" (urlencode(q)) } { (question) } } }
            }
        }
        section aria-labelledby="home-doors" {
            h2.visually-hidden #home-doors { (t.home_doors) }
            ul.doors {
                li { a href="/kb" { strong.count { (h.solutions) } " " span { (t.fmt("home-door-solutions", &[("count", Arg::Number(h.solutions))])) } } p { (t.home_door_solutions_hint) } }
                li { a href="/communities" { strong.count { (h.communities) } " " span { (t.fmt("home-door-communities", &[("count", Arg::Number(h.communities))])) } } p { (t.home_door_communities_hint) } }
                li { a href="/registry" { strong.count { (h.records) } " " span { (t.fmt("home-door-registry", &[("count", Arg::Number(h.records))])) } } p { (t.home_door_registry_hint) } }
            }
        }
        section.ask #ask aria-labelledby="home-ask" {
            h2 #home-ask { (t.home_ask_heading) }
            p { (t.home_ask_intro) }
            @match ask_in {
                None => {
                    p { (t.home_membership) }
                    p.actions {
                        a.button href="/register" { (t.home_join) }
                        " "
                        a href={ "/login?next=" (urlencode("/ask")) } { (t.home_sign_in_to_ask) }
                    }
                }
                Some([]) => { p.actions { a.button href="/communities" { (t.home_join_community) } } }
                Some(mine) => {
                    ul.ask-in {
                        @for (slug, name) in mine { li { a.button href=(paths::community_page(slug, "new")) { (t.home_ask_in) " " (name) } } }
                    }
                }
            }
        }
        @if !h.themes.is_empty() {
            section aria-labelledby="home-themes" {
                h2 #home-themes { (t.home_themes) }
                ul.theme-counts {
                    @for (slug, n) in &h.themes { li { a href=(paths::theme(slug)) { (ctx.theme(slug)) } " " span.meta { "(" (t.fmt("home-pages-count", &[("count", Arg::Number(*n))])) ")" } } }
                }
            }
        }
        @if !h.newest.is_empty() {
            section aria-labelledby="home-newest" {
                h2 #home-newest { (t.home_newest) }
                ul.newest {
                    @for p in &h.newest {
                        li lang=(p.language) {
                            a href=(paths::page(&p.slug)) { (p.title) }
                            @if !p.problem.is_empty() { p { (p.problem) } }
                        }
                    }
                }
                p { a href="/kb" { (t.home_all_solutions) } }
            }
        }
    })
}
