//! Queries: relevance-ranked search with filters, facets, snippets and a suggestion when
//! nothing matches; and the bare ranked keys the benchmark compares engines with.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, Index, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::schema::{Fields, FACET_PAIR, FACET_VALUE};
use super::tokenizer::SnippetWords;
use super::SearchIndex;

/// Title words weigh this much more than body words.
const TITLE_BOOST: Score = 3.0;
/// Words shorter than this are never taken with a typo: one edit away from "t" are "a", "at",
/// "to" and "it", which are in nearly every page.
const FUZZY_MIN_CHARS: usize = 4;

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Hit {
    pub kind: String,
    pub title: String,
    pub url: String,
    pub snippet_html: String,
    pub themes: Vec<String>,
    pub state: String,
    pub district: String,
    pub sector: String,
    /// A registry record's one most telling value; empty for pages and discussions.
    pub summary: String,
    pub language: String,
    pub score: f32,
    /// How many members said a page or best practice worked for them (0 for the rest).
    pub worked: u64,
}

#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub kind: String,
    pub theme: String,
    pub state: String,
    pub sector: String,
    pub language: String,
    /// "yes": only pages and practices that worked for at least one member's unit.
    pub worked: String,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// (facet, value, count), over every match: by facet, then most frequent first.
    pub facets: Vec<(String, String, usize)>,
    pub suggestion: Option<String>,
}

fn stored(d: &TantivyDocument, f: Field) -> String {
    d.get_first(f).and_then(|v| v.as_str()).unwrap_or("").to_string()
}

impl SearchIndex {
    /// Relevance-ranked search with title weighing more, phrases, -exclusion, field filters
    /// (theme:, state:, kind:, language:) and typo tolerance; facets count every match.
    pub fn search(&self, q: &str, filters: &Filters, limit: usize) -> Results {
        search_in(&self.index, &self.reader.searcher(), &self.fields, q, filters, limit)
    }
}

/// `SearchIndex::search` on any index of this schema (tests use one in memory).
pub(super) fn search_in(index: &Index, searcher: &Searcher, f: &Fields, q: &str, filters: &Filters, limit: usize) -> Results {
    let q = q.trim();
    if q.is_empty() {
        return Results::default();
    }
    // Filters become required terms of the query, so only matching documents are ranked.
    let with_filters = |q: Box<dyn Query>| -> Box<dyn Query> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, q)];
        for (field, value) in [(f.kind, &filters.kind), (f.theme, &filters.theme), (f.state, &filters.state), (f.sector, &filters.sector), (f.language, &filters.language), (f.proven, &filters.worked)] {
            if !value.is_empty() {
                parts.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))));
            }
        }
        if parts.len() == 1 {
            parts.pop().expect("one part").1
        } else {
            Box::new(BooleanQuery::new(parts))
        }
    };
    // One pass over the matches ranks them and counts their facets from the fast column.
    let collector = (TopDocs::with_limit(limit.max(1)).order_by_score(), FacetCounts);
    let run = |query: &dyn Query| searcher.search(query, &collector).unwrap_or_default();
    // Exact terms first; only when they find nothing, allow one typo per long word.
    let mut query = with_filters(parse(index, f, q, false));
    let (mut top, mut counted) = run(query.as_ref());
    if top.is_empty() && !q.contains('"') {
        query = with_filters(parse(index, f, q, true));
        (top, counted) = run(query.as_ref());
    }
    let (total, facets) = counted;
    // Stored documents and snippets only for the hits shown.
    let snippets = if top.is_empty() { None } else { snippet_generator(searcher, query.as_ref(), f.body).ok() };
    let mut words: Vec<String> = Vec::new();
    query.query_terms(&mut |t, _| words.extend((t.field() == f.body).then(|| t.value().as_str().map(str::to_string)).flatten()));
    let hits = top
        .into_iter()
        .filter_map(|(score, a)| searcher.doc::<TantivyDocument>(a).ok().map(|d| (score, d)))
        .map(|(score, d)| Hit {
            kind: stored(&d, f.kind),
            title: stored(&d, f.title),
            url: stored(&d, f.url),
            snippet_html: snippets.as_ref().map(|g| g.snippet(around_first_match(&stored(&d, f.body), &words)).to_html()).unwrap_or_default(),
            themes: d.get_all(f.theme).filter_map(|v| v.as_str().map(str::to_string)).collect(),
            state: stored(&d, f.state),
            district: stored(&d, f.district),
            sector: stored(&d, f.sector),
            summary: stored(&d, f.summary),
            language: stored(&d, f.language),
            score,
            worked: d.get_first(f.worked).and_then(|v| v.as_u64()).unwrap_or(0),
        })
        .collect();
    let suggestion = if total == 0 { nearest_theme(q) } else { None };
    Results { total, hits, facets, suggestion }
}

