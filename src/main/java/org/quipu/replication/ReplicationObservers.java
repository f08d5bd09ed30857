package org.quipu.replication;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The observers of one write path, as one {@link ReplicationObserver} that the stages hold from
 * the start: an observer added later (metrics register once the node runs) is told from then on.
 * An observer that throws is logged and skipped: it must never stop a replication thread.
 */
final class ReplicationObservers implements ReplicationObserver {

  private static final Logger LOG = Logger.getLogger(ReplicationObservers.class.getName());

  private final List<ReplicationObserver> observers = new CopyOnWriteArrayList<>();

  void add(ReplicationObserver observer) {
    observers.add(observer);
  }

  @Override
  public void quorumCommitted(int entries, long nanosSinceAppended) {
    tell(o -> o.quorumCommitted(entries, nanosSinceAppended));
  }

  @Override
  public void appendSent(String follower, int entries) {
    tell(o -> o.appendSent(follower, entries));
  }

  @Override
  public void forwarded() {
    tell(ReplicationObserver::forwarded);
  }

  @Override
  public void forwardFailed() {
    tell(ReplicationObserver::forwardFailed);
  }

  private void tell(Consumer<ReplicationObserver> call) {
    for (ReplicationObserver o : observers) {
      try {
        call.accept(o);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "replication observer failed", e);
      }
    }
  }
}
