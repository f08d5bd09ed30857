package org.quipu.store;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceUnitUtil;
import java.util.List;

/**
 * Writes {@link RowWrite}s through the entity manager, inside its transaction: {@code persist} for
 * inserts, {@code merge} for saves and updates (each a read of the row first), {@code find} and
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
        em.merge(w.row());
      } else if (write instanceof RowWrite.Delete w) {
        Object found = em.find(w.key().getClass(), units.getIdentifier(w.key()));
        if (found != null) {
          em.remove(found);
          // Written now, so that a later write of the same key in this batch (a user deleted and
          // registered again) is a new row rather than a merge into a removed entity.
          em.flush();
        }
      } else if (write instanceof RowWrite.DeleteMessagesOf w) {
        em.createQuery("DELETE FROM MessageRow m WHERE m.queueName = :queue")
            .setParameter("queue", w.queue())
            .executeUpdate();
      }
    }
  }
}
