-- National registry: controlled vocabularies, records (clusters, initiatives, best practices,
-- implementing agencies) with versions under review, and the tags the public filters by.
CREATE TABLE vocab_terms (
    id INTEGER PRIMARY KEY,
    vocab TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    label_hi TEXT NOT NULL DEFAULT '',
    grp TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (vocab, code)
);

-- The columns after `slug` mirror the published version (or the first draft until one is
-- published), so lists and filters never parse version bodies.
CREATE TABLE registry_records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    district TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT '',
    start_year INTEGER,
    end_year INTEGER,
    published_version INTEGER,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    verified_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    verified_at TIMESTAMP,
    reminded_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    withdrawn_note TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, slug)
);
CREATE INDEX registry_records_public ON registry_records(kind, published_version, state, start_year, end_year);
-- Public lists page through records by title.
CREATE INDEX registry_records_title ON registry_records(kind, title);

CREATE TABLE registry_versions (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    fields TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    reviewed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP,
    comments TEXT NOT NULL DEFAULT '',
    lock_version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (record_id, number)
);
CREATE INDEX registry_versions_status ON registry_versions(status, state);

-- Tags belong to published versions only; kind is copied from the record so that facet
-- counts over a whole kind read one index.
CREATE TABLE registry_tags (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    vocab TEXT NOT NULL,
    code TEXT NOT NULL
);
CREATE INDEX registry_tags_record ON registry_tags(record_id, vocab, code);
CREATE INDEX registry_tags_code ON registry_tags(vocab, code);
CREATE INDEX registry_tags_counts ON registry_tags(kind, vocab, code);
