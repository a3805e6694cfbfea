-- What content/ last brought into the portal, one row per shipped item (a knowledge page, or a
-- registry record of the seed), so a restart can tell a changed file from a change made on the
-- portal: the file's hash then, and the revision (page) or published version (record) it left.
-- While the file and the portal have both changed, the file's text waits here for an
-- administrator (conflict_text); the portal's version stays meanwhile.
CREATE TABLE content_imports (
    id BIGSERIAL PRIMARY KEY,
    -- 'page', or the registry kind: 'cluster', 'agency', 'initiative', 'practice'
    kind TEXT NOT NULL,
    -- the web name the file gives (a renamed page is still found by its file's name)
    name TEXT NOT NULL,
    -- pages.id or registry_records.id
    target_id BIGINT NOT NULL,
    file TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    revision INTEGER NOT NULL,
    -- the page status the import left ('' for registry records)
    status TEXT NOT NULL DEFAULT '',
    conflict_hash TEXT NOT NULL DEFAULT '',
    conflict_text TEXT NOT NULL DEFAULT '',
    conflict_at TIMESTAMP,
    UNIQUE (kind, name)
);