/// What `SnippetGenerator::create` makes (the query's terms in `field` that occur, each scored
/// 1 / (1 + document frequency)), with the index's analysis replaced by one that stems only the
/// words that can stem to a query term: stemming every word of each shown body cost more than
/// finding the words.
fn snippet_generator(searcher: &Searcher, query: &dyn Query, field: Field) -> tantivy::Result<SnippetGenerator> {
    let mut terms: BTreeSet<Term> = BTreeSet::new();
    query.query_terms(&mut |t, _| {
        if t.field() == field {
            terms.insert(t.clone());
        }
    });
    let mut scored: BTreeMap<String, Score> = BTreeMap::new();
    for t in &terms {
        let value = t.value();
        let Some(text) = value.as_str() else { continue };
        let n = searcher.doc_freq(t)?;
        if n > 0 {
            scored.insert(text.to_string(), 1.0 / (1.0 + n as Score));
        }
    }
    let words = TextAnalyzer::from(SnippetWords::new(scored.keys().map(String::as_str)));
    Ok(SnippetGenerator::new(scored, words, field, SNIPPET_CHARS))
}

/// tantivy's default snippet length, in characters.
const SNIPPET_CHARS: usize = 150;

/// About how much of a body a snippet is chosen from.
const SNIPPET_WINDOW: usize = 480;

/// The part of `body` around the first place a query word (a stem, so matched without its last
/// letter: "energi" is found as "energ") seems to occur: analysing whole bodies for every hit
/// shown cost more than the rest of a search.
fn around_first_match<'a>(body: &'a str, words: &[String]) -> &'a str {
    if body.len() <= SNIPPET_WINDOW {
        return body;
    }
    let lower = body.to_ascii_lowercase();
    let at = words
        .iter()
        .filter_map(|w| {
            let n = w.chars().count();
            let stem: String = w.chars().take(n.saturating_sub(1).max(3)).collect();
            lower.find(&stem)
        })
        .min()
        .unwrap_or(0);
    let mut start = at.saturating_sub(SNIPPET_WINDOW / 4);
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + SNIPPET_WINDOW).min(body.len());
    while !body.is_char_boundary(end) {
        end += 1;
    }
    &body[start..end]
}

/// The query box's text as a query: every word must match, as people expect from a search box
/// with filters; title words weigh more; with `fuzzy`, long words may have one typo.
fn parse(index: &Index, f: &Fields, q: &str, fuzzy: bool) -> Box<dyn Query> {
    let mut parser = QueryParser::for_index(index, vec![f.title, f.body]);
    parser.set_conjunction_by_default();
    // The parser's own boost and fuzziness apply to every word alike; `shape` does both per word.
    shape(parser.parse_query_lenient(q).0, f.title, fuzzy)
}

/// Boosts the parts that search the title only, and with `fuzzy` turns each single word of
/// FUZZY_MIN_CHARS or more into a one-typo query; phrases, exclusions and filters stay.
fn shape(query: Box<dyn Query>, title: Field, fuzzy: bool) -> Box<dyn Query> {
    if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        let clauses = b.clauses().iter().map(|(occur, q)| (*occur, shape(q.box_clone(), title, fuzzy))).collect();
        return Box::new(BooleanQuery::with_minimum_required_clauses(clauses, b.get_minimum_number_should_match()));
    }
    let (mut any, mut title_only) = (false, true);
    query.query_terms(&mut |t, _| {
        any = true;
        title_only &= t.field() == title;
    });
    let long_word = |t: &Term| t.value().as_str().is_some_and(|w| w.chars().count() >= FUZZY_MIN_CHARS);
    let query: Box<dyn Query> = match query.downcast_ref::<TermQuery>() {
        Some(t) if fuzzy && long_word(t.term()) => Box::new(FuzzyTermQuery::new(t.term().clone(), 1, true)),
        _ => query,
    };
    if any && title_only {
        Box::new(BoostQuery::new(query, TITLE_BOOST))
    } else {
        query
    }
}

/// Counts the matches, and each facet value among them, from the facet set's fast column: one
/// ordinal per document counted, each set seen turned into its facets once per segment.
struct FacetCounts;

struct SegmentFacetCounts {
    matched: usize,
    sets: Option<StrColumn>,
    counts: Vec<u32>,
}

