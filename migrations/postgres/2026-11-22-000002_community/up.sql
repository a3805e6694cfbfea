-- The moderated community: settings and rules, memberships, posts, attachments, flags, log.
ALTER TABLE communities ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'request';
ALTER TABLE communities ADD COLUMN public_threads BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE communities ADD COLUMN premoderation TEXT NOT NULL DEFAULT 'all';
ALTER TABLE communities ADD COLUMN trusted_after INTEGER NOT NULL DEFAULT 3;
ALTER TABLE communities ADD COLUMN hold_rules TEXT NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN canned_reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE communities ADD COLUMN response_days INTEGER NOT NULL DEFAULT 10;

CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    UNIQUE (community_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    thread_id BIGINT REFERENCES posts(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT '',
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    themes TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    held_reason TEXT NOT NULL DEFAULT '',
    moderator_note TEXT NOT NULL DEFAULT '',
    original_title TEXT,
    original_body_md TEXT,
    claimed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    claimed_until TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 0,
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    response_due_at TIMESTAMP,
    consolidated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    approved_at TIMESTAMP,
    approved_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX posts_queue ON posts(community_id, status, created_at);
CREATE INDEX posts_thread ON posts(thread_id, approved_at);
CREATE INDEX posts_author ON posts(author_id);

CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    original_name TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_post ON attachments(post_id);

CREATE TABLE moderation_log (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts(id) ON DELETE SET NULL,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_log_community ON moderation_log(community_id, id);

CREATE TABLE flags (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX flags_post ON flags(post_id);
