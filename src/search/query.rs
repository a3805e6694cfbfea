//! Queries: relevance-ranked search with filters, facets, snippets and a suggestion when
//! nothing matches; and the bare ranked keys the benchmark compares engines with.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::Term;

use super::SearchIndex;

/// Facet counts are taken over this many best results (the total counts all).
const FACET_DEPTH: usize = 200;

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Hit {
    pub kind: String,
    pub title: String,
    pub url: String,
    pub snippet_html: String,
    pub themes: Vec<String>,
    pub state: String,
    pub language: String,
    pub score: f32,
}

#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub kind: String,
    pub theme: String,
    pub state: String,
    pub sector: String,
    pub language: String,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// (facet, value, count)
    pub facets: Vec<(String, String, usize)>,
    pub suggestion: Option<String>,
}

fn stored(d: &TantivyDocument, f: Field) -> String {
    d.get_first(f).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

impl SearchIndex {
    /// Relevance-ranked search with title weighing more, phrases, -exclusion, field filters
    /// (theme:, state:, kind:, language:) and typo tolerance; facets count the top results.
    pub fn search(&self, q: &str, filters: &Filters, limit: usize) -> Results {
        let q = q.trim();
        if q.is_empty() {
            return Results::default();
        }
        let searcher = self.reader.searcher();
        let f = self.fields;
        // Exact terms first; only when they find nothing, allow one typo per word.
        let parse = |fuzzy: bool| {
            let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
            // Every word must match, as people expect from a search box with filters.
            parser.set_conjunction_by_default();
            parser.set_field_boost(f.title, 3.0);
            if fuzzy {
                parser.set_field_fuzzy(f.title, false, 1, true);
                parser.set_field_fuzzy(f.body, false, 1, true);
            }
            parser.parse_query_lenient(q).0
        };
        // Filters become required terms of the query, so only matching documents are ranked.
        let with_filters = |q: Box<dyn tantivy::query::Query>| -> Box<dyn tantivy::query::Query> {
            use tantivy::query::{BooleanQuery, Occur, TermQuery};
            use tantivy::schema::IndexRecordOption;
            let mut parts: Vec<(Occur, Box<dyn tantivy::query::Query>)> = vec![(Occur::Must, q)];
            for (field, value) in [(f.kind, &filters.kind), (f.theme, &filters.theme), (f.state, &filters.state), (f.sector, &filters.sector), (f.language, &filters.language)] {
                if !value.is_empty() {
                    parts.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))));
                }
            }
            if parts.len() == 1 { parts.pop().expect("one part").1 } else { Box::new(BooleanQuery::new(parts)) }
        };
        let run = |query: &dyn tantivy::query::Query| {
            searcher
                .search(query, &(TopDocs::with_limit(FACET_DEPTH).order_by_score(), tantivy::collector::Count))
                .unwrap_or_default()
        };
        let mut query = with_filters(parse(false));
        let (mut top, mut total) = run(query.as_ref());
        if top.is_empty() && !q.contains('"') {
            query = with_filters(parse(true));
            (top, total) = run(query.as_ref());
        }
        let all: Vec<(f32, TantivyDocument)> = top.into_iter().filter_map(|(s, a)| searcher.doc(a).ok().map(|d| (s, d))).collect();
        let mut facets: Vec<(String, String, usize)> = Vec::new();
        let mut count = |facet: &str, value: &str| {
            if value.is_empty() {
                return;
            }
            match facets.iter_mut().find(|(k, v, _)| k == facet && v == value) {
                Some(e) => e.2 += 1,
                None => facets.push((facet.into(), value.into(), 1)),
            }
        };
        for (_, d) in &all {
            count("kind", &stored(d, f.kind));
            for t in d.get_all(f.theme).filter_map(|v| v.as_str()) {
                count("theme", t);
            }
            count("state", &stored(d, f.state));
            count("sector", &stored(d, f.sector));
            count("language", &stored(d, f.language));
        }
        facets.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        let snippets = SnippetGenerator::create(&searcher, query.as_ref(), f.body).ok();
        let hits = all
            .into_iter()
            .take(limit)
            .map(|(score, d)| Hit {
                kind: stored(&d, f.kind),
                title: stored(&d, f.title),
                url: stored(&d, f.url),
                snippet_html: snippets.as_ref().map(|g| g.snippet_from_doc(&d).to_html()).unwrap_or_default(),
                themes: d.get_all(f.theme).filter_map(|v| v.as_str().map(str::to_string)).collect(),
                state: stored(&d, f.state),
                language: stored(&d, f.language),
                score,
            })
            .collect();
        let suggestion = if total == 0 { nearest_theme(q) } else { None };
        Results { total, hits, facets, suggestion }
    }
}

impl SearchIndex {
    /// Only the best `limit` document keys, without facets or snippets (the cheapest query,
    /// used to compare engines like for like).
    pub fn ranked_keys(&self, q: &str, limit: usize) -> Vec<String> {
        let searcher = self.reader.searcher();
        let mut parser = QueryParser::for_index(&self.index, vec![self.fields.title, self.fields.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(self.fields.title, 3.0);
        let (query, _) = parser.parse_query_lenient(q);
        searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, a)| searcher.doc::<TantivyDocument>(a).ok().map(|d| stored(&d, self.fields.key)))
            .collect()
    }
}

/// For an empty result: the theme whose name shares the most words with the query.
fn nearest_theme(q: &str) -> Option<String> {
    let words: Vec<String> = q.to_lowercase().split_whitespace().map(|w| w.chars().take(5).collect()).collect();
    crate::vocab::THEMES
        .iter()
        .map(|(slug, en, hi)| {
            let label = format!("{} {}", en.to_lowercase(), hi);
            (words.iter().filter(|w| w.chars().count() >= 3 && label.contains(String::as_str(w))).count(), *slug)
        })
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s.to_string())
}
