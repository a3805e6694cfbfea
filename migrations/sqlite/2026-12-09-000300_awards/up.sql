-- Annual awards for clusters and business associations (issue 22). The national focal point
-- opens a cycle with its published criteria and names its jury; focal points nominate
-- registry records (a cluster, or an agency that is a business association), optionally
-- resting on a best-practice record; jurors score each nomination on each criterion; the
-- national focal point publishes the results. Days are YYYY-MM-DD text (they sort as text).
-- `categories` lists the cycle's categories by code, comma-separated (cluster, association).
CREATE TABLE award_cycles (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL,
    nominations_open TEXT NOT NULL,
    nominations_close TEXT NOT NULL,
    jury_close TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    scoring_mailed_at TIMESTAMP,
    published_at TIMESTAMP,
    published_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE award_criteria (
    id INTEGER PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES award_cycles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    max_points INTEGER NOT NULL
);
CREATE INDEX award_criteria_cycle ON award_criteria(cycle_id, position);

CREATE TABLE award_jurors (
    id INTEGER PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES award_cycles(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    UNIQUE (cycle_id, user_id)
);

CREATE TABLE award_nominations (
    id INTEGER PRIMARY KEY,
    cycle_id BIGINT NOT NULL REFERENCES award_cycles(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    nominee_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    practice_id BIGINT REFERENCES registry_records(id) ON DELETE SET NULL,
    statement TEXT NOT NULL,
    state TEXT NOT NULL,
    nominated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    -- Set when the results are published: the rank in the category and the place won
    -- ('winner', 'runner-up' or '').
    rank INTEGER,
    place TEXT NOT NULL DEFAULT '',
    UNIQUE (cycle_id, category, nominee_id)
);
CREATE INDEX award_nominations_practice ON award_nominations(practice_id);
CREATE INDEX award_nominations_nominee ON award_nominations(nominee_id);

-- A juror's declared conflict of interest with one nomination: they do not score it.
CREATE TABLE award_conflicts (
    id INTEGER PRIMARY KEY,
    nomination_id BIGINT NOT NULL REFERENCES award_nominations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (nomination_id, user_id)
);

-- A juror's points for one nomination on one criterion, with their remark.
CREATE TABLE award_scores (
    id INTEGER PRIMARY KEY,
    nomination_id BIGINT NOT NULL REFERENCES award_nominations(id) ON DELETE CASCADE,
    juror_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES award_criteria(id) ON DELETE CASCADE,
    points INTEGER NOT NULL,
    remark TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (nomination_id, juror_id, criterion_id)
);
