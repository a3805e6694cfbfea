ALTER TABLE change_stamp DROP COLUMN writes;
