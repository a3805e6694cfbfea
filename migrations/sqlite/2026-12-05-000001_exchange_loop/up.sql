-- How a query was answered: by a knowledge page made from its thread ('page'), by a page
-- that already existed ('existing_page'), or in the thread itself ('in_thread'); '' while it
-- waits. consolidated_at (older) stays the moment it was answered.
ALTER TABLE posts ADD COLUMN answer_kind TEXT NOT NULL DEFAULT '';
-- No foreign keys on these two: SQLite cannot drop a column that has one (the down migration),
-- and pages and accounts are withdrawn or anonymised, never deleted.
ALTER TABLE posts ADD COLUMN answered_page_id BIGINT;
ALTER TABLE posts ADD COLUMN answered_by BIGINT;
-- Queries answered before this column existed were answered by a published page citing them.
UPDATE posts SET answered_page_id = (
    SELECT MIN(pg.id) FROM pages pg
    WHERE pg.status = 'published'
      AND replace(char(10) || pg.source_threads || char(10), char(10) || posts.id || char(10), '') <> char(10) || pg.source_threads || char(10)
) WHERE thread_id IS NULL AND consolidated_at IS NOT NULL;
UPDATE posts SET answer_kind = 'page' WHERE answered_page_id IS NOT NULL;
UPDATE posts SET answer_kind = 'in_thread' WHERE consolidated_at IS NOT NULL AND answered_page_id IS NULL AND thread_id IS NULL;

-- Which mail a member wants, per topic: 'now', 'daily' (gathered into one roundup a day) or
-- 'off'. No row: the topic's default.
CREATE TABLE notification_settings (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    mode TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- Notices for members who take a topic daily, until their roundup goes out. Rendered when the
-- roundup is sent, like every mail, so each row names what it is about and nothing more.
CREATE TABLE pending_notices (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ref_id BIGINT,
    payload TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_notices_user ON pending_notices(user_id, id);

-- Consolidated replies that go out in a digest under their own heading.
CREATE TABLE digest_answers (
    digest_id BIGINT NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    query_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    PRIMARY KEY (digest_id, query_id)
);
