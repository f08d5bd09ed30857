package org.quipu.node;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.quipu.core.state.Subscription;
import org.quipu.replication.Leadership;
import org.quipu.replication.ReplicaState;
import org.quipu.replication.WritePath;
import org.quipu.security.PasswordHasher;
import org.quipu.store.JdbcCommandLog;
import org.quipu.store.JpaStateStore;
import org.quipu.store.MessageContents;
import org.quipu.store.StateEntities;

/**
 * One node's life cycle: when the application starts, migrate the schema and start the write path
 * (which recovers the state, then proposes while leadership is granted) with the leader's duties
 * ({@link LeaderDuties}); when it stops, stop both. Everything else reaches the state and the log
 * through this bean.
 */
@ApplicationScoped
public class Node {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());
  /** The single node leads epoch 1 until the cluster issue brings elections. */
  private static final long SINGLE_NODE_EPOCH = 1;
  /** Threads reading message contents the cache no longer holds (one connection each). */
  private static final int CONTENT_READERS = 4;

  @Resource(lookup = QuipuDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject NodeConfig config;
  @Inject PasswordHasher passwordHasher;

  private final ReplicaState state = new ReplicaState();
  /** The state tables' entities, on the same data source. */
  private EntityManagerFactory entities;
  private JdbcCommandLog log;
  private WritePath writes;
  private LeaderDuties duties;
  private ExecutorService answers;
  private MemoryAlarm memoryAlarm;
  private ExecutorService contentReaders;
  private MessageContents contents;

  void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
    memoryAlarm = new MemoryAlarm(config.memoryHighWatermark()).watchThisJvm();
    migrate();
    answers = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("quipu-answer"));
    contentReaders = Executors.newFixedThreadPool(CONTENT_READERS, daemon("quipu-content"));
    entities = StateEntities.open(dataSource);
    contents = new MessageContents(entities, config.contentCacheBytes(), contentReaders);
    log = new JdbcCommandLog(dataSource);
    writes = new WritePath(config.nodeId(), log,
        new JpaStateStore(entities, dataSource, contents, config.stateWriter()), state,
        Leadership.fixed(SINGLE_NODE_EPOCH),
        System::currentTimeMillis, config.maxCommitBatch(), answers);
    duties = new LeaderDuties(writes, state, passwordHasher, config.adminPassword());
    writes.onLeadership(duties);
    // A node that answers but can no longer commit is worse than one that is gone: exit, so
    // that whatever supervises it restarts it (status 70, EX_SOFTWARE).
    writes.onStageDeath(died -> {
      LOG.log(Level.SEVERE, "a write-path stage died; node " + config.nodeId() + " exits", died);
      Runtime.getRuntime().halt(70);
    });
    writes.start();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @PreDestroy
  void stop() {
    if (duties != null) {
      duties.stop();
    }
    if (writes != null) {
      writes.close();
    }
    if (log != null) {
      log.close();
    }
    if (entities != null) {
      entities.close();
    }
    if (answers != null) {
      answers.shutdown();
    }
    if (contentReaders != null) {
      contentReaders.shutdown();
    }
    if (memoryAlarm != null) {
      memoryAlarm.close();
    }
  }

  /** Message bodies and headers, which the state in memory does not hold. */
  public MessageContents contents() {
    return contents;
  }

  public MemoryAlarm memoryAlarm() {
    return memoryAlarm;
  }

  public ReplicaState state() {
    return state;
  }

  public WritePath writes() {
    return writes;
  }

  public String id() {
    return config.nodeId();
  }

  /** The node's HTTP base URL, or null when QUIPU_NODE_ADDRESS is not set. */
  public String address() {
    return config.address().orElse(null);
  }

  public long epoch() {
    return SINGLE_NODE_EPOCH;
  }

  /** The queue a subscription delivers into (its own queue once it is gone, for late counts). */
  public String subscriptionTarget(String topic, String subscription) {
    return state.read(b -> b.subscription(topic, subscription))
        .map(Subscription::targetQueue)
        .orElse(Subscription.ownQueueName(topic, subscription));
  }

  /** Until the cluster issue lands the cluster is this one node, which leads epoch 1. */
  public ClusterView cluster() {
    long applied = state.appliedSeq();
    String status = writes != null && writes.serving() ? "ready" : "recovering";
    var self = new ClusterView.Member(id(), address(), "leader", status, epoch(), applied, 0);
    return new ClusterView(List.of(self), id(), epoch(), applied);
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
