DROP TABLE job_leases;
DROP TABLE change_stamp;
DROP TABLE rate_buckets;
