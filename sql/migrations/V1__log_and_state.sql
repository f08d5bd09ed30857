-- The command log and the state tables it is applied to. Only the group committer writes here,
-- one transaction per batch: log rows, state changes and node_state.applied_seq together.
-- Times are milliseconds since the Unix epoch (UTC), exactly as the log entries carry them.

CREATE TABLE node_state (
  id          TINYINT PRIMARY KEY,
  applied_seq BIGINT  NOT NULL,
  epoch       BIGINT  NOT NULL
) ENGINE = InnoDB;

INSERT INTO node_state (id, applied_seq, epoch) VALUES (1, 0, 0);

CREATE TABLE command_log (
  seq              BIGINT   PRIMARY KEY,
  epoch            BIGINT   NOT NULL,
  timestamp_millis BIGINT   NOT NULL,
  entry            LONGBLOB NOT NULL COMMENT 'quipu.command.v1.LogEntry, protobuf'
) ENGINE = InnoDB;

CREATE TABLE users (
  username          VARCHAR(128) PRIMARY KEY,
  password_hash     VARCHAR(512) NOT NULL,
  role              VARCHAR(16)  NOT NULL,
  disabled          BOOLEAN      NOT NULL,
  created_at_millis BIGINT       NOT NULL
) ENGINE = InnoDB;

CREATE TABLE sessions (
  id                VARCHAR(64)  PRIMARY KEY,
  token_hash        CHAR(64)     NOT NULL UNIQUE,
  username          VARCHAR(128) NOT NULL,
  created_at_millis BIGINT       NOT NULL,
  expires_at_millis BIGINT       NOT NULL
) ENGINE = InnoDB;

CREATE TABLE queues (
  name                      VARCHAR(128) PRIMARY KEY,
  owner                     VARCHAR(128) NOT NULL,
  visibility_timeout_millis BIGINT       NOT NULL,
  max_receive_count         INT          NULL,
  dead_letter_queue         VARCHAR(128) NULL,
  retention_millis          BIGINT       NOT NULL,
  max_length                INT          NULL,
  shared                    BOOLEAN      NOT NULL,
  created_at_millis         BIGINT       NOT NULL
) ENGINE = InnoDB;

CREATE TABLE messages (
  id                       CHAR(36)     PRIMARY KEY,
  queue_name               VARCHAR(128) NOT NULL,
  order_key                BIGINT       NOT NULL,
  body                     MEDIUMTEXT   NOT NULL,
  headers                  TEXT         NOT NULL COMMENT 'JSON object of string values',
  sender                   VARCHAR(128) NOT NULL,
  sent_at_millis           BIGINT       NOT NULL,
  visible_at_millis        BIGINT       NOT NULL,
  receive_count            INT          NOT NULL,
  receipt                  VARCHAR(255) NULL,
  first_received_at_millis BIGINT       NULL,
  dead_lettered_from       VARCHAR(128) NULL,
  KEY messages_by_queue (queue_name, order_key)
) ENGINE = InnoDB;
