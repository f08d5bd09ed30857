package org.quipu.replication;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The observers of one write path, as one {@link ReplicationObserver} that the stages hold from
 * the start: an observer added later (metrics register once the node runs) is told from then on.
 */
final class ReplicationObservers implements ReplicationObserver {

  private final List<ReplicationObserver> observers = new CopyOnWriteArrayList<>();

  void add(ReplicationObserver observer) {
    observers.add(observer);
  }

  @Override
  public void quorumCommitted(int entries, long nanosSinceAppended) {
    observers.forEach(o -> o.quorumCommitted(entries, nanosSinceAppended));
  }

  @Override
  public void appendSent(String follower, int entries) {
    observers.forEach(o -> o.appendSent(follower, entries));
  }

  @Override
  public void forwarded() {
    observers.forEach(ReplicationObserver::forwarded);
  }

  @Override
  public void forwardFailed() {
    observers.forEach(ReplicationObserver::forwardFailed);
  }
}
