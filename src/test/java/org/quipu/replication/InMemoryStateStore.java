package org.quipu.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Change;
import org.quipu.core.state.Message;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.IdempotencyRecord;
import org.quipu.core.state.Session;
import org.quipu.core.state.Snapshot;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.User;

/**
 * A {@link StateStore} in memory that applies {@link Change}s the way the SQL store does, so tests
 * can prove that the changes alone rebuild the state; like the tables' primary key it refuses a
 * message inserted twice. {@link #failNextApplies} and {@link #failNextRestores} simulate a dead
 * database, {@link #loseNextAnswers} one that commits and dies before saying so.
 *
 * <p>A snapshot's bytes name a frozen copy of the tables kept in this JVM (the nodes of a simulated
 * cluster share it), followed by {@link #snapshotPadding} filler bytes so that a test can make a
 * transfer take as many chunks as it likes; installing checks the name, the position and the
 * filler's length.
 */
final class InMemoryStateStore implements StateStore {

  private final Map<String, User> users = new TreeMap<>();
  private final Map<String, Session> sessions = new TreeMap<>();
  private final Map<String, QueueDefinition> queues = new TreeMap<>();
  private final Map<String, Message> messages = new LinkedHashMap<>();
  private final Map<String, TopicDefinition> topics = new TreeMap<>();
  private final Map<String, Subscription> subscriptions = new TreeMap<>();
  private final Map<String, IdempotencyRecord> idempotency = new TreeMap<>();
  private long applied;
  private long appliedEpoch;
  /** Filler after a snapshot's name: how many bytes a snapshot written here takes beyond 24. */
  volatile int snapshotPadding;
  /** While set, installing a snapshot waits for it (a large one, slow to install). */
  volatile java.util.concurrent.CountDownLatch holdInstalls;
  /** How many snapshots this store installed. */
  final AtomicLong installed = new AtomicLong();

  private record Frozen(InMemoryStateStore copy, long seq, long epoch, int padding) {}

  private static final Map<Long, Frozen> FROZEN = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT_FROZEN = new AtomicLong();
  int failNextApplies;
  /** Makes the next apply throw this (an Error such as OutOfMemoryError kills the applier). */
  Error dieOnNextApply;
  int failNextRestores;
  /** The next applies commit, then throw as if the connection died before the answer came. */
  int loseNextAnswers;
  /** While set, every apply waits for it (a follower slow to apply); count it down to go on. */
  volatile java.util.concurrent.CountDownLatch holdApplies;

  @Override
  public synchronized long restore(Broker broker) throws StoreUnavailableException {
    if (failNextRestores > 0) {
      failNextRestores--;
      throw new StoreUnavailableException("simulated outage", null);
    }
    broker.restore(new Snapshot(new ArrayList<>(users.values()), new ArrayList<>(sessions.values()),
        new ArrayList<>(queues.values()), new ArrayList<>(messages.values()),
        new ArrayList<>(topics.values()), new ArrayList<>(subscriptions.values()),
        new ArrayList<>(idempotency.values())));
    return applied;
  }

  @Override
  public synchronized long appliedSeq() {
    return applied;
  }

