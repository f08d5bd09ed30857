-- The messages of deleted queues, left for a background pass to delete (DroppedMessages): a
-- deleted queue's rows are every row of queue_name whose order_key is below below_order_key.
-- Deleting a queue writes one row here instead of deleting its messages inside the apply, which
-- for a queue of a million messages held every other write behind it for tens of seconds. A
-- queue created again under the same name gets order keys above the bound (they follow the log),
-- so its messages are never taken for the old ones. No row: nothing left to delete.
CREATE TABLE dropped_messages (
  queue_name      VARCHAR(257) NOT NULL PRIMARY KEY,
  below_order_key BIGINT       NOT NULL
) ENGINE = InnoDB;
