-- Feedback from anyone on a published registry record (a correction, an update, a complaint),
-- answered by the focal points of the record's state; sent on to the national focal points when
-- it has waited too long (escalated_at). The contact is seen only by those who answer.
CREATE TABLE registry_feedback (
    id INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    name TEXT NOT NULL,
    contact TEXT NOT NULL,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    escalated_at TIMESTAMP,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX registry_feedback_record ON registry_feedback (record_id, status);
CREATE INDEX registry_feedback_open ON registry_feedback (status, created_at);
