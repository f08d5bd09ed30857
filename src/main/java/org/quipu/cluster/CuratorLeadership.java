package org.quipu.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;
import org.quipu.replication.Leadership;

/**
 * Leadership from ZooKeeper through Curator, for one replication group ({@link ClusterPaths}).
 *
 * <ul>
 *   <li><b>Membership</b>: an ephemeral znode per node carrying its addresses, kept by Curator's
 *       {@link PersistentNode} (re-created after a new session).
 *   <li><b>Who leads</b>: a {@link LeaderLatch}. When it grants leadership, the node takes a new
 *       epoch by a <em>versioned</em> update of the group's epoch znode — two nodes can never take
 *       the same epoch — higher than any epoch its own log holds, and only then tells the write
 *       path {@link Listener#onGranted}.
 *   <li><b>Doubt is loss</b>: on {@code SUSPENDED} or {@code LOST} the listener is told {@link
 *       Listener#onRevoked} at once, and the latch is closed; a new latch is made when the
 *       connection is back (Curator's latch has reported two leaders after a suspended session:
 *       CURATOR-460, -504, -644). The latch only says who may try: epochs, and later the
 *       majority's promises, are what keep two leaders from both committing.
 *   <li><b>A dead leader hands over at once</b>: a member that knows its leader's process is gone
 *       ({@link #leaderGone}) deletes the leader's latch znode instead of waiting for the dead
 *       session to expire, so the next member in the latch's queue is granted at once.
 * </ul>
 *
 * <p>Every decision runs on one thread, in the order Curator reported the events, so a grant and
 * a revocation never interleave. This package is the only importer of Curator; the write
 * path sees only {@link Leadership}.
 */
