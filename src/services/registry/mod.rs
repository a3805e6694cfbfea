//! The national registry of cluster-development initiatives and best practices (Table 2.1,
//! §2.4.1 and §2.4.3 of the book): state focal points draft and submit records for their
//! states, the national focal point reviews each version field by field and publishes it,
//! and everyone browses, filters and exports what is published.
//!
//! Each kind of record is described once, as a list of field specifications; forms, checks,
//! the review diff, CSV and JSON all follow that list.
//!
//! - `spec`: the kinds of record, their fields and labels
//! - `vocabularies`: the terms fields choose from, and their administration
//! - `values`: checking what a writer typed, and what is derived from the values
//! - `workflow`: who may do what; draft, submit, review, publish, withdraw, remind
//! - `read`: the record page, edit form, review page and work lists
//! - `browse`: the public lists, the overview and the sitemap's paths
//! - `links`: records named by pages and threads, and registry links in pages
//! - `csv`, `import`: CSV and JSON out, CSV in
//! - `score_cards`: ESR score cards of clusters, their ranking and the published short lists
//! - `series`, `ratings`: indicators over time, and the national focal point's cluster ratings
//! - `feedback`: visitors' feedback on records, answered by the state's focal points
//! - `schemes`: the schemes of Annex I, what points to them, and their pages
//! - `funding`: the funding clearing house: offers, proposals, their matches and weekly mail
//! - `awards`: the annual award cycles, their nominations, jury scores and results
//!
//! Everything but `csv` and `import` is re-exported here, so callers name
//! `services::registry::X` whichever file holds it.

mod browse;
pub mod agency_ratings;
pub mod awards;
mod feed;
mod feedback;
pub mod funding;
mod links;
mod read;
mod schemes;
mod spec;
mod values;
mod vocabularies;
mod workflow;
pub mod score_cards;

pub mod csv;
pub mod import;
pub mod ratings;
pub mod series;

pub use browse::*;
pub use feed::*;
pub use feedback::*;
pub use links::*;
pub use read::*;
pub use schemes::*;
pub use spec::*;
pub use values::*;
pub use vocabularies::*;
pub use workflow::*;
