-- Members who offer their expertise (issue 19): by theme, sector and state, with a short
-- profile; `listed` puts them in the public directory, `paused` keeps moderators from asking
-- them. Lists (themes, sectors, states, languages) are models::list encoded.
CREATE TABLE expert_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    themes TEXT NOT NULL,
    sectors TEXT NOT NULL,
    states TEXT NOT NULL,
    organisation TEXT NOT NULL,
    experience TEXT NOT NULL,
    languages TEXT NOT NULL,
    listed BOOLEAN NOT NULL,
    paused BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A moderator asked an expert for their input on a query (at most five per query, each
-- expert once); mailed_at is set when the request mail is queued (at once for an approved
-- query, on approval for a queued one).
CREATE TABLE expert_requests (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    expert_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    asked_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    asked_at TIMESTAMP NOT NULL,
    mailed_at TIMESTAMP
);
CREATE UNIQUE INDEX expert_requests_once ON expert_requests (post_id, expert_id);
CREATE INDEX expert_requests_expert ON expert_requests (expert_id);
