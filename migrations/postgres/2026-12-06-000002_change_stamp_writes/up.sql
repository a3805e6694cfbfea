-- Every write that succeeded, public or not (a sign-in, a sign-out, a member's own settings):
-- processes read it to drop the signed-in readers they keep (who they are, what they may
-- read) when another process changed any of it.
ALTER TABLE change_stamp ADD COLUMN writes BIGINT NOT NULL DEFAULT 0;
