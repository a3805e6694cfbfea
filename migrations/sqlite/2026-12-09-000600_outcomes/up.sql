-- "It worked?": a member's report on a knowledge page or a registry best practice (I tried
-- this / it worked / it did not work for us) with an optional short note, one per member and
-- subject, editable. Moderators fold notes into the page as a revision (folded_at).
CREATE TABLE outcomes (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    folded_at TIMESTAMP,
    folded_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (subject, subject_id, user_id)
);
CREATE INDEX outcomes_subject ON outcomes (subject, subject_id, verdict);
-- The one mail asking an asker, sixty days after their query was answered by a page, whether
-- the answer worked: a row per query, written with the mail, so it is sent once.
CREATE TABLE outcome_asks (
    query_id BIGINT PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at TIMESTAMP NOT NULL
);
