//! Registry records and their versions. A record is a cluster, initiative, best practice or
//! implementing agency; its content lives in versions (JSON field maps) that move through
//! draft -> submitted -> (returned -> submitted)* -> published -> superseded. The record row
//! mirrors the published version's filterable columns, and registry_tags its multi-valued ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{page_links, pages, registry_records, registry_tags, registry_versions};
use crate::db::DbConn;

crate::text_enum! {
    /// Where a registry version stands.
    pub enum Status {
        Draft,
        Submitted,
        Returned,
        Published,
        Superseded,
        /// The published version of a record the national focal point took out of the registry.
        Withdrawn,
    }
}

/// Statuses of the one version a record may have open for work.
pub const OPEN: &[Status] = &[Status::Draft, Status::Submitted, Status::Returned];

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = registry_records)]
pub struct Record {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub state: String,
    pub district: String,
    pub sector: String,
    pub stage: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub published_version: Option<i32>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub verified_by: Option<i64>,
    pub verified_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_note: String,
}

impl Record {
    pub fn is_published(&self) -> bool {
        self.published_version.is_some()
    }
}

/// The filterable columns of a record, taken from a version.
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = registry_records, treat_none_as_null = true)]
pub struct Columns {
    pub title: String,
    pub state: String,
    pub district: String,
    pub sector: String,
    pub stage: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq)]
#[diesel(table_name = registry_versions)]
pub struct Version {
    pub id: i64,
    pub record_id: i64,
    pub number: i32,
    pub fields: String,
    pub state: String,
    pub status: Status,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub comments: String,
    pub lock_version: i32,
}

pub fn insert_record(conn: &mut DbConn, kind: &str, slug: &str, cols: &Columns, by: Option<i64>, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(registry_records::table)
        .values((
            registry_records::kind.eq(kind),
            registry_records::slug.eq(slug),
            registry_records::title.eq(&cols.title),
            registry_records::state.eq(&cols.state),
            registry_records::district.eq(&cols.district),
            registry_records::sector.eq(&cols.sector),
            registry_records::stage.eq(&cols.stage),
            registry_records::start_year.eq(cols.start_year),
            registry_records::end_year.eq(cols.end_year),
            registry_records::created_by.eq(by),
            registry_records::created_at.eq(now),
            registry_records::updated_at.eq(now),
        ))
        .returning(registry_records::id)
        .get_result(conn)
}

/// A new record with its first version, as an import writes many at once.
pub struct NewRecord {
    pub slug: String,
    pub cols: Columns,
    /// The first version's fields (JSON).
    pub fields: String,
    /// The record's tags, written only when it is published at once.
    pub tags: Vec<(String, String)>,
}

// Every field is written as given, None as NULL: with diesel's default (a field may mean
// DEFAULT), SQLite would take the rows one INSERT at a time inside a nested transaction.
#[derive(Insertable)]
#[diesel(table_name = registry_records, treat_none_as_default_value = false)]
struct RecordRow<'a> {
    kind: &'a str,
    slug: &'a str,
    title: &'a str,
    state: &'a str,
    district: &'a str,
    sector: &'a str,
    stage: &'a str,
    start_year: Option<i32>,
    end_year: Option<i32>,
    published_version: Option<i32>,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    verified_by: Option<i64>,
    verified_at: Option<NaiveDateTime>,
}
const RECORD_COLUMNS: usize = 15;

#[derive(Insertable)]
#[diesel(table_name = registry_versions, treat_none_as_default_value = false)]
struct VersionRow<'a> {
    record_id: i64,
    number: i32,
    fields: &'a str,
    state: &'a str,
    status: Status,
    author_id: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
}
const VERSION_COLUMNS: usize = 9;

#[derive(Insertable)]
#[diesel(table_name = registry_tags, treat_none_as_default_value = false)]
struct TagRow<'a> {
    record_id: i64,
    kind: &'a str,
    vocab: &'a str,
    code: &'a str,
}
const TAG_COLUMNS: usize = 4;

