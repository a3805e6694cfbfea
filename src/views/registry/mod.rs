//! The national registry: overview with the state table, filtered lists, record pages, the
//! focal point's form and import, the reviewer's field-by-field diff, and vocabularies.
//!
//! - `browse`: the overview and the filtered lists
//! - `record`: a record's page, and values as readers see them
//! - `forms`: the focal point's edit form and CSV import
//! - `review`: the reviewer's diff and the work lists
//! - `vocabularies`: the administrator's vocabulary pages
//! - `feedback`: feedback on a record, and the focal points' queue of it
//! - `pictures`: the map of states, the charts of initiatives by stage, indicators as bars
//! - `score_cards`: ESR score cards with their working, and the short lists of clusters
//! - `schemes`: the schemes of Annex I, their pages, and their choice on pages and queries
//! - `funding`: the funding clearing house's lists, forms, posts with their matches, national picture
//! - `awards`: award cycles, nominations, the jury's score sheets and the results
//!
//! The helpers below are shared by those files.

use maud::{html, Markup};
use crate::paths;

use super::{Ctx, Lang};
use crate::models::registry::{self, Record};
use crate::services::registry::Kind;

mod agency_ratings;
pub mod awards;
mod browse;
mod feedback;
mod forms;
pub mod funding;
mod pictures;
mod record;
mod review;
pub mod schemes;
pub mod score_cards;
pub mod series;
mod vocabularies;

pub use agency_ratings::{agency_request, agency_request_form, agency_requests, rate_form};
pub use browse::{list, list_body, list_page, overview};
pub use forms::{edit_form, import};
pub use pictures::{map_kind, stage_charts};
pub use record::{gone, record, record_with_feedback, show_value};
pub use feedback::{item as feedback_item, queue as feedback_queue};
pub use review::{review, work};
pub use vocabularies::{vocabularies, vocabulary};

fn hindi(ctx: &Ctx) -> bool {
    ctx.lang == Lang::Hi
}

/// A day as the registry shows it in the reader's language, for a message argument.
fn day(ctx: &Ctx, at: chrono::NaiveDateTime) -> crate::error::Arg {
    super::dates::day_text(ctx.lang, at.date()).into()
}

/// A version's status in the reader's language.
fn status(ctx: &Ctx, s: registry::Status) -> &'static str {
    let t = ctx.t();
    match s {
        registry::Status::Draft => t.registry_status_draft,
        registry::Status::Submitted => t.registry_status_submitted,
        registry::Status::Returned => t.registry_status_returned,
        registry::Status::Published => t.registry_status_published,
        registry::Status::Superseded => t.registry_status_superseded,
        registry::Status::Withdrawn => t.registry_status_withdrawn,
    }
}

/// The reviewer's form under a score card or a funding post at `path`: a general comment, then
/// approve (labelled `approve`) or return, with the lock read with the page.
fn review_form(ctx: &Ctx, path: &str, lock: i32, approve: &str, errors: &crate::error::FieldErrors) -> Markup {
    let t = ctx.t();
    html! {
        section aria-labelledby="review-h" {
            h2 #review-h { (t.registry_review) }
            (super::error_summary(ctx, errors))
            form method="post" action={ (path) "/review" } {
                (super::csrf_field(ctx))
                input type="hidden" name="lock" value=(lock);
                (super::textarea(ctx, "comment", t.registry_general_comment, "", None, 3, errors))
                div.actions {
                    @for d in crate::services::registry::Decision::all() {
                        @let (primary, label) = match d { crate::services::registry::Decision::Approve => (true, approve), crate::services::registry::Decision::Return => (false, t.registry_return) };
                        button.primary[primary] type="submit" name="decision" value=(d.as_str()) { (label) } " "
                    }
                }
            }
        }
    }
}

/// Where a record of this kind (its code, as stored) and slug lives on the site.
pub fn record_path(kind: &str, slug: &str) -> String {
    paths::registry_record_of(kind, slug)
}

pub fn record_link(r: &Record) -> Markup {
    html! { a href=(record_path(&r.kind, &r.slug)) { (r.title) } }
}

fn record_meta(ctx: &Ctx, r: &Record) -> Markup {
    let kind = Kind::from_code(&r.kind);
    html! {
        @if let Some(k) = kind { (ctx.t().get(k.singular_key())) " · " }
        @if !r.district.is_empty() { (r.district) ", " }
        (crate::vocab::state_label(&r.state, hindi(ctx)))
        @if let Some(s) = r.start_year { " · " (s) "–" @if let Some(e) = r.end_year { (e) } }
    }
}

fn crumbs(ctx: &Ctx, kind: Option<Kind>) -> Markup {
    let t = ctx.t();
    html! {
        p.crumbs {
            a href="/registry" { (t.nav_registry) }
            @if let Some(k) = kind { " · " a href=(paths::registry_list(k.plural())) { (ctx.t().get(k.label_key())) } }
        }
    }
}
