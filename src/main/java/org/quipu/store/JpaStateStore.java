package org.quipu.store;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.PersistenceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.Message;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Snapshot;
import org.quipu.replication.LogPosition;
import org.quipu.replication.StateStore;
import org.quipu.replication.StoreUnavailableException;
import org.quipu.store.entity.IdempotencyRow;
import org.quipu.store.entity.DroppedMessagesRow;
import org.quipu.store.entity.MessageRow;
import org.quipu.store.entity.NodeStateRow;
import org.quipu.store.entity.QueueRow;
import org.quipu.store.entity.SessionRow;
import org.quipu.store.entity.SubscriptionRow;
import org.quipu.store.entity.TopicRow;
import org.quipu.store.entity.UserRow;

/**
 * The state tables as JPA entities ({@code org.quipu.store.entity}): restore reads them through
 * the entity manager; each applied batch is one transaction holding its changes and the new
 * applied sequence number, written by the configured {@link StateWriter}. Snapshots of the
 * tables are written by {@link SnapshotWriter} and installed by {@link SnapshotInstaller}.
 */
public final class JpaStateStore implements StateStore {

  private static final Logger LOG = Logger.getLogger(JpaStateStore.class.getName());

  /** Messages read per query when restoring a queue (a keyset page of its FIFO order). */
  private static final int RESTORE_PAGE = 10_000;

  private final EntityManagerFactory entities;
  private final DataSource dataSource;
  private final MessageContents contents;
  private final StateWriter writer;
  private final JdbcRowWriter jdbcWriter;
  private final JpaRowWriter jpaWriter;
  /** The JDBC writer's connection, kept from one applied batch to the next. */
  private final KeptConnection applying;

  /**
   * @param dataSource the unit's data source, on which the JDBC writer runs its transactions
   * @param contents told of the contents each stored batch added or deleted
   */
  public JpaStateStore(EntityManagerFactory entities, DataSource dataSource,
      MessageContents contents, StateWriter writer) {
    this.entities = entities;
    this.dataSource = dataSource;
    this.contents = contents;
    this.writer = writer;
    this.jdbcWriter = writer == StateWriter.JDBC ? new JdbcRowWriter(entities) : null;
    this.applying = new KeptConnection(dataSource);
    this.jpaWriter = new JpaRowWriter(entities.getPersistenceUnitUtil());
  }

  /**
   * Reads every table. Nothing writes them while a node restores (the applier starts after), so
   * the separate queries see one state.
   */
  @Override
  public long restore(Broker broker) throws StoreUnavailableException {
    Stored stored = read();
    broker.restore(stored.snapshot());
    return stored.appliedSeq();
  }

  /** What the tables hold, and the applied seq it is the state at. */
  record Stored(Snapshot snapshot, long appliedSeq) {}

  Stored read() throws StoreUnavailableException {
    EntityManager em = entities.createEntityManager();
    try {
      long applied = appliedSeq(em);
      List<QueueDefinition> queues = all(em, QueueRow.class, QueueRow::toQueue);
      Snapshot snapshot = new Snapshot(
          all(em, UserRow.class, UserRow::toUser),
          all(em, SessionRow.class, SessionRow::toSession),
          queues,
          messages(em, queues),
          all(em, TopicRow.class, TopicRow::toTopic),
          all(em, SubscriptionRow.class, SubscriptionRow::toSubscription),
          all(em, IdempotencyRow.class, IdempotencyRow::toRecord));
      return new Stored(snapshot, applied);
    } catch (PersistenceException e) {
      throw new StoreUnavailableException("cannot read the state tables", e);
    } finally {
      em.close();
    }
  }

  @Override
  public long appliedSeq() throws StoreUnavailableException {
    EntityManager em = entities.createEntityManager();
    try {
      return appliedSeq(em);
    } catch (PersistenceException e) {
      throw new StoreUnavailableException("cannot read the applied seq", e);
    } finally {
      em.close();
    }
  }

  @Override
  public void apply(List<Change> changes, long appliedSeq, long epoch)
      throws StoreUnavailableException {
    List<RowWrite> writes = new ArrayList<>(changes.size() + 1);
    for (Change change : changes) {
      writes.addAll(RowWrite.of(change));
    }
    writes.add(new RowWrite.Update(NodeStateRow.of(appliedSeq, epoch)));
    if (writer == StateWriter.JDBC) {
      applyWithJdbc(writes);
    } else {
      applyWithJpa(writes);
    }
    contents.stored(changes);
  }

