//! Search with tantivy. The index is derived from the database: every change that matters
//! writes a search_outbox row in its own transaction; one indexer per process owns the writer,
//! reloads each changed item, deletes then re-adds its document, and commits with the last
//! applied outbox id in the commit payload, so a restart resumes where it stopped. A missing,
//! corrupt or old-schema index is rebuilt in a temporary folder and swapped in.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, TantivyDocument, Value, INDEXED, STORED, STRING, TEXT};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{Language, LowerCaser, RegexTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::db::{DbConn, Pool};
use crate::error::AppError;
use crate::models::{community, page, post, registry, search_outbox, user, vocabulary};

/// Facet counts are taken over this many best results (the total counts all).
const FACET_DEPTH: usize = 200;

/// Bump when the schema or analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;
const TOKENIZER: &str = "solex";

#[derive(Clone, Copy)]
pub struct Fields {
    key: Field,
    kind: Field,
    title: Field,
    body: Field,
    url: Field,
    theme: Field,
    state: Field,
    sector: Field,
    language: Field,
}

fn schema() -> (Schema, Fields) {
    use tantivy::schema::{IndexRecordOption, TextFieldIndexing, TextOptions};
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqsAndPositions))
        .set_stored();
    let _ = TEXT;
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
    };
    let _ = INDEXED;
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

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    dir: PathBuf,
    /// The outbox id the searchable index reflects; it moves whenever content changed.
    applied_through: std::sync::atomic::AtomicI64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    version: u32,
    last: i64,
}

fn open_existing(dir: &Path) -> Option<(Index, i64)> {
    let index = Index::open_in_dir(dir).ok()?;
    let payload = index.load_metas().ok()?.payload?;
    let p: Payload = serde_json::from_str(&payload).ok()?;
    (p.version == SCHEMA_VERSION).then_some((index, p.last))
}

fn prepare(index: &Index) {
    index.tokenizers().register(TOKENIZER, analyzer());
}

impl SearchIndex {
    /// Opens the index in `dir`, rebuilding it from the database if it is missing, corrupt
    /// or of another schema version; then applies what the outbox holds beyond it.
    pub fn open(base: &Path, conn: &mut DbConn) -> Result<Arc<SearchIndex>, AppError> {
        let dir = &current_dir(base);
        let (index, _) = match open_existing(dir) {
            Some(found) => found,
            None => {
                tracing::info!("building the search index in {}", dir.display());
                rebuild_into(dir, conn)?;
                open_existing(dir).ok_or_else(|| AppError::Internal("rebuilt index cannot be opened".into()))?
            }
        };
        let s = Self::from_index(index, dir)?;
        s.apply_outbox(conn)?;
        Ok(s)
    }

    fn from_index(index: Index, dir: &Path) -> Result<Arc<SearchIndex>, AppError> {
        prepare(&index);
        let (_, fields) = schema();
        let err = |e: tantivy::TantivyError| AppError::Internal(format!("search index: {e}"));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(err)?;
        let writer = index.writer(30_000_000).map_err(err)?;
        let s = SearchIndex { index, reader, fields, writer: Mutex::new(writer), dir: dir.to_path_buf(), applied_through: Default::default() };
        s.applied_through.store(s.last_applied(), std::sync::atomic::Ordering::Release);
        Ok(Arc::new(s))
    }

    fn last_applied(&self) -> i64 {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .map(|p| p.last)
            .unwrap_or(0)
    }

    /// Applies outbox rows after the index's last id; returns how many.
    pub fn apply_outbox(&self, conn: &mut DbConn) -> Result<usize, AppError> {
        let mut writer = self.writer.lock().expect("index writer");
        let mut last = self.last_applied();
        let mut applied = 0;
        loop {
            let rows = search_outbox::after(conn, last, 1000)?;
            if rows.is_empty() {
                break;
            }
            for (id, kind, ref_id) in rows {
                let key = format!("{kind}:{ref_id}");
                writer.delete_term(Term::from_field_text(self.fields.key, &key));
                if let Some(d) = document(conn, &self.fields, &kind, ref_id)? {
                    writer.add_document(d).map_err(|e| AppError::Internal(format!("search index: {e}")))?;
                }
                last = id;
                applied += 1;
            }
        }
        if applied > 0 {
            let payload = serde_json::to_string(&Payload { version: SCHEMA_VERSION, last }).expect("payload");
            let mut prepared = writer.prepare_commit().map_err(|e| AppError::Internal(format!("search index: {e}")))?;
            prepared.set_payload(&payload);
            prepared.commit().map_err(|e| AppError::Internal(format!("search index: {e}")))?;
            self.reader.reload().map_err(|e| AppError::Internal(format!("search index: {e}")))?;
            self.applied_through.store(last, std::sync::atomic::Ordering::Release);
        }
        Ok(applied)
    }

