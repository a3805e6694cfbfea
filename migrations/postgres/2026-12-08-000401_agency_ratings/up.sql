-- Implementing agencies (Table 2.10 of the book, 001:4909-5238): members' requests to register
-- an agency, which the state focal point decides, and the focal points' dated ratings.
CREATE TABLE agency_ratings (
    id BIGSERIAL PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    rated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- The day the agency was assessed (a rating may be entered after the visit).
    rated_on TIMESTAMP NOT NULL,
    -- {criterion code: points}, the criteria of services::registry::agency_ratings::CRITERIA.
    scores TEXT NOT NULL,
    total INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    -- True on the newest rating of each agency only, so lists sort and filter by it in one join.
    latest BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX agency_ratings_record ON agency_ratings(record_id, rated_on);
CREATE INDEX agency_ratings_latest ON agency_ratings(latest, record_id, total);

CREATE TABLE agency_requests (
    id BIGSERIAL PRIMARY KEY,
    requested_by BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The agency the request updates, or (once approved) the one it created.
    record_id BIGINT REFERENCES registry_records(id) ON DELETE SET NULL,
    state TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The agency's fields as the member gave them (JSON, as a registry version holds them).
    fields TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX agency_requests_state ON agency_requests(status, state);
CREATE INDEX agency_requests_member ON agency_requests(requested_by);
