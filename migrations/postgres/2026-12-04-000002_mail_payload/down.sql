-- The older code renders only these kinds; queued mail of the newer kinds is given up.
UPDATE mail_outbox SET status = 'failed', last_error = 'downgraded before it was sent', payload = NULL
    WHERE status = 'queued' AND kind NOT IN ('raw', 'post', 'digest', 'notice');
ALTER TABLE mail_outbox DROP COLUMN payload;
