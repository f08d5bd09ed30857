-- A message's latest deliveries and moves between queues (MessageEvent), for the console's
-- message page: a JSON array of [atMillis, kind, detail]; NULL when there are none yet.
ALTER TABLE messages ADD COLUMN history TEXT NULL COMMENT 'JSON array of [atMillis, kind, detail]';
