-- Mail identity (issue 13). users.mail_token now holds each member's private mail KEY: it is
-- never itself written into an address; the reply, post, unsubscribe and bounce tokens are
-- HMAC-SHA256 values derived from it per purpose and object. Every key is replaced here,
-- because the old values were printed in addresses and so are known to anyone who saw a mail.
UPDATE users SET mail_token = lower(hex(randomblob(16)));

-- A message that came by mail in a member's name without their reply token is held here until
-- the member confirms it through a single-use link (account_tokens, purpose confirm_mail).
CREATE TABLE held_mail (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_id BIGINT NOT NULL REFERENCES account_tokens(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    thread_id BIGINT REFERENCES posts(id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    sender TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    post_id BIGINT REFERENCES posts(id) ON DELETE SET NULL
);
CREATE INDEX held_mail_token ON held_mail(token_id);
CREATE INDEX held_mail_user ON held_mail(user_id, created_at);
