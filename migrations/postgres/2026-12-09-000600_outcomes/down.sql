DROP TABLE outcome_asks;
DROP TABLE outcomes;
