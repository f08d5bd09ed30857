package org.quipu.store.entity;

/**
 * A row that is updated in place: {@link #updateFrom} copies the columns an update may change
 * (those without {@code updatable = false}) from a row built from the new state alone. Through
 * the entity manager an update is then {@code find} and {@code updateFrom} rather than {@code
 * merge}, which would also copy the unset content over a row inserted earlier in the same batch.
 */
public interface UpdatableRow<R extends UpdatableRow<R>> {
  void updateFrom(R update);
}
