-- The keys replaced in up.sql cannot be restored; mail sent after the upgrade keeps working
-- only with the new code.
DROP TABLE held_mail;
