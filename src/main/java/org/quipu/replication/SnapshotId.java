package org.quipu.replication;

/**
 * Which snapshot a leader is sending: the state after the entry at {@code at}, {@code size} bytes
 * whose SHA-256 is {@code sha256Hex} (lower-case hex, so that two ids compare by value).
 */
public record SnapshotId(LogPosition at, long size, String sha256Hex) {}
