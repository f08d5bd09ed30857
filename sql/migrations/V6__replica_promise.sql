-- The highest epoch this node has promised to follow or taken to lead, per replication group
-- (DESIGN.md, "The replication protocol, precisely"). Written, durably, before the node answers
-- the NewEpoch that raised it; it only ever rises.
CREATE TABLE replica_promise (
  group_id       INT    PRIMARY KEY,
  promised_epoch BIGINT NOT NULL
) ENGINE = InnoDB;
