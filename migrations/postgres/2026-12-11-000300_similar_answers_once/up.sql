-- "This answers me" counts a member once per target: two racing clicks could both pass the
-- check and insert twice, so the database refuses the second. Only members' own marks are
-- unique; a moderator closing a query records that query (post_id), one row per query.
DELETE FROM similar_answers
WHERE source = 'member'
  AND id NOT IN (SELECT MIN(id) FROM similar_answers WHERE source = 'member' GROUP BY user_id, target_kind, target_id);
CREATE UNIQUE INDEX similar_answers_member_once ON similar_answers (user_id, target_kind, target_id) WHERE source = 'member';
