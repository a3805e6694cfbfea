DROP TABLE content_imports;
