-- One mail pipeline: every mail is a typed outbox row rendered when it is sent. What rendering
-- needs beyond the rows that ref_id and user_id name goes here as JSON, for example the one-time
-- secret of a mailed link (its hash alone is in account_tokens). The sender sets it to NULL once
-- the mail is sent or given up, so no usable link stays in the database.
ALTER TABLE mail_outbox ADD COLUMN payload TEXT;

-- Account mail used to be stored rendered, links and all. Mail already sent or given up no
-- longer needs its bodies, and they hold links that may still work.
UPDATE mail_outbox SET body_text = '', body_html = '' WHERE kind = 'raw' AND status <> 'queued';
