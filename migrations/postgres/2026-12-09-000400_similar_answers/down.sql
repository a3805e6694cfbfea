DROP TABLE similar_answers;
DROP TABLE glossary_terms;
