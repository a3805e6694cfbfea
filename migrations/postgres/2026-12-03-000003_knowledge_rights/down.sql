DROP TABLE page_events;
