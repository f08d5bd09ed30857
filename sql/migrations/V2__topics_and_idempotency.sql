-- Topics, durable subscriptions and idempotency records. A published copy's id is "<id>.<n>",
-- longer than a UUID, so message ids widen.

ALTER TABLE messages MODIFY id VARCHAR(80) NOT NULL;

CREATE TABLE topics (
  name              VARCHAR(128) PRIMARY KEY,
  owner             VARCHAR(128) NOT NULL,
  created_at_millis BIGINT       NOT NULL
) ENGINE = InnoDB;

CREATE TABLE subscriptions (
  topic             VARCHAR(128) NOT NULL,
  name              VARCHAR(128) NOT NULL,
  owner             VARCHAR(128) NOT NULL,
  binding_key       VARCHAR(1024) NOT NULL,
  target_queue      VARCHAR(128) NULL COMMENT 'null: the subscription''s own queue "topic/name"',
  created_at_millis BIGINT       NOT NULL,
  PRIMARY KEY (topic, name)
) ENGINE = InnoDB;

CREATE TABLE idempotency_keys (
  username          VARCHAR(128) NOT NULL,
  idem_key          VARCHAR(255) NOT NULL,
  fingerprint       CHAR(64)     NOT NULL,
  seq               BIGINT       NOT NULL,
  expires_at_millis BIGINT       NOT NULL,
  outcome           MEDIUMTEXT   NOT NULL COMMENT 'the first outcome, JSON (store.OutcomeJson)',
  PRIMARY KEY (username, idem_key),
  KEY idempotency_by_expiry (expires_at_millis)
) ENGINE = InnoDB;

-- Subscription queues are named "topic/name": room for both names and the slash.
ALTER TABLE queues MODIFY name VARCHAR(257) NOT NULL;
ALTER TABLE messages MODIFY queue_name VARCHAR(257) NOT NULL;
