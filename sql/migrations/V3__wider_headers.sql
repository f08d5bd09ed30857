-- Up to 64 headers of 256 + 4096 characters each do not fit TEXT (64 KB): widen the column, so a
-- valid message can never fail its commit.
ALTER TABLE messages MODIFY headers MEDIUMTEXT NOT NULL COMMENT 'JSON object of string values';
