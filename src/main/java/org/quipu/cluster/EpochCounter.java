package org.quipu.cluster;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A group's epoch counter in ZooKeeper: a znode holding the last epoch taken, in decimal. A new
 * leader takes the next one by reading the znode and writing it back <em>with the version it
 * read</em>; if anyone wrote in between, ZooKeeper refuses the write and the leader reads again.
 * So no two takers ever get one epoch, whatever the latch believes.
 */
final class EpochCounter {

  private EpochCounter() {}

  /**
   * Takes the next epoch: one more than both the counter and {@code atLeastAbove}, the highest
   * epoch the taker's own log holds (so a lost or reset counter cannot hand out an old epoch).
   * Creates the counter if it is missing. Retries a write that raced another taker while {@code
   * stillEntitled} says so; throws once it does not.
   */
  static long next(CuratorFramework client, String path, long atLeastAbove,
      BooleanSupplier stillEntitled) throws Exception {
    while (true) {
      Stat stat = new Stat();
      long current;
      try {
        current = parse(client.getData().storingStatIn(stat).forPath(path));
      } catch (KeeperException.NoNodeException absent) {
        try {
          client.create().creatingParentsIfNeeded().forPath(path, bytes(0));
        } catch (KeeperException.NodeExistsException created) {
          // another taker created it first: read it
        }
        continue;
      }
      long next = Math.max(current, atLeastAbove) + 1;
      try {
        client.setData().withVersion(stat.getVersion()).forPath(path, bytes(next));
        return next;
      } catch (KeeperException.BadVersionException raced) {
        if (!stillEntitled.getAsBoolean()) {
          throw new IllegalStateException("no longer entitled to an epoch", raced);
        }
      }
    }
  }

  /** The last epoch taken, or 0 when none was. */
  static long current(CuratorFramework client, String path) throws Exception {
    try {
      return parse(client.getData().forPath(path));
    } catch (KeeperException.NoNodeException absent) {
      return 0;
    }
  }

  private static long parse(byte[] data) {
    return Long.parseLong(new String(data, StandardCharsets.US_ASCII).trim());
  }

  private static byte[] bytes(long epoch) {
    return Long.toString(epoch).getBytes(StandardCharsets.US_ASCII);
  }
}
