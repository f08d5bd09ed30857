package org.quipu.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@link Leadership#fixed}: a node alone in its group, with no coordination service, always leads
 * the same epoch. Given back (its log was unreadable while it recovered, say), it is taken again
 * after {@link #RETAKE_AFTER_MILLIS}, not at once, so that a lasting cause does not spin.
 */
final class FixedLeadership implements Leadership {

  private static final Logger LOG = Logger.getLogger(FixedLeadership.class.getName());
  static final long RETAKE_AFTER_MILLIS = 1_000;

  private final long epoch;
  private Listener listener;
  private boolean granted;

  FixedLeadership(long epoch) {
    this.epoch = epoch;
  }

  @Override
  public synchronized void start(Listener listener) {
    this.listener = listener;
    granted = true;
    listener.onGranted(epoch);
  }

  @Override
  public void relinquish(String why) {
    synchronized (this) {
      if (!granted) {
        return;
      }
      granted = false;
    }
    LOG.warning("leadership of epoch " + epoch + " given back (" + why + "); retaken in "
        + RETAKE_AFTER_MILLIS + " ms");
    listener.onRevoked();
    // The JDK's shared delayer, not a thread of our own: a fixed leadership is made per write
    // path (every deployment, every test) and is never closed.
    CompletableFuture.delayedExecutor(RETAKE_AFTER_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
      synchronized (this) {
        granted = true;
      }
      listener.onGranted(epoch);
    });
  }
}
