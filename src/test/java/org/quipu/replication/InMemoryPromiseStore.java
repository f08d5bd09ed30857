package org.quipu.replication;

/** A {@link PromiseStore} in memory; it survives a simulated restart when the test keeps it. */
final class InMemoryPromiseStore implements PromiseStore {

  private long promised;

  @Override
  public synchronized long promisedEpoch() {
    return promised;
  }

  @Override
  public synchronized void promise(long epoch) {
    promised = Math.max(promised, epoch);
  }
}
