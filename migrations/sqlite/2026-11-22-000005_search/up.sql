-- Search outbox: every change that affects search writes a row in its own transaction; each
-- portal process's indexer applies rows after the id recorded in its index.
CREATE TABLE search_outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