  @Override
  public void apply(List<Change> changes, long appliedSeq, long epoch)
      throws StoreUnavailableException {
    java.util.concurrent.CountDownLatch hold = holdApplies;
    if (hold != null) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while held", e);
      }
    }
    applyNow(changes, appliedSeq, epoch);
  }

  private synchronized void applyNow(List<Change> changes, long appliedSeq, long epoch)
      throws StoreUnavailableException {
    if (dieOnNextApply != null) {
      Error e = dieOnNextApply;
      dieOnNextApply = null;
      throw e;
    }
    if (failNextApplies > 0) {
      failNextApplies--;
      throw new StoreUnavailableException("simulated outage", null);
    }
    for (Change change : changes) {
      if (change instanceof Change.UserSaved c) {
        users.put(c.user().username(), c.user());
      } else if (change instanceof Change.SessionSaved c) {
        sessions.put(c.session().id(), c.session());
      } else if (change instanceof Change.SessionDeleted c) {
        sessions.remove(c.id());
      } else if (change instanceof Change.QueueSaved c) {
        queues.put(c.queue().name(), c.queue());
      } else if (change instanceof Change.QueueDeleted c) {
        queues.remove(c.name());
      } else if (change instanceof Change.MessagesDropped c) {
        messages.values().removeIf(
            m -> m.queue().equals(c.queue()) && m.order() < c.messagesBelow());
      } else if (change instanceof Change.MessageInserted c) {
        if (messages.putIfAbsent(c.message().id(), c.message()) != null) {
          throw new StoreUnavailableException("duplicate key " + c.message().id(), null);
        }
      } else if (change instanceof Change.MessageUpdated c) {
        messages.put(c.message().id(), c.message());
      } else if (change instanceof Change.MessageDeleted c) {
        messages.remove(c.id());
      } else if (change instanceof Change.UserDeleted c) {
        users.remove(c.username());
      } else if (change instanceof Change.TopicSaved c) {
        topics.put(c.topic().name(), c.topic());
      } else if (change instanceof Change.TopicDeleted c) {
        topics.remove(c.name());
      } else if (change instanceof Change.SubscriptionSaved c) {
        subscriptions.put(c.subscription().topic() + "/" + c.subscription().name(), c.subscription());
      } else if (change instanceof Change.SubscriptionDeleted c) {
        subscriptions.remove(c.topic() + "/" + c.name());
      } else if (change instanceof Change.IdempotencySaved c) {
        idempotency.put(c.record().user() + "\0" + c.record().key(), c.record());
      } else if (change instanceof Change.IdempotencyDeleted c) {
        idempotency.remove(c.user() + "\0" + c.key());
      } else {
        throw new IllegalArgumentException("unknown change " + change);
      }
    }
    applied = appliedSeq;
    appliedEpoch = epoch;
    if (loseNextAnswers > 0) {
      loseNextAnswers--;
      throw new StoreUnavailableException("simulated connection lost after the commit", null);
    }
  }

  /** True: every snapshot write fails, as on a full disk. */
  volatile boolean failSnapshotWrites;
  /** How many snapshot writes were begun. */
  final java.util.concurrent.atomic.AtomicInteger snapshotWritesBegun =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public LogPosition writeSnapshot(OutputStream out) throws IOException {
    snapshotWritesBegun.incrementAndGet();
    if (failSnapshotWrites) {
      throw new IOException("simulated: no space left on device");
    }
    Frozen frozen;
    synchronized (this) {
      InMemoryStateStore copy = new InMemoryStateStore();
      copy.copyFrom(this);
      frozen = new Frozen(copy, applied, appliedEpoch, snapshotPadding);
    }
    long id = NEXT_FROZEN.incrementAndGet();
    FROZEN.put(id, frozen);
    DataOutputStream data = new DataOutputStream(out);
    data.writeLong(id);
    data.writeLong(frozen.seq());
    data.writeLong(frozen.epoch());
    data.write(new byte[frozen.padding()]);
    data.flush();
    return new LogPosition(frozen.seq(), frozen.epoch(), 0);
  }

  @Override
  public void installSnapshot(InputStream in, LogPosition at) throws IOException {
    java.util.concurrent.CountDownLatch hold = holdInstalls;
    if (hold != null) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while held", e);
      }
    }
    DataInputStream data = new DataInputStream(in);
    Frozen frozen = FROZEN.get(data.readLong());
    if (frozen == null || data.readLong() != at.seq() || data.readLong() != at.epoch()) {
      throw new IOException("not a snapshot at " + at);
    }
    data.skipNBytes(frozen.padding());
    if (data.read() != -1) {
      throw new IOException("a snapshot longer than written");
    }
    synchronized (this) {
      copyFrom(frozen.copy());
      applied = at.seq();
      appliedEpoch = at.epoch();
    }
    installed.incrementAndGet();
  }

  private void copyFrom(InMemoryStateStore other) {
    synchronized (other) {
      users.clear();
      users.putAll(other.users);
      sessions.clear();
      sessions.putAll(other.sessions);
      queues.clear();
      queues.putAll(other.queues);
      messages.clear();
      messages.putAll(other.messages);
      topics.clear();
      topics.putAll(other.topics);
      subscriptions.clear();
      subscriptions.putAll(other.subscriptions);
      idempotency.clear();
      idempotency.putAll(other.idempotency);
    }
  }
}
