//! Error pages, in the visitor's language.

use maud::{html, Markup};

use super::{layout, Ctx};

pub fn page(ctx: &Ctx, status: u16, detail: Option<&str>) -> Markup {
    let t = ctx.t();
    let (title, body) = match status {
        404 => (t.error_404_title, t.error_404_body),
        403 => (t.error_403_title, t.error_403_body),
        410 => (t.error_410_title, t.error_410_body),
        405 => (t.error_405_title, t.error_405_body),
        429 => (t.error_429_title, ""),
        400..=499 => (t.error_400_title, ""),
        _ => (t.error_500_title, t.error_500_body),
    };
    layout(ctx, title, html! {
        h1 { (title) }
        @if !body.is_empty() { p { (body) } }
        @if let Some(d) = detail { p { (d) } }
        @if let Some(id) = &ctx.request_id {
            p.meta { (t.error_request_id) " " code { (id) } }
        }
        p { a href="/" { (t.back_home) } }
    })
}
