/**
 * The cluster's adapters: ZooKeeper through Curator ({@link org.quipu.cluster.CuratorLeadership}:
 * membership, the leader latch and the epoch counter of {@link org.quipu.cluster.ClusterPaths
 * a replication group}) behind the replication package's {@link
 * org.quipu.replication.Leadership}; and gRPC ({@code quipu.replication.v1}): the node's server
 * ({@link org.quipu.cluster.NodeRpcServer}, serving a {@link
 * org.quipu.replication.ReplicaEndpoint} and a {@link org.quipu.replication.ForwardTarget}), the
 * {@link org.quipu.cluster.GrpcReplicationTransport} (the leader's transport and a follower's
 * {@link org.quipu.replication.Forwarding}) and the cluster view's {@link
 * org.quipu.cluster.Peers}, all carried as {@link org.quipu.cluster.NodeTls} says: plaintext, or
 * mutual TLS with a certificate per node from the cluster's CA. The only importers of Curator,
 * ZooKeeper and gRPC.
 */
package org.quipu.cluster;
