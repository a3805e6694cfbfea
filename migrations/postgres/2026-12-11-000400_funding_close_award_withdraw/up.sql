-- A funding offer or proposal its author or a focal point closed: it stays readable, marked
-- closed, but matches nothing and leaves the open lists.
ALTER TABLE funding_posts ADD COLUMN closed_at TIMESTAMP;
-- A nomination its nominator withdrew before nominations closed: kept for the record, out of
-- the jury's list and the results.
ALTER TABLE award_nominations ADD COLUMN withdrawn_at TIMESTAMP;
