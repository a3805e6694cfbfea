DROP TABLE digest_answers;
DROP TABLE pending_notices;
DROP TABLE notification_settings;
ALTER TABLE posts DROP COLUMN answered_by;
ALTER TABLE posts DROP COLUMN answered_page_id;
ALTER TABLE posts DROP COLUMN answer_kind;
