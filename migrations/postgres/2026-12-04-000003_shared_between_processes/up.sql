-- What several portal processes on one database share. Times here are milliseconds since
-- 1970 on the database's clock, so processes whose clocks differ still agree.

-- Rate-limit counters: one row per limiter key, named only by the first 16 bytes of its
-- SHA-256 (never the address or email it was made from). `hits` counts inside the window that
-- began at `window_start`; `refusals` counts refusals since the last counted hit.
-- UNLOGGED: a count need not survive a crash of the database server (a restarted portal
-- forgets its own table too), and a commit that wrote only here does not wait for the
-- write-ahead log to reach the disk.
CREATE UNLOGGED TABLE rate_buckets (
    key_hash BYTEA PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    refusals INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rate_buckets_window ON rate_buckets(window_start);

-- One counter every write request bumps; each process reads it a few times a second and
-- drops the pages it cached before a change made by any process.
CREATE TABLE change_stamp (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO change_stamp (id, changes) VALUES (1, 0);

-- Which process runs a background job (the digest scheduler) until when; another process
-- takes the job over once `expires_at` has passed without its holder renewing it.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
