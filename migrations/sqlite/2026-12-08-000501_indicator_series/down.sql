DROP TABLE cluster_rating_scores;
DROP TABLE cluster_ratings;
DROP TABLE rating_components;
DROP TABLE indicator_values;
