-- Mail: delivery modes, per-person mail token (unsubscribe, reply and bounce addresses),
-- bounce counts, lightweight outbox rows rendered at send time, digests, inbound log.
ALTER TABLE users ADD COLUMN mail_token TEXT;
ALTER TABLE users ADD COLUMN bounce_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN mail_stopped_at TIMESTAMP;
CREATE UNIQUE INDEX users_mail_token ON users(mail_token);

ALTER TABLE memberships ADD COLUMN delivery TEXT NOT NULL DEFAULT 'each';

ALTER TABLE communities ADD COLUMN auto_digest BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE mail_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'raw';
ALTER TABLE mail_outbox ADD COLUMN ref_id BIGINT;
ALTER TABLE mail_outbox ADD COLUMN user_id BIGINT;
ALTER TABLE mail_outbox ADD COLUMN lock_token TEXT;
CREATE INDEX mail_outbox_lock ON mail_outbox(lock_token);

CREATE TABLE digests (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    audience TEXT NOT NULL,
    status TEXT NOT NULL,
    editorial TEXT NOT NULL DEFAULT '',
    period_key TEXT,
    scheduled_at TIMESTAMP,
    sent_at TIMESTAMP,
    recipients INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (community_id, audience, period_key)
);

CREATE TABLE digest_items (
    id BIGSERIAL PRIMARY KEY,
    digest_id BIGINT NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    included BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX digest_items_digest ON digest_items(digest_id, position);

CREATE TABLE inbound_mail (
    id BIGSERIAL PRIMARY KEY,
    received_at TIMESTAMP NOT NULL,
    sender TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    post_id BIGINT REFERENCES posts(id) ON DELETE SET NULL
);