/// Inserts records with their first versions (and, when `status` is published, their tags),
/// a few statements for many rows. What lands is what `insert_record` and `insert_version`
/// followed by `publish_in` would write for each: a published record carries version 1 as its
/// published one, verified by nobody at `now`. Returns the new ids in the order given.
pub fn insert_records(conn: &mut DbConn, kind: &str, new: &[NewRecord], status: Status, by: Option<i64>, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    let published = status == Status::Published;
    let mut ids = Vec::with_capacity(new.len());
    for chunk in new.chunks(crate::db::rows_per_statement(RECORD_COLUMNS)) {
        let rows: Vec<RecordRow> = chunk
            .iter()
            .map(|n| RecordRow {
                kind,
                slug: &n.slug,
                title: &n.cols.title,
                state: &n.cols.state,
                district: &n.cols.district,
                sector: &n.cols.sector,
                stage: &n.cols.stage,
                start_year: n.cols.start_year,
                end_year: n.cols.end_year,
                published_version: published.then_some(1),
                created_by: by,
                created_at: now,
                updated_at: now,
                verified_by: None,
                verified_at: published.then_some(now),
            })
            .collect();
        // RETURNING promises no order on either backend: ids are matched by web name.
        let back: Vec<(i64, String)> = crate::on_backend!(&mut *conn, |c| diesel::insert_into(registry_records::table).values(&rows).returning((registry_records::id, registry_records::slug)).get_results(c))?;
        let by_slug: std::collections::HashMap<&str, i64> = back.iter().map(|(id, slug)| (slug.as_str(), *id)).collect();
        ids.extend(chunk.iter().map(|n| by_slug[n.slug.as_str()]));
    }
    let submitted_at = (status == Status::Submitted).then_some(now);
    for (chunk, chunk_ids) in new.chunks(crate::db::rows_per_statement(VERSION_COLUMNS)).zip(ids.chunks(crate::db::rows_per_statement(VERSION_COLUMNS))) {
        let rows: Vec<VersionRow> = chunk
            .iter()
            .zip(chunk_ids)
            .map(|(n, id)| VersionRow { record_id: *id, number: 1, fields: &n.fields, state: &n.cols.state, status, author_id: by, created_at: now, updated_at: now, submitted_at })
            .collect();
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(registry_versions::table).values(&rows).execute(c))?;
    }
    if published {
        let tags: Vec<TagRow> = new.iter().zip(&ids).flat_map(|(n, id)| n.tags.iter().map(move |(vocab, code)| TagRow { record_id: *id, kind, vocab, code })).collect();
        for chunk in tags.chunks(crate::db::rows_per_statement(TAG_COLUMNS)) {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(registry_tags::table).values(chunk).execute(c))?;
        }
    }
    Ok(ids)
}

