-- Contributors are named only when they said so: everyone starts unnamed until they choose,
-- and a new account too (DEFAULT FALSE, as on PostgreSQL). SQLite cannot change a column's
-- default, so the column is made again.
ALTER TABLE users ADD COLUMN credit_consent_new BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users DROP COLUMN credit_consent;
ALTER TABLE users RENAME COLUMN credit_consent_new TO credit_consent;
ALTER TABLE users ADD COLUMN credit_consent_at TIMESTAMP;
-- An administrator can disable an account: it cannot sign in and gets no list mail.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;

-- Sign-ins, failures, password changes, resets and disables, for administrators to read.
CREATE TABLE security_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    address TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX security_events_user ON security_events(user_id, id);
CREATE INDEX security_events_kind ON security_events(kind, id);
CREATE INDEX security_events_address ON security_events(address, id);
