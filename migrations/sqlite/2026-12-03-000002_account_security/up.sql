-- Contributors are named only when they said so: everyone starts unnamed until they choose.
UPDATE users SET credit_consent = FALSE;
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
