package org.quipu.store;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PersistenceUnitUtil;
import java.util.List;
import org.quipu.store.entity.UpdatableRow;

/**
 * Writes {@link RowWrite}s through the entity manager, inside its transaction: {@code persist} for
 * inserts, {@code merge} for saves and {@code find} then {@link UpdatableRow#updateFrom} for
 * updates (each a read of the row first, unless this batch inserted it), {@code find} and
 * {@code remove} for deletes, one JPQL bulk delete for a queue's messages. The slower of the two
 * writers (figures in the README); kept, and tested against the same tables as {@link
 * JdbcRowWriter}, so that the choice stays measurable.
 */
final class JpaRowWriter {

  private final PersistenceUnitUtil units;

  JpaRowWriter(PersistenceUnitUtil units) {
    this.units = units;
  }

  void write(EntityManager em, List<RowWrite> writes) {
    for (RowWrite write : writes) {
      if (write instanceof RowWrite.Insert w) {
        em.persist(w.row());
      } else if (write instanceof RowWrite.Save w) {
        em.merge(w.row());
      } else if (write instanceof RowWrite.Update w) {
        update(em, w.row());
      } else if (write instanceof RowWrite.Delete w) {
        Object found = em.find(w.key().getClass(), units.getIdentifier(w.key()));
        if (found != null) {
          em.remove(found);
          // Written now, so that a later write of the same key in this batch (a user deleted and
          // registered again) is a new row rather than a merge into a removed entity.
          em.flush();
        }
      }
    }
  }

  /** Finds the row (a read, unless this batch inserted it) and changes its updatable columns. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void update(EntityManager em, UpdatableRow row) {
    UpdatableRow found = em.find(row.getClass(), units.getIdentifier(row));
    if (found == null) {
      throw new PersistenceException("no row to update: " + row.getClass().getSimpleName() + " "
          + units.getIdentifier(row));
    }
    found.updateFrom(row);
  }
}