    /// Changes whenever the index takes in a change from the database, whoever made it.
    pub fn generation(&self) -> i64 {
        self.applied_through.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The live index inside the configured folder (the folder itself may hold other files).
pub fn current_dir(base: &Path) -> PathBuf {
    base.join("current")
}

/// Writes a fresh index of everything public into a temporary folder and swaps it in.
pub fn rebuild_into(dir: &Path, conn: &mut DbConn) -> Result<usize, AppError> {
    let err = |e: tantivy::TantivyError| AppError::Internal(format!("search index: {e}"));
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{}-rebuild-{}", dir.file_name().and_then(|n| n.to_str()).unwrap_or("index"), std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(&tmp, schema).map_err(err)?;
    prepare(&index);
    let mut writer: IndexWriter = index.writer(50_000_000).map_err(err)?;
    // Read the outbox position first: changes made while we read are applied again later,
    // which is harmless (delete then add).
    let last = search_outbox::last_id(conn)?;
    let mut n = 0;
    for p in page::published(conn, i64::MAX)? {
        if let Some(d) = page_document(&fields, &p) {
            writer.add_document(d).map_err(err)?;
            n += 1;
        }
    }
    let terms = vocabulary::all(conn)?;
    for r in registry::all_published(conn)? {
        if let Some(d) = record_document(conn, &fields, &terms, &r)? {
            writer.add_document(d).map_err(err)?;
            n += 1;
        }
    }
    for c in community::list(conn)? {
        for (root, _) in post::threads(conn, c.id, !c.public_threads, i64::MAX, 0)? {
            if let Some(d) = document(conn, &fields, search_outbox::THREAD, root.id)? {
                writer.add_document(d).map_err(err)?;
                n += 1;
            }
        }
    }
    let payload = serde_json::to_string(&Payload { version: SCHEMA_VERSION, last }).expect("payload");
    let mut prepared = writer.prepare_commit().map_err(err)?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&tmp, dir)?;
    Ok(n)
}

fn is_hindi(text: &str) -> bool {
    text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}

/// A published page's document.
fn page_document(f: &Fields, p: &page::Page) -> Option<TantivyDocument> {
    if p.status != page::PUBLISHED {
        return None;
    }
    let mut d = doc!(
        f.key => format!("page:{}", p.id),
        f.kind => "page",
        f.title => p.title.clone(),
        f.body => format!("{}\n{}", crate::markdown::to_plain_text(&p.problem_md), crate::markdown::to_plain_text(&p.solution_md)),
        f.url => format!("/kb/{}", p.slug),
        f.state => p.state.clone(),
        f.sector => p.sector.clone(),
        f.language => p.language.clone(),
    );
    for t in p.theme_list() {
        d.add_text(f.theme, t);
    }
    Some(d)
}

/// The document for one item, or None when it is not public (then it is only deleted).
fn document(conn: &mut DbConn, f: &Fields, kind: &str, id: i64) -> Result<Option<TantivyDocument>, AppError> {
    match kind {
        search_outbox::PAGE => {
            let Ok(p) = page::find(conn, id) else { return Ok(None) };
            Ok(page_document(f, &p))
        }
        search_outbox::THREAD => {
            let Ok(root) = post::find(conn, id) else { return Ok(None) };
            let c = community::find(conn, root.community_id)?;
            if !root.is_query() || root.status != post::APPROVED || !(root.is_public || c.public_threads) {
                return Ok(None);
            }
            let mut body = crate::markdown::html_to_plain(&root.body_html);
            for (r, _) in post::replies(conn, root.id, None, false)? {
                body.push('\n');
                body.push_str(&crate::markdown::html_to_plain(&r.body_html));
            }
            let _ = user::find(conn, root.author_id)?;
            let language = if is_hindi(&format!("{} {body}", root.title)) { "hi" } else { "en" };
            let mut d = doc!(
                f.key => format!("thread:{}", root.id),
                f.kind => "thread",
                f.title => root.title.clone(),
                f.body => body,
                f.url => format!("/c/{}/t/{}", c.slug, root.id),
                f.state => root.state.clone(),
                f.sector => root.sector.clone(),
                f.language => language,
            );
            for t in root.theme_list() {
                d.add_text(f.theme, t);
            }
            Ok(Some(d))
        }
        search_outbox::RECORD => {
            let Ok(r) = registry::find(conn, id) else { return Ok(None) };
            let terms = vocabulary::all(conn)?;
            record_document(conn, f, &terms, &r)
        }
        _ => Ok(None),
    }
}

/// A published registry record's document: its title, and every published value as text
/// (vocabulary codes by their labels), so a search for "child labour" finds the initiatives
/// tagged with it.
fn record_document(conn: &mut DbConn, f: &Fields, terms: &[vocabulary::Term], r: &registry::Record) -> Result<Option<TantivyDocument>, AppError> {
    let Some(n) = r.published_version else { return Ok(None) };
    let v = registry::version(conn, r.id, n)?;
    let values: std::collections::BTreeMap<String, String> = serde_json::from_str(&v.fields).unwrap_or_default();
    let mut body = String::new();
    for (name, value) in &values {
        if matches!(name.as_str(), "title" | "name" | "pages" | "threads") {
            continue;
        }
        for item in value.split("; ") {
            let label = terms.iter().find(|t| t.code == item && t.vocab != "state").map(|t| t.label.as_str()).unwrap_or(item);
            body.push_str(label);
            body.push('\n');
        }
    }
    let plural = match r.kind.as_str() {
        "cluster" => "clusters",
        "practice" => "practices",
        "agency" => "agencies",
        _ => "initiatives",
    };
    let language = if is_hindi(&format!("{} {body}", r.title)) { "hi" } else { "en" };
    Ok(Some(doc!(
        f.key => format!("record:{}", r.id),
        f.kind => r.kind.clone(),
        f.title => r.title.clone(),
        f.body => body,
        f.url => format!("/registry/{plural}/{}", r.slug),
        f.state => r.state.clone(),
        f.sector => r.sector.clone(),
        f.language => language,
    )))
}

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

/// The indexer thread: applies the outbox when woken and every half second.
pub fn spawn_indexer(index: Arc<SearchIndex>, pool: Pool) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("search-indexer".into())
        .spawn(move || loop {
            match pool.get() {
                Ok(mut conn) => {
                    if let Err(e) = index.apply_outbox(&mut conn) {
                        tracing::error!("search indexer: {e}");
                    }
                }
                Err(e) => tracing::error!("search indexer: {e}"),
            }
            match rx.recv_timeout(Duration::from_millis(500)) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => while rx.try_recv().is_ok() {},
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        })
        .expect("spawn search indexer");
    tx
}
