-- Knowledge pages and queries that point to schemes of Annex I (terms of the registry's
-- "scheme" vocabulary, by code), and the registry records a digest carries under "From the
-- registry" (the moderator may leave any out, as with the digest's posts).
CREATE TABLE page_schemes (
    id BIGSERIAL PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    code TEXT NOT NULL
);
CREATE UNIQUE INDEX page_schemes_page_code ON page_schemes (page_id, code);
CREATE INDEX page_schemes_code ON page_schemes (code);
CREATE TABLE post_schemes (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    code TEXT NOT NULL
);
CREATE UNIQUE INDEX post_schemes_post_code ON post_schemes (post_id, code);
CREATE INDEX post_schemes_code ON post_schemes (code);
CREATE TABLE digest_records (
    id BIGSERIAL PRIMARY KEY,
    digest_id BIGINT NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    included BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX digest_records_digest_record ON digest_records (digest_id, record_id);
