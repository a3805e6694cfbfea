ALTER TABLE award_nominations DROP COLUMN withdrawn_at;
ALTER TABLE funding_posts DROP COLUMN closed_at;
