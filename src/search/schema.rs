//! The index's fields and its text analysis. Either changing means SCHEMA_VERSION goes up, so
//! an index built by an older binary is rebuilt at start-up.

use tantivy::schema::{Field, IndexRecordOption, Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING};
use tantivy::Index;

/// Bump when the schema or analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 7;
const TOKENIZER: &str = "solex";
/// Between a facet and its value, and between the pairs, in a document's facet set.
pub(super) const FACET_VALUE: char = '\u{1f}';
pub(super) const FACET_PAIR: char = '\u{1e}';
/// The facet set's name for a thread's community (query.rs turns it into "my communities").
pub(super) const COMMUNITY_FACET: &str = "community";

#[derive(Clone, Copy)]
pub struct Fields {
    pub(super) key: Field,
    pub(super) kind: Field,
    pub(super) title: Field,
    pub(super) body: Field,
    pub(super) url: Field,
    pub(super) theme: Field,
    pub(super) state: Field,
    pub(super) sector: Field,
    pub(super) language: Field,
    pub(super) district: Field,
    /// A registry record's one most telling value (an initiative's headline indicator, a
    /// practice's economic benefit), shown instead of a snippet; stored only.
    pub(super) summary: Field,
    /// Every facet value of the document in one text, a fast column only: counting facets over
    /// all matches then reads one column value per document instead of five.
    pub(super) facet_set: Field,
    /// Who may find the document: `public`, or `community:ID` for a members-only thread
    /// (see audience.rs); indexed only.
    pub(super) audience: Field,
    /// A thread's community id, public or not: the "my communities" facet.
    pub(super) community: Field,
    /// `yes` on a thread with an answer (a reply or a moderator's close); indexed only.
    pub(super) answered: Field,
    /// How many members said a page or best practice worked for them; stored only (shown in
    /// results without asking the database).
    pub(super) worked: Field,
    /// "yes" when `worked` is at least one, else empty: the "worked for at least one unit"
    /// facet and filter.
    pub(super) proven: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqsAndPositions))
        .set_stored();
    let f = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        url: b.add_text_field("url", STORED),
        theme: b.add_text_field("theme", STRING | STORED),
        state: b.add_text_field("state", STRING | STORED),
        sector: b.add_text_field("sector", STRING | STORED),
        language: b.add_text_field("language", STRING | STORED),
        district: b.add_text_field("district", STORED),
        summary: b.add_text_field("summary", STORED),
        facet_set: b.add_text_field("facet_set", FAST),
        audience: b.add_text_field("audience", STRING),
        community: b.add_text_field("community", STRING | STORED),
        answered: b.add_text_field("answered", STRING),
        worked: b.add_u64_field("worked", STORED),
        proven: b.add_text_field("proven", STRING | STORED),
    };
    (b.build(), f)
}

impl Fields {
    /// The facets views show, by name.
    pub(super) fn facets(&self) -> [(&'static str, Field); 6] {
        [("kind", self.kind), ("theme", self.theme), ("state", self.state), ("sector", self.sector), ("language", self.language), ("worked", self.proven)]
    }

    /// Adds how many said the item worked, and the facet when any did (before the facet set).
    pub(super) fn add_worked(&self, d: &mut TantivyDocument, worked: i64) {
        let n = u64::try_from(worked).unwrap_or(0);
        d.add_u64(self.worked, n);
        if n > 0 {
            d.add_text(self.proven, "yes");
        }
    }

    /// Adds the document's facet set, made from its facet fields (call once they are all in),
    /// and its thread's community, counted for "my communities" and never shown as such.
    pub(super) fn add_facet_set(&self, d: &mut TantivyDocument) {
        let mut set = String::new();
        for (facet, field) in self.facets().into_iter().chain([(COMMUNITY_FACET, self.community)]) {
            for value in d.get_all(field).filter_map(|v| v.as_str()).filter(|v| !v.is_empty()) {
                if !set.is_empty() {
                    set.push(FACET_PAIR);
                }
                set.push_str(facet);
                set.push(FACET_VALUE);
                set.push_str(value);
            }
        }
        d.add_text(self.facet_set, set);
    }
}

/// Registers the analyser on an opened or created index (tantivy keeps tokenizers per handle).
pub(super) fn prepare(index: &Index) {
    // Words are runs of letters, combining marks and digits, so Devanagari words keep their
    // vowel signs and viramas; English words are lowercased and stemmed.
    index.tokenizers().register(TOKENIZER, super::tokenizer::analyzer());
}
