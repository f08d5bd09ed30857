package org.quipu.node;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quipu.core.command.DropExpired;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.state.Broker;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.Role;
import org.quipu.replication.Leadership;
import org.quipu.replication.ReplicaState;
import org.quipu.replication.WritePath;
import org.quipu.security.PasswordHasher;

/**
 * What only the leader does, started when leadership is granted and stopped when it is revoked:
 * every few seconds it proposes dropping expired messages and sessions (only when some have
 * expired), and once it makes sure the first admin exists. Followers never run either, so two
 * nodes never race to create the admin or sweep twice.
 */
final class LeaderDuties implements Leadership.Listener {

  private static final Logger LOG = Logger.getLogger(LeaderDuties.class.getName());
  static final String FIRST_ADMIN = "admin";
  private static final long HOUSEKEEPING_SECONDS = 5;
  /** At most this many DropExpired in a row (a million expired messages), then the next round. */
  private static final int MAX_ROUNDS = 100;
  /** How long a round waits for its DropExpired to commit. */
  private static final long ROUND_TIMEOUT_SECONDS = 30;

  private final WritePath writes;
  private final ReplicaState state;
  private final PasswordHasher passwords;
  private final Optional<String> adminPassword;
  private ScheduledExecutorService duties;

  LeaderDuties(WritePath writes, ReplicaState state, PasswordHasher passwords,
      Optional<String> adminPassword) {
    this.writes = writes;
    this.state = state;
    this.passwords = passwords;
    this.adminPassword = adminPassword;
  }

  @Override
  public synchronized void onGranted(long epoch) {
    stop();
    duties = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quipu-leader-duties");
      t.setDaemon(true);
      return t;
    });
    duties.execute(this::ensureFirstAdmin);
    duties.scheduleWithFixedDelay(this::dropExpired, HOUSEKEEPING_SECONDS, HOUSEKEEPING_SECONDS,
        TimeUnit.SECONDS);
  }

  @Override
  public synchronized void onRevoked() {
    stop();
  }

  synchronized void stop() {
    if (duties != null) {
      duties.shutdownNow();
      duties = null;
    }
  }

  /**
   * Proposes dropping expired messages and sessions, only when there are some; again straight
   * after one that dropped as many messages as one command may ({@link
   * Broker#EXPIRED_PER_COMMAND}), each after the one before has committed, so that other
   * writes go between them.
   */
  private void dropExpired() {
    try {
      for (int round = 0; round < MAX_ROUNDS; round++) {
        long now = System.currentTimeMillis();
        if (!writes.serving() || !state.read(b -> b.hasExpired(now))) {
          return;
        }
        Outcome outcome = writes.submit(new DropExpired()).get(ROUND_TIMEOUT_SECONDS,
            TimeUnit.SECONDS).outcome();
        if (!(outcome instanceof Outcome.Purged purged)
            || purged.purged() < Broker.EXPIRED_PER_COMMAND) {
          return;
        }
      }
    } catch (InterruptedException revoked) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // The next round tries again; a failed submit already answered nobody.
      LOG.log(Level.WARNING, "housekeeping failed", e);
    }
  }

  private void ensureFirstAdmin() {
    try {
      while (!writes.serving()) {
        Thread.sleep(100);
      }
      if (state.read(b -> b.user(FIRST_ADMIN).isPresent())) {
        return;
      }
      String password = adminPassword.orElseGet(LeaderDuties::generatePassword);
      var command = new RegisterUser(FIRST_ADMIN, passwords.hash(password), Role.ADMIN);
      Outcome outcome = writes.submit(command).get().outcome();
      if (outcome instanceof Outcome.UserRegistered && adminPassword.isEmpty()) {
        LOG.warning("Created the first admin 'admin' with the generated password: " + password
            + " (set QUIPU_ADMIN_PASSWORD to choose it)");
      }
    } catch (InterruptedException revoked) {
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
