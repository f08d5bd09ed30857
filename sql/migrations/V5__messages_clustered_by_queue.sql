-- Cluster the messages table by queue and FIFO position instead of by random message id: a
-- queue's messages are then contiguous, so sending appends at the end of its range, a receive of
-- old messages and a restore read sequentially, and deleting or purging a queue is one range
-- delete instead of a random read per row (with a 2 GB table in a 256 MB buffer pool, deleting a
-- queue of 200,000 messages ran past the 30 s socket timeout again and again). (queue, order) is
-- unique: positions are seq * 1,000,000 + k within a queue. Updates and deletes by id go through
-- the unique index on id.
ALTER TABLE messages
  DROP PRIMARY KEY,
  DROP KEY messages_by_queue,
  ADD PRIMARY KEY (queue_name, order_key),
  ADD UNIQUE KEY messages_by_id (id);
