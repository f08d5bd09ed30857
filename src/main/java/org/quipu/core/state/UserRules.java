package org.quipu.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.DeleteUser;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.UpdateUser;

/** Users and sessions: register, log in and out, and the admin's changes. */
final class UserRules {

  private final State state;

  UserRules(State state) {
    this.state = state;
  }

  /** Names that are routes ({@code /users/me}), whatever their case. */
  private static final Set<String> RESERVED = Set.of("me");

  Outcome register(RegisterUser c, long now, List<Change> changes) {
    if (RESERVED.contains(c.username().toLowerCase(Locale.ROOT))) {
      throw BrokerException.invalid("the user name '" + c.username() + "' is reserved");
    }
    User taken = state.users.get(c.username());
    if (taken != null) {
      throw BrokerException.conflict(taken.username().equals(c.username())
          ? "user '" + c.username() + "' already exists"
          : "user '" + c.username() + "' already exists as '" + taken.username()
              + "' (user names ignore case)");
    }
    User user = new User(c.username(), c.passwordHash(), c.role(), false, now);
    state.users.put(user.username(), user);
    changes.add(new Change.UserSaved(user));
    return new Outcome.UserRegistered(user);
  }

  Outcome openSession(OpenSession c, long now, List<Change> changes) {
    User user = state.users.get(c.username());
    if (user == null) {
      throw BrokerException.notFound("user '" + c.username() + "' does not exist");
    }
    if (user.disabled()) {
      throw BrokerException.forbidden("user '" + c.username() + "' is disabled");
    }
    Session session =
        new Session(c.sessionId(), c.tokenHash(), user.username(), now, c.expiresAtMillis());
    state.sessions.put(session.id(), session);
    state.sessionsByTokenHash.put(session.tokenHash(), session);
    changes.add(new Change.SessionSaved(session));
    return new Outcome.SessionOpened(session, user);
  }

  Outcome closeSession(CloseSession c, List<Change> changes) {
    if (!state.sessions.containsKey(c.sessionId())) {
      throw BrokerException.notFound("session '" + c.sessionId() + "' does not exist");
    }
    close(c.sessionId(), changes);
    return new Outcome.Done();
  }

  Outcome update(UpdateUser c, List<Change> changes) {
    state.requireAdmin(c.actor());
    User user = existing(c.username());
    if (user.username().equals(c.actor())
        && (Boolean.TRUE.equals(c.disabled()) || (c.role() != null && c.role() != Role.ADMIN))) {
      throw BrokerException.conflict("an admin cannot disable or demote themselves");
    }
    User updated =
        new User(user.username(),
            c.passwordHash() != null ? c.passwordHash() : user.passwordHash(),
            c.role() != null ? c.role() : user.role(),
            c.disabled() != null ? c.disabled() : user.disabled(),
            user.createdAtMillis());
    state.users.put(updated.username(), updated);
    changes.add(new Change.UserSaved(updated));
    if (updated.disabled() || c.passwordHash() != null) {
      closeAllOf(updated.username(), changes);
    }
    return new Outcome.UserUpdated(updated);
  }

  /**
   * A user who still owns queues, topics or subscriptions cannot be deleted: whoever registered the
   * name next would inherit them.
   */
  private void refuseWhileOwning(String username) {
    Holdings owned = state.holdings(username);
    if (owned.total() > 0) {
      throw BrokerException.conflict("user '" + username + "' still owns " + owned.queues()
          + " queues, " + owned.topics() + " topics and " + owned.subscriptions()
          + " subscriptions; delete them first, or disable the user instead");
    }
  }

  Outcome delete(DeleteUser c, List<Change> changes) {
    state.requireAdmin(c.actor());
    String username = existing(c.username()).username(); // its own spelling, as stored
    if (username.equals(c.actor())) {
      throw BrokerException.conflict("an admin cannot delete themselves");
    }
    refuseWhileOwning(username);
    closeAllOf(username, changes);
    state.users.remove(username);
    changes.add(new Change.UserDeleted(username));
    return new Outcome.Done();
  }

  private User existing(String username) {
    User user = state.users.get(username);
    if (user == null) {
      throw BrokerException.notFound("user '" + username + "' does not exist");
    }
    return user;
  }

  private void closeAllOf(String username, List<Change> changes) {
    List<String> ids = new ArrayList<>();
    for (Session s : state.sessions.values()) {
      if (s.username().equals(username)) {
        ids.add(s.id());
      }
    }
    ids.forEach(id -> close(id, changes));
  }

  private void close(String sessionId, List<Change> changes) {
    Session session = state.sessions.remove(sessionId);
    state.sessionsByTokenHash.remove(session.tokenHash());
    changes.add(new Change.SessionDeleted(sessionId));
  }
}
