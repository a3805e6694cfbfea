DROP TABLE registry_feedback;
