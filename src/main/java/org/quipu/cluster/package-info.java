/**
 * The cluster's adapters: ZooKeeper through Curator ({@link org.quipu.cluster.CuratorLeadership}:
 * membership, the leader latch and the epoch counter of {@link org.quipu.cluster.ClusterPaths
 * a replication group}) behind the replication package's {@link
 * org.quipu.replication.Leadership}. The only importers of Curator and ZooKeeper; gRPC transport
 * comes here too.
 */
package org.quipu.cluster;
