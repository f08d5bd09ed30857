package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.Command;
import org.quipu.core.command.DeleteUser;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.UpdateUser;

/** User names are unique ignoring case; names that are routes are reserved. */
class UserNamesTest {

  private final Broker broker = new Broker();
  private final List<Change> changes = new ArrayList<>();
  private long seq;

  @BeforeEach
  void setUp() {
    apply(new RegisterUser("admin", "hash-r", Role.ADMIN));
    apply(new RegisterUser("alice", "hash-a", Role.USER));
  }

  private Outcome apply(Command command) {
    return broker.apply(++seq, 1_000, command, changes);
  }

  private static void assertRejected(BrokerException.Kind kind, Outcome outcome) {
    Outcome.Rejected rejected = assertInstanceOf(Outcome.Rejected.class, outcome);
    assertEquals(kind, rejected.kind(), rejected.detail());
  }

  @Test
  void register_aNameThatDiffersOnlyInCase_isAConflict() {
    assertRejected(BrokerException.Kind.CONFLICT, apply(new RegisterUser("Admin", "h", Role.USER)));
    assertRejected(BrokerException.Kind.CONFLICT, apply(new RegisterUser("ADMIN", "h", Role.USER)));
    assertRejected(BrokerException.Kind.CONFLICT, apply(new RegisterUser("ALICE", "h", Role.USER)));
    assertEquals(List.of("admin", "alice"), broker.users().stream().map(User::username).toList());
  }

  @Test
  void register_aReservedRouteName_isInvalidInAnyCase() {
    assertRejected(BrokerException.Kind.INVALID, apply(new RegisterUser("me", "h", Role.USER)));
    assertRejected(BrokerException.Kind.INVALID, apply(new RegisterUser("ME", "h", Role.USER)));
    assertEquals(2, broker.users().size());
  }

  @Test
  void lookUpsInAnyCase_findTheUserUnderItsOwnSpelling() {
    assertEquals("alice", broker.user("ALICE").orElseThrow().username());
    var opened = (Outcome.SessionOpened) apply(new OpenSession("s1", "t1", "Alice", 2_000));
    assertEquals("alice", opened.session().username());
  }

  @Test
  void adminCannotDemoteOrDeleteThemselves_underAnotherSpelling() {
    assertRejected(BrokerException.Kind.CONFLICT,
        apply(new UpdateUser("ADMIN", "admin", Role.USER, null, null)));
    assertRejected(BrokerException.Kind.CONFLICT, apply(new DeleteUser("Admin", "admin")));
  }

  @Test
  void delete_underAnotherSpelling_deletesTheStoredName() {
    apply(new DeleteUser("ALICE", "admin"));
    assertEquals(List.of(new Change.UserDeleted("alice")),
        changes.stream().filter(c -> c instanceof Change.UserDeleted).toList());
  }
}
