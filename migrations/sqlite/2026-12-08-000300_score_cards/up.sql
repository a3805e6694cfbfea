-- ESR score cards (Tables 2.7-2.9 of the book): a state focal point scores a cluster on a
-- date; the national focal point approves or returns each card, as with registry versions.
-- `scores` holds the 26 scores 0-5 as digits, in the order of services::registry::score_cards
-- (existence of the 7 issues, diversity of the 7, efforts of the 7, the 5 economic parameters).
-- `assessed_on` is the day scored, YYYY-MM-DD, so it sorts as text on both databases.
CREATE TABLE score_cards (
    id INTEGER PRIMARY KEY,
    cluster_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    scores TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    reviewed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP,
    comment TEXT NOT NULL DEFAULT '',
    lock_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX score_cards_cluster ON score_cards(cluster_id, status, assessed_on);
CREATE INDEX score_cards_status ON score_cards(status, state);

-- A short list the national focal point published: the ranking as it stood, kept as JSON so
-- it reads the same whatever is approved later.
CREATE TABLE short_lists (
    id INTEGER PRIMARY KEY,
    published_at TIMESTAMP NOT NULL,
    published_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    entries TEXT NOT NULL
);
