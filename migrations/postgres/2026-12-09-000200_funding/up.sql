-- The funding clearing house (book 001:3172-3176, 3223-3224): funders' offers and clusters'
-- proposals in one table, told apart by kind ('offer' or 'proposal'). An offer has a funder,
-- an amount range in rupees and a deadline (YYYY-MM-DD, or '' for none); a proposal has a
-- registry cluster, a budget and partners. Sectors and states are stored lists (one code a
-- line; an offer without states is open to every state, a proposal has its cluster's state).
-- The status follows the registry's: submitted, then published or returned with a comment.
CREATE TABLE funding_posts (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    scheme TEXT NOT NULL DEFAULT '',
    funder TEXT NOT NULL DEFAULT '',
    partners TEXT NOT NULL DEFAULT '',
    cluster_id BIGINT REFERENCES registry_records(id) ON DELETE CASCADE,
    amount_min BIGINT NOT NULL DEFAULT 0,
    amount_max BIGINT NOT NULL DEFAULT 0,
    budget BIGINT NOT NULL DEFAULT 0,
    sectors TEXT NOT NULL DEFAULT '',
    states TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    reviewed_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP,
    comment TEXT NOT NULL DEFAULT '',
    lock_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX funding_posts_kind ON funding_posts(kind, status, published_at);
CREATE INDEX funding_posts_author ON funding_posts(author_id);

-- Which matches each person has been mailed, so the weekly mail lists only new ones.
CREATE TABLE funding_match_mails (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    offer_id BIGINT NOT NULL REFERENCES funding_posts(id) ON DELETE CASCADE,
    proposal_id BIGINT NOT NULL REFERENCES funding_posts(id) ON DELETE CASCADE,
    sent_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX funding_match_mails_pair ON funding_match_mails(user_id, offer_id, proposal_id);
