package org.quipu.replication;

/** A {@link PromiseStore} in memory; it survives a simulated restart when the test keeps it. */
final class InMemoryPromiseStore implements PromiseStore {

  private long promised;
  /** This many next promises fail, as a database that is down would. */
  int failNextPromises;

  @Override
  public synchronized long promisedEpoch() {
    return promised;
  }

  @Override
  public synchronized void promise(long epoch) throws StoreUnavailableException {
    if (failNextPromises > 0) {
      failNextPromises--;
      throw new StoreUnavailableException("simulated outage", null);
    }
    promised = Math.max(promised, epoch);
  }
}
