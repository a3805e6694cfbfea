DROP TABLE funding_match_mails;
DROP TABLE funding_posts;
