package org.quipu.node;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.quipu.core.command.DropExpired;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.Role;
import org.quipu.core.state.Subscription;
import org.quipu.replication.Leadership;
import org.quipu.replication.WritePath;
import org.quipu.replication.ReplicaState;
import org.quipu.security.PasswordHasher;
import org.quipu.store.JdbcCommandLog;
import org.quipu.store.JdbcStateStore;

/**
 * One node's life cycle: when the application starts, migrate the schema, restore the state from
 * the store, start the write path and make sure the first admin exists; when it stops, stop
 * committing. Every few seconds it asks the log to drop expired messages and sessions. Everything
 * else reaches the state and the log through this bean.
 */
@ApplicationScoped
public class Node {

  private static final Logger LOG = Logger.getLogger(Node.class.getName());
  /** The single node leads epoch 1 until the cluster issue brings elections. */
  private static final long SINGLE_NODE_EPOCH = 1;
  private static final String FIRST_ADMIN = "admin";
  private static final long HOUSEKEEPING_SECONDS = 5;

  @Resource(lookup = QuipuDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject NodeConfig config;
  @Inject PasswordHasher passwordHasher;

  private final ReplicaState state = new ReplicaState();
  private WritePath writes;
  private ScheduledExecutorService housekeeping;
  private ExecutorService answers;

  void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
    migrate();
    answers = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("quipu-answer"));
    writes = new WritePath(config.nodeId(), new JdbcCommandLog(dataSource),
        new JdbcStateStore(dataSource), state, Leadership.fixed(SINGLE_NODE_EPOCH),
        System::currentTimeMillis, config.maxCommitBatch(), answers);
    writes.start();
    Thread bootstrap = new Thread(this::ensureFirstAdmin, "quipu-first-admin");
    bootstrap.setDaemon(true);
    bootstrap.start();
    housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("quipu-housekeeping"));
    housekeeping.scheduleWithFixedDelay(this::dropExpired, HOUSEKEEPING_SECONDS,
        HOUSEKEEPING_SECONDS, TimeUnit.SECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Asks the log to drop expired messages and sessions, only when there are some. */
  private void dropExpired() {
    try {
      long now = System.currentTimeMillis();
      if (writes.serving() && state.read(b -> b.hasExpired(now))) {
        writes.submit(new DropExpired());
      }
    } catch (RuntimeException e) {
      // The next round tries again; a failed submit already answered nobody.
      LOG.log(Level.WARNING, "housekeeping failed", e);
    }
  }

  @PreDestroy
  void stop() {
    if (housekeeping != null) {
      housekeeping.shutdownNow();
    }
    if (writes != null) {
      writes.close();
    }
    if (answers != null) {
      answers.shutdown();
    }
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

  private void ensureFirstAdmin() {
    try {
      while (!writes.serving()) {
        Thread.sleep(100);
      }
      if (state.read(b -> b.user(FIRST_ADMIN).isPresent())) {
        return;
      }
      String password = config.adminPassword().orElseGet(Node::generatePassword);
      var command = new RegisterUser(FIRST_ADMIN, passwordHasher.hash(password), Role.ADMIN);
      Outcome outcome = writes.submit(command).get().outcome();
      if (outcome instanceof Outcome.UserRegistered && config.adminPassword().isEmpty()) {
        LOG.warning("Created the first admin 'admin' with the generated password: " + password
            + " (set QUIPU_ADMIN_PASSWORD to choose it)");
      }
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } catch (Exception failed) {
      LOG.log(Level.SEVERE, "could not create the first admin", failed);
    }
  }

  private static String generatePassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