public final class CuratorLeadership implements Leadership, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CuratorLeadership.class.getName());
  /** How long a node that failed to take an epoch waits before it contends again. */
  private static final long RETRY_AFTER_FAILED_EPOCH_MILLIS = 1_000;
  /** The prefix of a latch znode's name: Curator's, before its sequence number. */
  private static final String LATCH_NODE_PREFIX = "latch-";
  /** How often a member looks in the latch again for a leader it was told is gone. */
  private static final long LEADER_GONE_LOOK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final CuratorFramework client;
  private final ClusterPaths paths;
  private final String nodeId;
  private final byte[] memberData;
  private final LongSupplier highestEpochInLog;
  private final ScheduledExecutorService events;
  /** Looks in the latch for a dead leader's znode, off {@link #events}: ZooKeeper may block. */
  private final ExecutorService looks;

  // Confined to the events thread.
  private Listener listener;
  private LeaderLatch latch;
  private long granted; // the epoch this node leads, 0 while it does not
  private PersistentNode member;
  private boolean closed;
  private String lastGoneLeader; // the leader last looked for in the latch, and when
  private long lastGoneLookNanos;

  /**
   * @param client a Curator client, not yet started; this object starts and closes it
   * @param memberData what the member znode carries (the node's addresses)
   * @param highestEpochInLog the highest epoch in this node's log: a new epoch is above it even if
   *     ZooKeeper's counter was lost
   */
  public CuratorLeadership(CuratorFramework client, ClusterPaths paths, String nodeId,
      byte[] memberData, LongSupplier highestEpochInLog) {
    this.client = client;
    this.paths = paths;
    this.nodeId = nodeId;
    this.memberData = memberData.clone();
    this.highestEpochInLog = highestEpochInLog;
    this.events = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-leadership");
      t.setDaemon(true);
      return t;
    });
    this.looks = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "quipu-leader-gone");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Leadership for {@code nodeId} through the ZooKeeper ensemble at {@code connectString}; the
   * session timeout bounds how long a dead leader keeps the latch.
   */
  public static CuratorLeadership connect(String connectString, int sessionTimeoutMs,
      ClusterPaths paths, String nodeId, byte[] memberData, LongSupplier highestEpochInLog) {
    // No SASL: Payara sets a JAAS login configuration, so the ZooKeeper client would try SASL,
    // find no "Client" section and have Curator log "Authentication failed" on every connect.
    ZKClientConfig zk = new ZKClientConfig();
    zk.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .zkClientConfig(zk)
        .connectString(connectString)
        .sessionTimeoutMs(sessionTimeoutMs)
        .connectionTimeoutMs(Math.max(1_000, sessionTimeoutMs / 2))
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000))
        .build();
    return new CuratorLeadership(client, paths, nodeId, memberData, highestEpochInLog);
  }

  @Override
  public void start(Listener listener) {
    events.execute(() -> {
      this.listener = listener;
      client.getConnectionStateListenable()
          .addListener((c, state) -> later(() -> onConnectionState(state)));
      client.start();
      member = new PersistentNode(client, CreateMode.EPHEMERAL, false, paths.member(nodeId),
          memberData);
      member.start();
      newLatch();
    });
  }

  /**
   * Gives the latch up (the replication protocol found this node cannot lead its epoch) and
   * contends again after a pause, so that another member can take over meanwhile.
   */
  @Override
  public void relinquish(String why) {
    later(() -> {
      if (closed) {
        return;
      }
      revoke(why);
      closeLatch();
      contendAgainLater();
    });
  }

  /**
   * Told that the member {@code leaderId}, which this node follows, is gone for certain (its
   * process is dead: its port refuses connections); deletes its latch znode if it holds the latch,
   * so that the next member in the latch's queue is granted now rather than once ZooKeeper expires
   * the dead member's session (the session timeout, 1.25 s with {@code ./quipu up}).
   *
   * <p>Safe even if the member is in fact alive: the latch only says who may try; the member
   * granted next takes a higher epoch, and the old leader steps down when that epoch reaches it
   * (and gives its latch up, see {@link #relinquish}); so a cut that answers connections with a
   * reset (iptables {@code REJECT}) costs a needless change of leader at worst. Nothing is done
   * while this node leads, for itself, for a member not at the head of the latch's queue, or more
   * than once a second for the same member. Decided on the leadership thread; the reads and the
   * delete run on a thread of their own, so that ZooKeeper's retries never hold up a revocation;
   * without a connection, or on any failure, nothing is deleted and the session's expiry hands
   * the latch over as before.
   */
  public void leaderGone(String leaderId) {
    later(() -> {
      long now = System.nanoTime();
      if (closed || latch == null || granted != 0 || leaderId.equals(nodeId)
          || (leaderId.equals(lastGoneLeader)
              && now - lastGoneLookNanos < LEADER_GONE_LOOK_EVERY_NANOS)) {
        return;
      }
      lastGoneLeader = leaderId;
      lastGoneLookNanos = now;
      try {
        looks.execute(() -> deleteLatchNodeOf(leaderId));
      } catch (RejectedExecutionException closing) {
        LOG.fine("closing: no look for the latch znode of " + leaderId);
      }
    });
  }

  private void deleteLatchNodeOf(String leaderId) {
    if (!client.getZookeeperClient().isConnected()) {
      return;
    }
    try {
      List<String> queue = LockInternals.getSortedChildren(client, paths.leaderLatch(),
          LATCH_NODE_PREFIX, StandardLockInternalsDriver::standardFixForSorting);
      if (queue.isEmpty()) {
        return;
      }
      String head = ZKPaths.makePath(paths.leaderLatch(), queue.get(0));
      String holder = new String(client.getData().forPath(head), StandardCharsets.UTF_8);
      if (!holder.equals(leaderId)) {
        return; // the latch has moved on already (or never held it)
      }
      client.delete().forPath(head);
      LOG.warning(nodeId + " removed the latch znode of " + leaderId + ", which is gone: the next"
          + " member need not wait for its ZooKeeper session to expire");
    } catch (KeeperException.NoNodeException goneAlready) {
      LOG.fine("the latch znode of " + leaderId + " was gone already");
    } catch (Exception e) {
      LOG.log(Level.INFO, "cannot look for the latch znode of " + leaderId
          + "; its ZooKeeper session's expiry will hand the latch over", e);
    }
  }

  /**
   * The group's members as registered now, ordered by id.
   *
   * @throws Exception when ZooKeeper cannot be read
   */
  public List<Member> members() throws Exception {
    List<Member> members = new ArrayList<>();
    List<String> children;
    try {
      children = client.getChildren().forPath(paths.members());
    } catch (KeeperException.NoNodeException none) {
      return members;
    }
    for (String child : children) {
      try {
        members.add(Member.fromZnode(child, client.getData().forPath(paths.member(child))));
      } catch (KeeperException.NoNodeException left) {
        // it left between the listing and the read: not a member any more
      }
    }
    members.sort(Comparator.comparing(Member::id));
    return members;
  }

  /**
   * Runs {@code event} on the leadership thread, after those already reported. Curator may still
   * report on its own threads while {@link #close} runs; once closed, nothing is left to decide.
   */
  private void later(Runnable event) {
    try {
      events.execute(event);
    } catch (RejectedExecutionException closedAlready) {
      LOG.fine("a ZooKeeper event for " + nodeId + " after close, ignored");
    }
  }

  /** The epoch this node leads now, or 0. */
  public long grantedEpoch() {
    return submit(() -> granted);
  }

  private void onConnectionState(ConnectionState state) {
    if (closed) {
      return;
    }
    LOG.info("ZooKeeper connection of " + nodeId + ": " + state);
    switch (state) {
      case SUSPENDED, LOST -> {
        revoke("the ZooKeeper connection is " + state);
        closeLatch();
      }
      case RECONNECTED -> {
        if (latch == null) {
          newLatch();
        }
      }
      default -> { }
    }
  }

  private void newLatch() {
    LeaderLatch fresh = new LeaderLatch(client, paths.leaderLatch(), nodeId);
    fresh.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        later(() -> onLatchGranted(fresh));
      }

      @Override
      public void notLeader() {
        later(() -> {
          if (fresh == latch) {
            revoke("the latch was lost");
          }
        });
      }
    });
    latch = fresh;
    try {
      fresh.start();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "cannot start the leader latch of " + nodeId, e);
      closeLatch();
    }
  }

  private void onLatchGranted(LeaderLatch which) {
    if (closed || which != latch || !which.hasLeadership() || granted != 0) {
      return; // an old latch's news, or already leading
    }
    try {
      long epoch = EpochCounter.next(client, paths.epoch(), highestEpochInLog.getAsLong(),
          which::hasLeadership);
      if (which != latch || !which.hasLeadership()) {
        return; // lost while taking it; the epoch stays unused
      }
      granted = epoch;
      LOG.info(nodeId + " leads epoch " + epoch);
      listener.onGranted(epoch);
    } catch (Exception e) {
      // Any doubt gives leadership up: another node may take it and a newer epoch.
      LOG.log(Level.WARNING, nodeId + " could not take an epoch; giving the latch up", e);
      closeLatch();
      contendAgainLater();
    }
  }

  /**
   * Not at once: a cause that lasts (its database down, say) would otherwise make a node that is
   * alone in the group take the latch and fail again in a tight loop against ZooKeeper.
   */
  private void contendAgainLater() {
    events.schedule(() -> {
      if (!closed && latch == null) {
        newLatch();
      }
    }, RETRY_AFTER_FAILED_EPOCH_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void revoke(String why) {
    if (granted != 0) {
      LOG.warning(nodeId + " stops leading epoch " + granted + ": " + why);
      granted = 0;
      listener.onRevoked();
    }
  }

  private void closeLatch() {
    if (latch != null) {
      LeaderLatch old = latch;
      latch = null;
      try {
        old.close(LeaderLatch.CloseMode.SILENT);
      } catch (IOException | IllegalStateException e) {
        // IllegalStateException: its start had failed, so there is nothing to give up.
        LOG.log(Level.WARNING, "closing an old leader latch of " + nodeId, e);
      }
    }
  }

  /** Stops leading (telling the listener), leaves the membership and closes the client; idempotent. */
  @Override
  public synchronized void close() {
    if (events.isShutdown()) {
      return;
    }
    submit(() -> {
      closed = true;
      revoke("the node is stopping");
      closeLatch();
      if (member != null) {
        try {
          member.close();
        } catch (Exception e) {
          LOG.log(Level.WARNING, "cannot remove the member znode of " + nodeId, e);
        }
      }
      looks.shutdownNow();
      client.close();
      return null;
    });
    events.shutdown();
  }

  private <T> T submit(java.util.concurrent.Callable<T> task) {
    try {
      return events.submit(task).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("the leadership thread did not answer", e);
    }
  }
}