  private synchronized void applyWithJdbc(List<RowWrite> writes)
      throws StoreUnavailableException {
    try {
      jdbcWriter.write(applying, writes);
      applying.commit();
    } catch (SQLException | RuntimeException e) {
      applying.releaseAfter(e);
      if (e instanceof SQLException sql) {
        throw new StoreUnavailableException("the state was not written", sql);
      }
      throw (RuntimeException) e;
    }
  }

  /** Gives the applying connection back to the pool (the node is stopping). */
  public synchronized void close() {
    SQLException failed = applying.release();
    if (failed != null) {
      LOG.log(Level.WARNING, "the state's applying connection did not close cleanly", failed);
    }
  }

  private void applyWithJpa(List<RowWrite> writes) throws StoreUnavailableException {
    EntityManager em = entities.createEntityManager();
    EntityTransaction tx = em.getTransaction();
    try {
      tx.begin();
      jpaWriter.write(em, writes);
      tx.commit();
    } catch (PersistenceException e) {
      throw new StoreUnavailableException("the state was not written", e);
    } finally {
      if (tx.isActive()) {
        tx.rollback();
      }
      em.close();
    }
  }

  private static long appliedSeq(EntityManager em) {
    NodeStateRow row = em.find(NodeStateRow.class, NodeStateRow.ID);
    if (row == null) {
      throw new PersistenceException("node_state has no row; the migrations did not run");
    }
    return row.appliedSeq();
  }

  private static <R, T> List<T> all(EntityManager em, Class<R> entity, Function<R, T> convert) {
    return em.createQuery("SELECT r FROM " + entity.getSimpleName() + " r", entity)
        .getResultStream()
        .map(convert)
        .toList();
  }

  /**
   * Every queue's messages without their content (bodies and headers stay in the table; {@link
   * MessageContents} reads them when asked), a page of a queue at a time in FIFO order. Queue and
   * sender names are shared between the messages that carry them, so a million messages of one
   * queue hold its name once.
   */
  private static List<Message> messages(EntityManager em, List<QueueDefinition> queues) {
    List<Message> messages = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<String, Long> dropped = new HashMap<>();
    for (Object[] row : em.createQuery(DroppedMessagesRow.ALL, Object[].class).getResultList()) {
      dropped.put((String) row[0], (Long) row[1]);
    }
    for (QueueDefinition queue : queues) {
      // Rows below a deleted queue's bound are its messages, not this queue's (DroppedMessages).
      long after = dropped.getOrDefault(queue.name(), Long.MIN_VALUE + 1) - 1;
      while (true) {
        List<Message> page = em.createQuery(MessageRow.HEADS_AFTER, Object[].class)
            .setParameter("queue", queue.name())
            .setParameter("after", after)
            .setMaxResults(RESTORE_PAGE)
            .getResultStream()
            .map(columns -> MessageRow.head(columns, names))
            .toList();
        messages.addAll(page);
        em.clear();
        if (page.size() < RESTORE_PAGE) {
          break;
        }
        after = page.get(page.size() - 1).order();
      }
    }
    return messages;
  }

  /** See {@link SnapshotWriter}: one consistent read of every state table, streamed. */
  @Override
  public LogPosition writeSnapshot(OutputStream out) throws StoreUnavailableException,
      IOException {
    try {
      return SnapshotWriter.write(dataSource, StateTables.of(entities), out);
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read the state tables for a snapshot", e);
    }
  }

  /**
   * See {@link SnapshotInstaller}; once committed, the cache of message contents is emptied (it
   * may hold contents the snapshot does not have). The caller then restores the broker from the
   * tables.
   */
  @Override
  public void installSnapshot(InputStream in, LogPosition at) throws StoreUnavailableException,
      IOException {
    try {
      SnapshotInstaller.install(dataSource, StateTables.of(entities), in, at);
    } catch (SQLException e) {
      throw new StoreUnavailableException("the snapshot was not installed", e);
    } finally {
      // Also after a failure: a commit whose answer was lost may have replaced the tables.
      contents.forgetAll();
    }
  }
}
