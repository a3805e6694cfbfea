-- Members' rights over their data (the DPDP Act 2023). The consent to the data notice given at
-- sign-up: when, and which version of the notice (accounts from before have neither).
ALTER TABLE users ADD COLUMN data_consent_at TIMESTAMP;
ALTER TABLE users ADD COLUMN data_notice_version TEXT NOT NULL DEFAULT '';
-- Set when the account was deleted: its personal data and mail address are erased, the row
-- stays so that published posts keep an author, shown as "former member".
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMP;
-- A former member asked for one published post to be taken down too; a moderator of the
-- post's community approves (the post is withdrawn) or declines with a reason.
CREATE TABLE removal_requests (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    UNIQUE (post_id)
);
CREATE INDEX removal_requests_queue ON removal_requests(community_id, status);
