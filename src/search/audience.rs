//! Who a search is for. Members-only threads are in the index beside public documents, each
//! with an `audience` term: `public`, or `community:ID` for a thread only that community's
//! members read. A search takes the viewer's `Audience` (computed from their memberships once
//! per request, `services::communities::search_audience`) and requires one of its terms inside
//! the tantivy query, so counts, facets, snippets and the suggestion only ever see what the
//! viewer may read; nothing is looked up per hit.

use tantivy::query::{BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::schema::Fields;

/// The `audience` term of everything anyone may read.
pub(super) const PUBLIC: &str = "public";

/// The `audience` term of a thread only the members of `community_id` read.
pub(super) fn members_of(community_id: i64) -> String {
    format!("community:{community_id}")
}

/// Which documents a search may find: public ones, and the threads of the communities the
/// viewer reads, mirroring the thread page (`communities::Access::may_read`): members and
/// moderators read their community's members-only threads, administrators every community's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    /// Reads every community's members-only threads (administrators).
    pub all: bool,
    /// The communities the viewer belongs to (active memberships) or moderates: their
    /// members-only threads are found, and the "my communities" facet narrows to them.
    pub communities: Vec<i64>,
}

impl Audience {
    /// Anonymous visitors, and anyone signed in without a community: public documents only.
    pub fn public() -> Audience {
        Audience::default()
    }

    /// Whether the "my communities" facet applies (the viewer has a community of their own).
    pub fn has_communities(&self) -> bool {
        !self.communities.is_empty()
    }

    /// The clause every hit must match: `audience` is public or one of the viewer's
    /// communities; None when the viewer reads everything.
    pub(super) fn clause(&self, f: &Fields) -> Option<Box<dyn Query>> {
        if self.all {
            return None;
        }
        let terms: Vec<String> = std::iter::once(PUBLIC.to_string()).chain(self.communities.iter().map(|&c| members_of(c))).collect();
        Some(any_of(f.audience, &terms))
    }

    /// The "my communities" clause: threads (public or not) of the viewer's communities.
    pub(super) fn mine(&self, f: &Fields) -> Box<dyn Query> {
        any_of(f.community, &self.communities.iter().map(i64::to_string).collect::<Vec<_>>())
    }
}

/// Documents with one of `values` in `field`, all scored 0 so ranking stays the words' own
/// (a rarer community term must not lift its threads). Posting lists, not a term set: a set
/// query fills a bitset of every match, and nearly every document is public.
fn any_of(field: Field, values: &[String]) -> Box<dyn Query> {
    let term = |v: &String| -> Box<dyn Query> { Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) };
    let q: Box<dyn Query> = match values {
        [] => Box::new(EmptyQuery),
        [one] => term(one),
        many => Box::new(BooleanQuery::new(many.iter().map(|v| (Occur::Should, term(v))).collect())),
    };
    Box::new(ConstScoreQuery::new(q, 0.0))
}
