DROP TABLE expert_requests;
DROP TABLE expert_profiles;
