DROP TABLE short_lists;
DROP TABLE score_cards;
