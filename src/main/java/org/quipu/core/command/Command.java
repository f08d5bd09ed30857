package org.quipu.core.command;

/**
 * A change of replicated state, named in the imperative. Commands are built by the leader with
 * every non-deterministic value fixed inside them; the log entry that carries a command supplies
 * its sequence number and timestamp. Applying a command never consults a clock or a random source.
 */
public sealed interface Command
    permits RegisterUser,
        OpenSession,
        CloseSession,
        UpdateUser,
        DeleteUser,
        CreateQueue,
        UpdateQueue,
        PurgeQueue,
        DeleteQueue,
        SendMessages,
        ReceiveMessages,
        AckMessages,
        ReleaseMessage,
        ExtendLease,
        RedriveMessages,
        CreateTopic,
        DeleteTopic,
        Subscribe,
        Unsubscribe,
        Publish,
        Idempotent,
        DropExpired,
        StartEpoch {

  /**
   * True for a change every node must show before its client is answered — a login's new token, a
   * logout, a user's password, role or status changed or removed — so that a revoked token fails
   * on every node the moment the call returns (DESIGN.md, "Follower reads under a lease").
   */
  default boolean mustBeVisibleEverywhere() {
    return this instanceof OpenSession || this instanceof CloseSession
        || this instanceof UpdateUser || this instanceof DeleteUser
        || this instanceof Idempotent keyed && keyed.command().mustBeVisibleEverywhere();
  }
}
