package org.quipu.cluster;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run gRPC's callbacks for this node, in place of gRPC's default cached pool: a
 * fixed number of threads taking work from one queue.
 *
 * <p>Why not the default: the cached pool hands each task to an idle thread through a {@code
 * SynchronousQueue}, whose both ends spin before they park. Under single sends that hand-off took
 * 10.5 % of the leader's CPU samples and 5 % of each follower's (async-profiler, README
 * "Performance"), on two cores shared by three nodes. A thread waiting on this pool's queue parks
 * at once.
 *
 * <p>The size bounds how many calls run at once, so it is set well above what can block: a
 * follower's appends (one at a time per stream), a snapshot being installed, Status, Fetch and
 * NewEpoch read the node's store; a Forward's handler and every client-side callback return
 * without waiting (see {@link ReplicationService} and {@link AppendPipeline}). Threads above
 * {@code core} end after a minute idle.
 */
final class RpcThreads {

  private RpcThreads() {}

  /** A pool of {@code size} daemon threads named {@code name-N}; the caller shuts it down. */
  static ExecutorService fixed(String name, int size) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, name + "-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
