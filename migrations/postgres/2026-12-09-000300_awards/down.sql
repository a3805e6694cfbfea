DROP TABLE award_scores;
DROP TABLE award_conflicts;
DROP TABLE award_nominations;
DROP TABLE award_jurors;
DROP TABLE award_criteria;
DROP TABLE award_cycles;
