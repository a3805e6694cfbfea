//! The index's fields and its text analysis. Either changing means SCHEMA_VERSION goes up, so
//! an index built by an older binary is rebuilt at start-up.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};
use tantivy::tokenizer::{Language, LowerCaser, RegexTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer};
use tantivy::Index;

/// Bump when the schema or analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 3;
const TOKENIZER: &str = "solex";
/// The fields counted as facets over every match, from their fast columns (named as the fields).
pub(super) const FACETS: [&str; 5] = ["kind", "theme", "state", "sector", "language"];

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
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqsAndPositions))
        .set_stored();
    let f = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        url: b.add_text_field("url", STORED),
        theme: b.add_text_field("theme", STRING | STORED | FAST),
        state: b.add_text_field("state", STRING | STORED | FAST),
        sector: b.add_text_field("sector", STRING | STORED | FAST),
        language: b.add_text_field("language", STRING | STORED | FAST),
    };
    (b.build(), f)
}

/// Words are runs of letters, combining marks and digits, so Devanagari words keep their
/// vowel signs and viramas; English words are lowercased and stemmed.
fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RegexTokenizer::new(r"[\p{L}\p{M}\p{N}]+").expect("valid token pattern"))
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers the analyser on an opened or created index (tantivy keeps tokenizers per handle).
pub(super) fn prepare(index: &Index) {
    index.tokenizers().register(TOKENIZER, analyzer());
}
