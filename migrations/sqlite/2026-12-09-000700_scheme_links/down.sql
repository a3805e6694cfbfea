DROP TABLE digest_records;
DROP TABLE post_schemes;
DROP TABLE page_schemes;