type Counted = (usize, Vec<(String, String, usize)>);

impl Collector for FacetCounts {
    type Fruit = Counted;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let sets = segment.fast_fields().str("facet_set")?;
        let counts = vec![0; sets.as_ref().map_or(0, |c| c.num_terms())];
        Ok(SegmentFacetCounts { matched: 0, sets, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut total = 0;
        let mut all: HashMap<(String, String), usize> = HashMap::new();
        for (matched, facets) in segments {
            total += matched;
            for (facet, value, n) in facets {
                *all.entry((facet, value)).or_default() += n;
            }
        }
        let mut facets: Vec<(String, String, usize)> = all.into_iter().map(|((facet, value), n)| (facet, value, n)).collect();
        facets.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        Ok((total, facets))
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.matched += docs.len();
        if let Some(sets) = &self.sets {
            let ords = sets.ords();
            for &doc in docs {
                if let Some(ord) = ords.first(doc) {
                    self.counts[ord as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Counted {
        let mut facets: HashMap<(String, String), usize> = HashMap::new();
        let mut set = String::new();
        if let Some(sets) = &self.sets {
            for (ord, &n) in self.counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                set.clear();
                if !sets.ord_to_str(ord as u64, &mut set).unwrap_or(false) {
                    continue;
                }
                for (facet, value) in set.split(FACET_PAIR).filter_map(|pair| pair.split_once(FACET_VALUE)) {
                    *facets.entry((facet.to_string(), value.to_string())).or_default() += n as usize;
                }
            }
        }
        (self.matched, facets.into_iter().map(|((facet, value), n)| (facet, value, n)).collect())
    }
}

impl SearchIndex {
    /// Only the best `limit` document keys, without facets or snippets (the cheapest query,
    /// used to compare engines like for like).
    pub fn ranked_keys(&self, q: &str, limit: usize) -> Vec<String> {
        let searcher = self.reader.searcher();
        let query = parse(&self.index, &self.fields, q, false);
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

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::{doc, Index, IndexWriter};

    use super::{search_in, Filters, Results};
    use crate::search::schema::{prepare, schema, Fields};

    const PAGES: usize = 330;
    const STATES: [&str; 3] = ["Punjab", "Kerala", "Bihar"];

    /// PAGES small pages in two segments: page i is in STATES[i % 3], has the theme
    /// energy-efficiency when i is even and water too when i % 5 == 0; every fourth page's body
    /// has the short words "at", "to" and "it".
    fn pages() -> (Index, Fields) {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        prepare(&index);
        let mut w: IndexWriter = index.writer(15_000_000).unwrap();
        for i in 0..PAGES {
            let body = if i % 4 == 0 { "Sit at the loom, to learn it." } else { "Dyeing vats." };
            let mut d =
                doc!(f.key => format!("page:{i}"), f.kind => "page", f.title => format!("Weaving cluster {i}"), f.body => body, f.state => STATES[i % 3], f.sector => "textiles", f.language => "en");
            if i % 2 == 0 {
                d.add_text(f.theme, "energy-efficiency");
            }
            if i % 5 == 0 {
                d.add_text(f.theme, "water");
            }
            f.add_facet_set(&mut d);
            w.add_document(d).unwrap();
            if i == 199 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        (index, f)
    }

    fn run(index: &Index, f: &Fields, q: &str, filters: &Filters) -> Results {
        search_in(index, &index.reader().unwrap().searcher(), f, q, filters, 20)
    }

    fn count(r: &Results, facet: &str, value: &str) -> Option<usize> {
        r.facets.iter().find(|(k, v, _)| k == facet && v == value).map(|e| e.2)
    }

    fn pages_where(p: impl Fn(usize) -> bool) -> usize {
        (0..PAGES).filter(|&i| p(i)).count()
    }

    #[test]
    fn facets_count_every_match_not_only_the_best() {
        let (index, f) = pages();
        let r = run(&index, &f, "weaving", &Filters::default());
        assert_eq!((r.total, r.hits.len()), (PAGES, 20));
        for (s, state) in STATES.iter().enumerate() {
            assert_eq!(count(&r, "state", state), Some(pages_where(|i| i % 3 == s)), "{state}");
        }
        assert_eq!(count(&r, "theme", "energy-efficiency"), Some(pages_where(|i| i % 2 == 0)));
        assert_eq!(count(&r, "theme", "water"), Some(pages_where(|i| i % 5 == 0)));
        assert_eq!(count(&r, "kind", "page"), Some(PAGES));
        assert_eq!(count(&r, "sector", "textiles"), Some(PAGES));
        let order: Vec<(&str, &str)> = r.facets.iter().map(|(k, v, _)| (k.as_str(), v.as_str())).collect();
        assert_eq!(order[..4], [("kind", "page"), ("language", "en"), ("sector", "textiles"), ("state", "Bihar")], "by facet, then most frequent, then by name");

        let kerala = Filters { state: "Kerala".into(), ..Default::default() };
        let r = run(&index, &f, "weaving", &kerala);
        assert_eq!(r.total, pages_where(|i| i % 3 == 1));
        assert_eq!(count(&r, "theme", "energy-efficiency"), Some(pages_where(|i| i % 3 == 1 && i % 2 == 0)));
        assert_eq!(count(&r, "state", "Punjab"), None);
    }

    #[test]
    fn snippets_are_the_same_as_with_the_regex_analysis_and_every_word_stemmed() {
        use tantivy::snippet::SnippetGenerator;
        use tantivy::TantivyDocument;

        use super::{around_first_match, parse, snippet_generator, stored};
        // An index analysed as before this change (the regex tokenizer, every word stemmed),
        // over the shipped pages, each also cut in pieces so many pages match.
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register("solex", crate::search::tokenizer::tests::regex_analyzer());
        let mut w: IndexWriter = index.writer(15_000_000).unwrap();
        let mut n = 0;
        for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/content")).unwrap().flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
            let paras: Vec<&str> = text.split("\n\n").collect();
            for (i, body) in std::iter::once(text.as_str()).chain(paras.iter().copied()).enumerate() {
                let mut d = doc!(f.key => format!("page:{n}:{i}"), f.kind => "page", f.title => format!("Page {n}"), f.body => body, f.language => "en");
                f.add_facet_set(&mut d);
                w.add_document(d).unwrap();
            }
            n += 1;
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let queries = [
            "coke", "cupola furnace", "child labour", "\"child labour\"", "effluent treatment", "cupla", "बाल", "बाल श्रम", "कोक बचत", "stitching -football",
            "energy efficiency", "training workers", "waste water", "polio", "families awareness", "reeling silk", "charging", "the", "a", "housekeeping foundries",
            "saving costs", "generously", "दस्ताने", "जालंधर खेल", "1,200", "2024", "Rs lakh",
        ];
        let mut compared = 0;
        for q in queries {
            for fuzzy in [false, true] {
                let query = parse(&index, &f, q, fuzzy);
                let Ok(before) = SnippetGenerator::create(&searcher, query.as_ref(), f.body) else { continue };
                let ours = snippet_generator(&searcher, query.as_ref(), f.body).unwrap();
                let mut words: Vec<String> = Vec::new();
                query.query_terms(&mut |t, _| words.extend((t.field() == f.body).then(|| t.value().as_str().map(str::to_string)).flatten()));
                let top = searcher.search(query.as_ref(), &TopDocs::with_limit(50).order_by_score()).unwrap();
                for (_, a) in top {
                    let body = stored(&searcher.doc::<TantivyDocument>(a).unwrap(), f.body);
                    for text in [around_first_match(&body, &words), body.as_str()] {
                        let (b, o) = (before.snippet(text).to_html(), ours.snippet(text).to_html());
                        assert_eq!(o, b, "{q:?}");
                        compared += usize::from(b.contains("<b>"));
                    }
                }
            }
        }
        assert!(compared > 200, "{compared} snippets with a highlight compared");
    }

    #[test]
    fn only_long_words_are_taken_with_a_typo() {
        let (index, f) = pages();
        // One edit from "t" and "a" are "at", "to" and "it", in a quarter of the pages.
        for short in ["t", "a", "i", "sat", "vax"] {
            let r = run(&index, &f, short, &Filters::default());
            assert_eq!(r.total, 0, "{short}: {:?}", r.hits.iter().map(|h| &h.title).collect::<Vec<_>>());
        }
        assert_eq!(run(&index, &f, "looom", &Filters::default()).total, pages_where(|i| i % 4 == 0), "a long word finds its typo");
        assert_eq!(run(&index, &f, "looom -vats", &Filters::default()).total, pages_where(|i| i % 4 == 0));
        assert_eq!(run(&index, &f, "\"the loom\"", &Filters::default()).total, pages_where(|i| i % 4 == 0));
        assert_eq!(run(&index, &f, "\"the looom\"", &Filters::default()).total, 0, "phrases are never fuzzy");
    }
}
