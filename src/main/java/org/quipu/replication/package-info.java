/**
 * The command log and the path every write takes through it, one stage per owner: the {@link
 * org.quipu.replication.Proposer} (leader) batches and stamps commands and appends them to the
 * {@link org.quipu.replication.CommandLog}; the {@link org.quipu.replication.QuorumTracker} says
 * how far the log is committed; the {@link org.quipu.replication.Applier} applies committed
 * entries in order and writes their changes to the {@link org.quipu.replication.StateStore};
 * {@link org.quipu.replication.Leadership} says when this node may propose. {@link
 * org.quipu.replication.WritePath} wires them. A follower hands writes to the leader through
 * {@link org.quipu.replication.Forwarding}; the leader takes them in through {@link
 * org.quipu.replication.ForwardTarget}. Storage, leadership and the network plug in through these
 * interfaces; nothing here knows JDBC, ZooKeeper or gRPC.
 */
package org.quipu.replication;
