DROP TABLE agency_requests;
DROP TABLE agency_ratings;
