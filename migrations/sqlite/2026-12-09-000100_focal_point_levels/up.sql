-- Focal points of every level (issue 22): a sector focal point's grant names a sector (a code
-- of the registry's sector vocabulary); a cluster focal point's names a cluster record, the
-- office that chairs it ("District Collector, Panipat") and the day after which it lapses
-- (YYYY-MM-DD, checked at each request).
ALTER TABLE role_grants ADD COLUMN sector TEXT NOT NULL DEFAULT '';
ALTER TABLE role_grants ADD COLUMN cluster_id BIGINT;
ALTER TABLE role_grants ADD COLUMN office_title TEXT NOT NULL DEFAULT '';
ALTER TABLE role_grants ADD COLUMN ends_on TEXT NOT NULL DEFAULT '';
-- Technical input on a registry version under review: sector focal points comment, and the
-- reviewers, the state's focal points and the submitter read and answer.
CREATE TABLE registry_review_notes (
    id INTEGER PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES registry_versions(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX registry_review_notes_version ON registry_review_notes (version_id, id);