/// The web names of every record of a kind, to choose new ones without a look-up each.
pub fn slugs_of_kind(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<String>> {
    registry_records::table.filter(registry_records::kind.eq(kind)).select(registry_records::slug).load(conn)
}

/// Records of a kind by web name, looked up in chunks that stay under both backends' limits.
pub fn find_by_slugs(conn: &mut DbConn, kind: &str, slugs: &[&str]) -> QueryResult<Vec<Record>> {
    let mut out = Vec::new();
    for chunk in slugs.chunks(5000) {
        out.extend(registry_records::table.filter(registry_records::kind.eq(kind)).filter(registry_records::slug.eq_any(chunk)).select(Record::as_select()).load(conn)?);
    }
    Ok(out)
}

/// The versions open for work of the given records.
pub fn open_versions(conn: &mut DbConn, record_ids: &[i64]) -> QueryResult<Vec<Version>> {
    let mut out = Vec::new();
    for chunk in record_ids.chunks(5000) {
        out.extend(registry_versions::table.filter(registry_versions::record_id.eq_any(chunk)).filter(registry_versions::status.eq_any(OPEN)).select(Version::as_select()).load(conn)?);
    }
    Ok(out)
}

/// The published versions of the given records.
pub fn published_versions(conn: &mut DbConn, record_ids: &[i64]) -> QueryResult<Vec<Version>> {
    let mut out = Vec::new();
    for chunk in record_ids.chunks(5000) {
        out.extend(
            registry_versions::table
                .inner_join(registry_records::table)
                .filter(registry_records::id.eq_any(chunk))
                .filter(registry_records::published_version.eq(registry_versions::number.nullable()))
                .select(Version::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Record> {
    registry_records::table.find(id).select(Record::as_select()).first(conn)
}

pub fn find_by_slug(conn: &mut DbConn, kind: &str, slug: &str) -> QueryResult<Option<Record>> {
    registry_records::table
        .filter(registry_records::kind.eq(kind))
        .filter(registry_records::slug.eq(slug))
        .select(Record::as_select())
        .first(conn)
        .optional()
}

pub fn set_columns(conn: &mut DbConn, id: i64, cols: &Columns, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(registry_records::table.find(id)).set((cols, registry_records::updated_at.eq(now))).execute(conn)
}

pub fn mark_published(conn: &mut DbConn, id: i64, version: i32, by: Option<i64>, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(registry_records::table.find(id))
        .set((
            registry_records::published_version.eq(Some(version)),
            registry_records::verified_by.eq(by),
            registry_records::verified_at.eq(Some(at)),
            registry_records::reminded_at.eq(None::<NaiveDateTime>),
            registry_records::withdrawn_at.eq(None::<NaiveDateTime>),
            registry_records::withdrawn_note.eq(""),
            registry_records::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Takes a record out of the public registry; a later approval publishes it again.
pub fn mark_withdrawn(conn: &mut DbConn, id: i64, note: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(registry_records::table.find(id))
        .set((
            registry_records::published_version.eq(None::<i32>),
            registry_records::withdrawn_at.eq(Some(at)),
            registry_records::withdrawn_note.eq(note),
            registry_records::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn mark_reminded(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(registry_records::table.find(id)).set(registry_records::reminded_at.eq(Some(at))).execute(conn)
}

pub fn all_published(conn: &mut DbConn) -> QueryResult<Vec<Record>> {
    registry_records::table
        .filter(registry_records::published_version.is_not_null())
        .order((registry_records::kind.asc(), registry_records::title.asc()))
        .select(Record::as_select())
        .load(conn)
}

/// How many records the public sees (those with a published version).
pub fn count_published(conn: &mut DbConn) -> QueryResult<i64> {
    registry_records::table.filter(registry_records::published_version.is_not_null()).count().get_result(conn)
}

/// How many published records of each kind each state has: (state, kind, how many), counted
/// in the database.
pub fn published_counts_by_state(conn: &mut DbConn) -> QueryResult<Vec<(String, String, i64)>> {
    use diesel::dsl::count_star;
    registry_records::table
        .filter(registry_records::published_version.is_not_null())
        .group_by((registry_records::state, registry_records::kind))
        .select((registry_records::state, registry_records::kind, count_star()))
        .load(conn)
}

/// How many published records of a kind share each (state, sector, stage), counted in the
/// database.
pub fn published_stage_counts(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<(String, String, String, i64)>> {
    use diesel::dsl::count_star;
    registry_records::table
        .filter(registry_records::kind.eq(kind))
        .filter(registry_records::published_version.is_not_null())
        .group_by((registry_records::state, registry_records::sector, registry_records::stage))
        .select((registry_records::state, registry_records::sector, registry_records::stage, count_star()))
        .load(conn)
}

/// The published records verified last, newest first.
pub fn recently_verified(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Record>> {
    registry_records::table
        .filter(registry_records::published_version.is_not_null())
        .filter(registry_records::verified_at.is_not_null())
        .order((registry_records::verified_at.desc(), registry_records::kind.asc(), registry_records::title.asc()))
        .limit(limit)
        .select(Record::as_select())
        .load(conn)
}

pub fn count_all(conn: &mut DbConn) -> QueryResult<i64> {
    registry_records::table.count().get_result(conn)
}

/// Published records last verified before `before` and not reminded since `reminded_before`.
pub fn overdue(conn: &mut DbConn, before: NaiveDateTime, reminded_before: NaiveDateTime) -> QueryResult<Vec<Record>> {
    registry_records::table
        .filter(registry_records::published_version.is_not_null())
        .filter(registry_records::verified_at.lt(before))
        .filter(registry_records::reminded_at.is_null().or(registry_records::reminded_at.lt(reminded_before)))
        .order(registry_records::id.asc())
        .select(Record::as_select())
        .load(conn)
}

/// Records (any status) in the given states, or in every state when `states` is None.
pub fn in_states(conn: &mut DbConn, states: Option<&[String]>) -> QueryResult<Vec<Record>> {
    let mut q = registry_records::table.select(Record::as_select()).order((registry_records::kind.asc(), registry_records::title.asc())).into_boxed();
    if let Some(s) = states {
        q = q.filter(registry_records::state.eq_any(s.to_vec()));
    }
    q.load(conn)
}

pub fn insert_version(conn: &mut DbConn, record_id: i64, number: i32, fields: &str, state: &str, status: Status, author: Option<i64>, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(registry_versions::table)
        .values((
            registry_versions::record_id.eq(record_id),
            registry_versions::number.eq(number),
            registry_versions::fields.eq(fields),
            registry_versions::state.eq(state),
            registry_versions::status.eq(status),
            registry_versions::author_id.eq(author),
            registry_versions::created_at.eq(now),
            registry_versions::updated_at.eq(now),
            registry_versions::submitted_at.eq(if status == Status::Submitted { Some(now) } else { None }),
        ))
        .returning(registry_versions::id)
        .get_result(conn)
}

pub fn version(conn: &mut DbConn, record_id: i64, number: i32) -> QueryResult<Version> {
    registry_versions::table
        .filter(registry_versions::record_id.eq(record_id))
        .filter(registry_versions::number.eq(number))
        .select(Version::as_select())
        .first(conn)
}

pub fn versions(conn: &mut DbConn, record_id: i64) -> QueryResult<Vec<Version>> {
    registry_versions::table
        .filter(registry_versions::record_id.eq(record_id))
        .order(registry_versions::number.desc())
        .select(Version::as_select())
        .load(conn)
}

/// The version open for work (draft, submitted or returned), if any.
pub fn open_version(conn: &mut DbConn, record_id: i64) -> QueryResult<Option<Version>> {
    registry_versions::table
        .filter(registry_versions::record_id.eq(record_id))
        .filter(registry_versions::status.eq_any(OPEN))
        .select(Version::as_select())
        .first(conn)
        .optional()
}

pub fn last_number(conn: &mut DbConn, record_id: i64) -> QueryResult<i32> {
    let n: Option<i32> = registry_versions::table
        .filter(registry_versions::record_id.eq(record_id))
        .select(diesel::dsl::max(registry_versions::number))
        .first(conn)?;
    Ok(n.unwrap_or(0))
}

/// Rewrites an open version's fields; false when someone else changed it first.
pub fn update_fields(conn: &mut DbConn, id: i64, lock: i32, fields: &str, state: &str, status: Status, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(registry_versions::table.find(id).filter(registry_versions::lock_version.eq(lock)).filter(registry_versions::status.eq_any(OPEN)))
        .set((
            registry_versions::fields.eq(fields),
            registry_versions::state.eq(state),
            registry_versions::status.eq(status),
            registry_versions::updated_at.eq(now),
            registry_versions::submitted_at.eq(if status == Status::Submitted { Some(now) } else { None }),
            registry_versions::lock_version.eq(lock + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Moves a version from `from` to `to` status with the reviewer's comments; false when the
/// version was not in `from` at that lock (another reviewer acted first).
pub fn review(conn: &mut DbConn, id: i64, lock: i32, from: Status, to: Status, by: i64, comments: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(registry_versions::table.find(id).filter(registry_versions::lock_version.eq(lock)).filter(registry_versions::status.eq(from)))
        .set((
            registry_versions::status.eq(to),
            registry_versions::reviewed_by.eq(Some(by)),
            registry_versions::reviewed_at.eq(Some(now)),
            registry_versions::comments.eq(comments),
            registry_versions::updated_at.eq(now),
            registry_versions::lock_version.eq(lock + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn set_version_status(conn: &mut DbConn, id: i64, status: Status) -> QueryResult<usize> {
    diesel::update(registry_versions::table.find(id)).set(registry_versions::status.eq(status)).execute(conn)
}

/// Versions waiting for review, oldest first, with their records.
pub fn submitted(conn: &mut DbConn) -> QueryResult<Vec<(Version, Record)>> {
    registry_versions::table
        .inner_join(registry_records::table)
        .filter(registry_versions::status.eq(Status::Submitted))
        .order(registry_versions::submitted_at.asc())
        .select((Version::as_select(), Record::as_select()))
        .load(conn)
}

/// Open versions in the given states (a focal point's work list).
pub fn open_in_states(conn: &mut DbConn, states: &[String]) -> QueryResult<Vec<(Version, Record)>> {
    registry_versions::table
        .inner_join(registry_records::table)
        .filter(registry_versions::status.eq_any(OPEN))
        .filter(registry_versions::state.eq_any(states.to_vec()).or(registry_records::state.eq_any(states.to_vec())))
        .order(registry_versions::updated_at.desc())
        .select((Version::as_select(), Record::as_select()))
        .load(conn)
}

/// Replaces a published record's tags.
pub fn set_tags(conn: &mut DbConn, record_id: i64, kind: &str, tags: &[(String, String)]) -> QueryResult<()> {
    diesel::delete(registry_tags::table.filter(registry_tags::record_id.eq(record_id))).execute(conn)?;
    for (vocab, code) in tags {
        diesel::insert_into(registry_tags::table)
            .values((registry_tags::record_id.eq(record_id), registry_tags::kind.eq(kind), registry_tags::vocab.eq(vocab), registry_tags::code.eq(code)))
            .execute(conn)?;
    }
    Ok(())
}

/// Published records carrying a tag (for example every initiative of one cluster).
pub fn tagged(conn: &mut DbConn, vocab: &str, code: &str) -> QueryResult<Vec<Record>> {
    registry_tags::table
        .inner_join(registry_records::table)
        .filter(registry_tags::vocab.eq(vocab))
        .filter(registry_tags::code.eq(code))
        .filter(registry_records::published_version.is_not_null())
        .order((registry_records::kind.asc(), registry_records::title.asc()))
        .select(Record::as_select())
        .distinct()
        .load(conn)
}

/// Published knowledge pages whose text links to `target` ("registry/KIND/SLUG").
pub fn linking_pages(conn: &mut DbConn, target: &str) -> QueryResult<Vec<(String, String, String)>> {
    page_links::table
        .inner_join(pages::table)
        .filter(page_links::to_slug.eq(target))
        .filter(pages::status.eq(crate::models::page::Status::Published))
        .order(pages::title.asc())
        .select((pages::slug, pages::title, pages::language))
        .distinct()
        .load(conn)
}

/// Published records whose text links to a knowledge page (registry targets of page_links).
pub fn linked_from_page(conn: &mut DbConn, page_id: i64) -> QueryResult<Vec<String>> {
    page_links::table
        .filter(page_links::from_page.eq(page_id))
        .filter(page_links::to_slug.like("registry/%"))
        .select(page_links::to_slug)
        .load(conn)
}

/// (record id, fields JSON) of the published version of every published record of a kind.
pub fn published_fields(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<(i64, String)>> {
    registry_versions::table
        .inner_join(registry_records::table)
        .filter(registry_records::kind.eq(kind))
        .filter(registry_records::published_version.eq(registry_versions::number.nullable()))
        .select((registry_records::id, registry_versions::fields))
        .load(conn)
}

/// What a public list asks for: published records of one kind matching every given value.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub kind: String,
    pub state: String,
    pub sector: String,
    pub stage: String,
    /// Part of the district, any case.
    pub district: String,
    /// Records active in this year.
    pub year: Option<i32>,
    /// (vocabulary, code) pairs every record must carry.
    pub tags: Vec<(String, String)>,
    /// Agencies whose latest rating (Table 2.10) is at least this.
    pub min_rating: Option<i32>,
    /// Agencies by latest rating, highest first (unrated last), instead of by title.
    pub by_rating: bool,
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Narrows any boxed statement over registry_records (alone, grouped, or joined with its
/// tags) to the records a query matches.
macro_rules! narrowed {
    ($s:expr, $q:expr) => {{
        use registry_records::dsl as r;
        let q: &Query = $q;
        let mut s = $s.filter(r::kind.eq(q.kind.clone())).filter(r::published_version.is_not_null());
        if !q.state.is_empty() {
            s = s.filter(r::state.eq(q.state.clone()));
        }
        if !q.sector.is_empty() {
            s = s.filter(r::sector.eq(q.sector.clone()));
        }
        if !q.stage.is_empty() {
            s = s.filter(r::stage.eq(q.stage.clone()));
        }
        if !q.district.is_empty() {
            let escaped = q.district.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            s = s.filter(lower(r::district).like(format!("%{escaped}%")).escape('\\'));
        }
        if let Some(y) = q.year {
            s = s.filter(
                r::start_year
                    .le(y)
                    .and(r::end_year.is_null().or(r::end_year.ge(y)))
                    .or(r::start_year.is_null().and(r::end_year.ge(y))),
            );
        }
        for (vocab, code) in &q.tags {
            // An alias, so the subquery can run inside a statement already joined with the tags.
            let t = diesel::alias!(registry_tags as required_tag);
            let tagged = t
                .filter(t.field(registry_tags::vocab).eq(vocab.clone()))
                .filter(t.field(registry_tags::code).eq(code.clone()))
                .select(t.field(registry_tags::record_id));
            s = s.filter(r::id.eq_any(tagged));
        }
        if let Some(min) = q.min_rating {
            use crate::db::schema::agency_ratings as ar;
            // An alias, so the subquery can run inside a statement already joined with the ratings.
            let a = diesel::alias!(ar as min_rated);
            let rated = a.filter(a.field(ar::latest).eq(true)).filter(a.field(ar::total).ge(min)).select(a.field(ar::record_id));
            s = s.filter(r::id.eq_any(rated));
        }
        s
    }};
}

/// One page of matching records by title, or all of them when `limit` is None.
pub fn find_matching(conn: &mut DbConn, q: &Query, limit: Option<i64>, offset: i64) -> QueryResult<Vec<Record>> {
    if q.by_rating {
        return find_matching_by_rating(conn, q, limit, offset);
    }
    let mut s = narrowed!(registry_records::table.select(Record::as_select()).into_boxed(), q).order((registry_records::title.asc(), registry_records::id.asc()));
    if let Some(l) = limit {
        // SQLite accepts OFFSET only after LIMIT.
        s = s.limit(l).offset(offset);
    }
    s.load(conn)
}

/// `find_matching` ordered by each agency's latest rating, highest first, unrated last.
fn find_matching_by_rating(conn: &mut DbConn, q: &Query, limit: Option<i64>, offset: i64) -> QueryResult<Vec<Record>> {
    use crate::db::schema::agency_ratings as ar;
    let joined = registry_records::table.left_join(ar::table.on(ar::record_id.eq(registry_records::id).and(ar::latest.eq(true)))).select(Record::as_select()).into_boxed();
    let mut s = narrowed!(joined, q).order((ar::total.is_null().asc(), ar::total.desc(), registry_records::title.asc(), registry_records::id.asc()));
    if let Some(l) = limit {
        s = s.limit(l).offset(offset);
    }
    s.load(conn)
}

/// One row per matching record's facts with how many records share them: (state, sector,
/// stage, start year, end year, how many). The total, the column counts and the years all
/// come from these few rows, grouped in the database from one index.
pub fn matching_facts(conn: &mut DbConn, q: &Query) -> QueryResult<Vec<(String, String, String, Option<i32>, Option<i32>, i64)>> {
    use diesel::dsl::count_star;
    use registry_records::dsl as rr;
    let grouped = rr::registry_records.group_by((rr::state, rr::sector, rr::stage, rr::start_year, rr::end_year)).select((rr::state, rr::sector, rr::stage, rr::start_year, rr::end_year, count_star()));
    narrowed!(grouped.into_boxed(), q).load(conn)
}

/// (vocab, code, how many) of the tags, in the given vocabularies, of the records a query
/// matches; the records are chosen and the tags counted in the same statement.
pub fn tag_counts_of_matching(conn: &mut DbConn, q: &Query, vocabs: &[&str]) -> QueryResult<Vec<(String, String, i64)>> {
    use diesel::dsl::count_star;
    let tags = registry_tags::table
        .inner_join(registry_records::table)
        .filter(registry_tags::vocab.eq_any(vocabs.to_vec()))
        .group_by((registry_tags::vocab, registry_tags::code))
        .select((registry_tags::vocab, registry_tags::code, count_star()));
    narrowed!(tags.into_boxed(), q).load(conn)
}

/// How many published records of a kind carry each code of some vocabularies: (vocab, code,
/// how many). Tags exist only for published records, so this reads one index range.
pub fn tag_counts_of_kind_in(conn: &mut DbConn, kind: &str, vocabs: &[&str]) -> QueryResult<Vec<(String, String, i64)>> {
    use diesel::dsl::count_star;
    registry_tags::table
        .filter(registry_tags::kind.eq(kind))
        .filter(registry_tags::vocab.eq_any(vocabs))
        .group_by((registry_tags::vocab, registry_tags::code))
        .select((registry_tags::vocab, registry_tags::code, count_star()))
        .load(conn)
}

impl Query {
    /// True when only the kind is asked for.
    pub fn is_whole_kind(&self) -> bool {
        self.state.is_empty() && self.sector.is_empty() && self.stage.is_empty() && self.district.is_empty() && self.year.is_none() && self.tags.is_empty() && self.min_rating.is_none()
    }
}

/// A kind's published records, last published first (publication sets updated_at).
pub fn recently_published(conn: &mut DbConn, kind: &str, limit: i64) -> QueryResult<Vec<Record>> {
    registry_records::table
        .filter(registry_records::kind.eq(kind))
        .filter(registry_records::published_version.is_not_null())
        .order((registry_records::updated_at.desc(), registry_records::id.desc()))
        .limit(limit)
        .select(Record::as_select())
        .load(conn)
}

/// Published records changed (published, updated) after `since` that carry any of the tags
/// (vocabulary, code; an empty code is any term of the vocabulary), last changed first.
pub fn published_tagged_since(conn: &mut DbConn, tags: &[(&str, &str)], since: NaiveDateTime, limit: i64) -> QueryResult<Vec<Record>> {
    let mut ids: Vec<i64> = Vec::new();
    for (vocab, code) in tags {
        let mut q = registry_tags::table.filter(registry_tags::vocab.eq(*vocab)).select(registry_tags::record_id).into_boxed();
        if !code.is_empty() {
            q = q.filter(registry_tags::code.eq(*code));
        }
        let found: Vec<i64> = q
            .filter(registry_tags::record_id.eq_any(
                registry_records::table.filter(registry_records::published_version.is_not_null()).filter(registry_records::updated_at.gt(since)).select(registry_records::id),
            ))
            .load(conn)?;
        for id in found {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    registry_records::table
        .filter(registry_records::id.eq_any(ids))
        .order((registry_records::updated_at.desc(), registry_records::id.desc()))
        .limit(limit)
        .select(Record::as_select())
        .load(conn)
}
