package org.quipu.replication;

import com.google.protobuf.InvalidProtocolBufferException;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.DeleteTopic;
import org.quipu.core.command.DeleteUser;
import org.quipu.core.command.DropExpired;
import org.quipu.core.command.ExtendLease;
import org.quipu.core.command.Idempotent;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.Publish;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RedriveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.ReleaseMessage;
import org.quipu.core.command.SendMessages;
import org.quipu.core.command.StartEpoch;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.command.UpdateUser;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;
import org.quipu.proto.command.v1.Command.KindCase;

/**
 * Translates log entries to and from their protobuf form ({@code quipu.command.v1}), the only form
 * in which they are stored or sent. {@code decode(encode(e))} equals {@code e} for every entry.
 * The proto classes share names with the core commands, so they are written out in full here.
 */
public final class CommandCodec {

  private CommandCodec() {}

  public static byte[] encode(LogEntry entry) {
    return toProto(entry).toByteArray();
  }

  /** @throws IllegalStateException when the bytes are not a log entry with a known command */
  public static LogEntry decode(byte[] bytes) {
    try {
      return fromProto(org.quipu.proto.command.v1.LogEntry.parseFrom(bytes));
    } catch (InvalidProtocolBufferException corrupt) {
      throw new IllegalStateException("corrupt log entry", corrupt);
    }
  }

  /** The entry as it is stored and sent between nodes. */
  public static org.quipu.proto.command.v1.LogEntry toProto(LogEntry entry) {
    return org.quipu.proto.command.v1.LogEntry.newBuilder()
        .setSeq(entry.seq())
        .setEpoch(entry.epoch())
        .setTimestampMillis(entry.timestampMillis())
        .setCommand(toProto(entry.command()))
        .build();
  }

  /** @throws IllegalStateException when the entry holds no command this version knows */
  public static LogEntry fromProto(org.quipu.proto.command.v1.LogEntry proto) {
    return new LogEntry(proto.getSeq(), proto.getEpoch(), proto.getTimestampMillis(),
        fromProto(proto.getCommand()));
  }

  // ---- encode -------------------------------------------------------------------------------

  /** A command alone, as a follower forwards it to the leader. */
  public static org.quipu.proto.command.v1.Command toProto(Command command) {
    var b = org.quipu.proto.command.v1.Command.newBuilder();
    if (command instanceof RegisterUser c) {
      b.setRegisterUser(org.quipu.proto.command.v1.RegisterUser.newBuilder()
          .setUsername(c.username()).setPasswordHash(c.passwordHash()).setRole(toProto(c.role())));
    } else if (command instanceof OpenSession c) {
      b.setOpenSession(org.quipu.proto.command.v1.OpenSession.newBuilder()
          .setSessionId(c.sessionId()).setTokenHash(c.tokenHash()).setUsername(c.username())
          .setExpiresAtMillis(c.expiresAtMillis()));
    } else if (command instanceof CloseSession c) {
      b.setCloseSession(org.quipu.proto.command.v1.CloseSession.newBuilder()
          .setSessionId(c.sessionId()));
    } else if (command instanceof UpdateUser c) {
      var u = org.quipu.proto.command.v1.UpdateUser.newBuilder()
          .setUsername(c.username()).setActor(c.actor());
      if (c.role() != null) u.setRole(toProto(c.role()));
      if (c.disabled() != null) u.setDisabled(c.disabled());
      if (c.passwordHash() != null) u.setPasswordHash(c.passwordHash());
      b.setUpdateUser(u);
    } else if (command instanceof DeleteUser c) {
      b.setDeleteUser(org.quipu.proto.command.v1.DeleteUser.newBuilder()
          .setUsername(c.username()).setActor(c.actor()));
    } else if (command instanceof CreateQueue c) {
      b.setCreateQueue(org.quipu.proto.command.v1.CreateQueue.newBuilder()
          .setName(c.name()).setOwner(c.owner()).setAttributes(toProto(c.attributes())));
    } else if (command instanceof UpdateQueue c) {
      b.setUpdateQueue(org.quipu.proto.command.v1.UpdateQueue.newBuilder()
          .setName(c.name()).setActor(c.actor()).setPatch(toProto(c.patch())));
    } else if (command instanceof PurgeQueue c) {
      b.setPurgeQueue(org.quipu.proto.command.v1.PurgeQueue.newBuilder()
          .setQueue(c.queue()).setActor(c.actor()));
    } else if (command instanceof DeleteQueue c) {
      b.setDeleteQueue(org.quipu.proto.command.v1.DeleteQueue.newBuilder()
          .setName(c.name()).setActor(c.actor()).setForce(c.force()));
    } else if (command instanceof SendMessages c) {
      var send = org.quipu.proto.command.v1.SendMessages.newBuilder()
          .setQueue(c.queue()).setSender(c.sender());
      for (SendMessages.NewMessage m : c.messages()) {
        send.addMessages(org.quipu.proto.command.v1.NewMessage.newBuilder()
            .setId(m.id()).setBody(m.body()).putAllHeaders(m.headers())
            .setDelayMillis(m.delayMillis()));
      }
      b.setSendMessages(send);
    } else if (command instanceof ReceiveMessages c) {
      b.setReceiveMessages(org.quipu.proto.command.v1.ReceiveMessages.newBuilder()
          .setQueue(c.queue()).setActor(c.actor()).setMax(c.max())
          .setVisibilityMillis(c.visibilityMillis()).setReceiptNonce(c.receiptNonce()));
    } else if (command instanceof AckMessages c) {
      b.setAckMessages(org.quipu.proto.command.v1.AckMessages.newBuilder()
          .setQueue(c.queue()).setActor(c.actor()).addAllReceipts(c.receipts()));
    } else if (command instanceof ReleaseMessage c) {
      b.setReleaseMessage(org.quipu.proto.command.v1.ReleaseMessage.newBuilder()
          .setQueue(c.queue()).setActor(c.actor()).setReceipt(c.receipt())
          .setDelayMillis(c.delayMillis()));
    } else if (command instanceof ExtendLease c) {
      b.setExtendLease(org.quipu.proto.command.v1.ExtendLease.newBuilder()
          .setQueue(c.queue()).setActor(c.actor()).setReceipt(c.receipt())
          .setVisibilityMillis(c.visibilityMillis()));
    } else if (command instanceof RedriveMessages c) {
      var r = org.quipu.proto.command.v1.RedriveMessages.newBuilder()
          .setQueue(c.queue()).setActor(c.actor()).setMax(c.max());
      if (c.toQueue() != null) r.setToQueue(c.toQueue());
      b.setRedriveMessages(r);
    } else if (command instanceof CreateTopic c) {
      b.setCreateTopic(org.quipu.proto.command.v1.CreateTopic.newBuilder()
          .setName(c.name()).setOwner(c.owner()));
    } else if (command instanceof DeleteTopic c) {
      b.setDeleteTopic(org.quipu.proto.command.v1.DeleteTopic.newBuilder()
          .setName(c.name()).setActor(c.actor()).setForce(c.force()));
    } else if (command instanceof Subscribe c) {
      var s = org.quipu.proto.command.v1.Subscribe.newBuilder()
          .setTopic(c.topic()).setName(c.name()).setOwner(c.owner()).setBindingKey(c.bindingKey());
      if (c.queue() != null) s.setQueue(c.queue());
      b.setSubscribe(s);
    } else if (command instanceof Unsubscribe c) {
      b.setUnsubscribe(org.quipu.proto.command.v1.Unsubscribe.newBuilder()
          .setTopic(c.topic()).setName(c.name()).setActor(c.actor()));
    } else if (command instanceof Publish c) {
      b.setPublish(org.quipu.proto.command.v1.Publish.newBuilder()
          .setTopic(c.topic()).setSender(c.sender()).setId(c.id()).setBody(c.body())
          .setRoutingKey(c.routingKey()).putAllHeaders(c.headers()));
    } else if (command instanceof Idempotent c) {
      b.setIdempotent(org.quipu.proto.command.v1.Idempotent.newBuilder()
          .setUser(c.user()).setKey(c.key()).setFingerprint(c.fingerprint())
          .setTtlMillis(c.ttlMillis()).setCommand(toProto(c.command())));
    } else if (command instanceof DropExpired) {
      b.setDropExpired(org.quipu.proto.command.v1.DropExpired.getDefaultInstance());
    } else if (command instanceof StartEpoch) {
      b.setStartEpoch(org.quipu.proto.command.v1.StartEpoch.getDefaultInstance());
    } else {
      throw new IllegalArgumentException("no encoding for " + command.getClass().getName());
    }
    return b.build();
  }

  /** Shared with {@link OutcomeCodec}, whose users carry the same role. */
  static org.quipu.proto.command.v1.Role toProto(Role role) {
    return role == Role.ADMIN
        ? org.quipu.proto.command.v1.Role.ROLE_ADMIN
        : org.quipu.proto.command.v1.Role.ROLE_USER;
  }

  /** Shared with {@link OutcomeCodec}, whose queue definitions carry the same attributes. */
  static org.quipu.proto.command.v1.QueueAttributes toProto(QueueAttributes a) {
    var b = org.quipu.proto.command.v1.QueueAttributes.newBuilder()
        .setVisibilityTimeoutMillis(a.visibilityTimeoutMillis())
        .setRetentionMillis(a.retentionMillis())
        .setShared(a.shared());
    if (a.maxReceiveCount() != null) b.setMaxReceiveCount(a.maxReceiveCount());
    if (a.deadLetterQueue() != null) b.setDeadLetterQueue(a.deadLetterQueue());
    if (a.maxLength() != null) b.setMaxLength(a.maxLength());
    return b.build();
  }

  private static org.quipu.proto.command.v1.QueuePatch toProto(QueuePatch p) {
    var b = org.quipu.proto.command.v1.QueuePatch.newBuilder()
        .setClearDeadLetter(p.clearDeadLetter())
        .setClearMaxLength(p.clearMaxLength());
    if (p.visibilityTimeoutMillis() != null) b.setVisibilityTimeoutMillis(p.visibilityTimeoutMillis());
    if (p.maxReceiveCount() != null) b.setMaxReceiveCount(p.maxReceiveCount());
    if (p.deadLetterQueue() != null) b.setDeadLetterQueue(p.deadLetterQueue());
    if (p.retentionMillis() != null) b.setRetentionMillis(p.retentionMillis());
    if (p.maxLength() != null) b.setMaxLength(p.maxLength());
    if (p.shared() != null) b.setShared(p.shared());
    return b.build();
  }

  // ---- decode -------------------------------------------------------------------------------

  /** @throws IllegalStateException when it holds no command this version knows */
  public static Command fromProto(org.quipu.proto.command.v1.Command p) {
    KindCase kind = p.getKindCase();
    switch (kind) {
      case REGISTER_USER: {
        var c = p.getRegisterUser();
        return new RegisterUser(c.getUsername(), c.getPasswordHash(), fromProto(c.getRole()));
      }
      case OPEN_SESSION: {
        var c = p.getOpenSession();
        return new OpenSession(c.getSessionId(), c.getTokenHash(), c.getUsername(),
            c.getExpiresAtMillis());
      }
      case CLOSE_SESSION:
        return new CloseSession(p.getCloseSession().getSessionId());
      case UPDATE_USER: {
        var c = p.getUpdateUser();
        return new UpdateUser(c.getUsername(), c.getActor(),
            c.getRole() == org.quipu.proto.command.v1.Role.ROLE_UNSPECIFIED ? null : fromProto(c.getRole()),
            c.hasDisabled() ? c.getDisabled() : null,
            c.hasPasswordHash() ? c.getPasswordHash() : null);
      }
      case DELETE_USER:
        return new DeleteUser(p.getDeleteUser().getUsername(), p.getDeleteUser().getActor());
      case CREATE_QUEUE: {
        var c = p.getCreateQueue();
        return new CreateQueue(c.getName(), c.getOwner(), fromProto(c.getAttributes()));
      }
      case UPDATE_QUEUE: {
        var c = p.getUpdateQueue();
        return new UpdateQueue(c.getName(), c.getActor(), c.hasPatch()
            ? fromProto(c.getPatch())
            : QueuePatch.replacing(fromProto(c.getAttributes())));
      }
      case PURGE_QUEUE:
        return new PurgeQueue(p.getPurgeQueue().getQueue(), p.getPurgeQueue().getActor());
      case DELETE_QUEUE: {
        var c = p.getDeleteQueue();
        return new DeleteQueue(c.getName(), c.getActor(), c.getForce());
      }
      case SEND_MESSAGES: {
        var c = p.getSendMessages();
        var messages = c.getMessagesList().stream()
            .map(m -> new SendMessages.NewMessage(m.getId(), m.getBody(), m.getHeadersMap(),
                m.getDelayMillis()))
            .toList();
        return new SendMessages(c.getQueue(), c.getSender(), messages);
      }
      case RECEIVE_MESSAGES: {
        var c = p.getReceiveMessages();
        return new ReceiveMessages(c.getQueue(), c.getActor(), c.getMax(), c.getVisibilityMillis(),
            c.getReceiptNonce());
      }
      case ACK_MESSAGES: {
        var c = p.getAckMessages();
        return new AckMessages(c.getQueue(), c.getActor(), c.getReceiptsList());
      }
      case RELEASE_MESSAGE: {
        var c = p.getReleaseMessage();
        return new ReleaseMessage(c.getQueue(), c.getActor(), c.getReceipt(), c.getDelayMillis());
      }
      case EXTEND_LEASE: {
        var c = p.getExtendLease();
        return new ExtendLease(c.getQueue(), c.getActor(), c.getReceipt(), c.getVisibilityMillis());
      }
      case REDRIVE_MESSAGES: {
        var c = p.getRedriveMessages();
        return new RedriveMessages(c.getQueue(), c.getActor(),
            c.hasToQueue() ? c.getToQueue() : null, c.getMax());
      }
      case CREATE_TOPIC:
        return new CreateTopic(p.getCreateTopic().getName(), p.getCreateTopic().getOwner());
      case DELETE_TOPIC: {
        var c = p.getDeleteTopic();
        return new DeleteTopic(c.getName(), c.getActor(), c.getForce());
      }
      case SUBSCRIBE: {
        var c = p.getSubscribe();
        return new Subscribe(c.getTopic(), c.getName(), c.getOwner(), c.getBindingKey(),
            c.hasQueue() ? c.getQueue() : null);
      }
      case UNSUBSCRIBE: {
        var c = p.getUnsubscribe();
        return new Unsubscribe(c.getTopic(), c.getName(), c.getActor());
      }
      case PUBLISH: {
        var c = p.getPublish();
        return new Publish(c.getTopic(), c.getSender(), c.getId(), c.getBody(), c.getRoutingKey(),
            c.getHeadersMap());
      }
      case IDEMPOTENT: {
        var c = p.getIdempotent();
        return new Idempotent(c.getUser(), c.getKey(), c.getFingerprint(), c.getTtlMillis(),
            fromProto(c.getCommand()));
      }
      case DROP_EXPIRED:
        return new DropExpired();
      case START_EPOCH:
        return new StartEpoch();
      default:
        throw new IllegalStateException("log entry with no known command: " + kind);
    }
  }

  static Role fromProto(org.quipu.proto.command.v1.Role role) {
    return switch (role) {
      case ROLE_ADMIN -> Role.ADMIN;
      case ROLE_USER -> Role.USER;
      default -> throw new IllegalStateException("no role (" + role + ")");
    };
  }

  private static QueuePatch fromProto(org.quipu.proto.command.v1.QueuePatch p) {
    return new QueuePatch(
        p.hasVisibilityTimeoutMillis() ? p.getVisibilityTimeoutMillis() : null,
        p.hasMaxReceiveCount() ? p.getMaxReceiveCount() : null,
        p.hasDeadLetterQueue() ? p.getDeadLetterQueue() : null,
        p.hasRetentionMillis() ? p.getRetentionMillis() : null,
        p.hasMaxLength() ? p.getMaxLength() : null,
        p.hasShared() ? p.getShared() : null,
        p.getClearDeadLetter(),
        p.getClearMaxLength());
  }

  static QueueAttributes fromProto(org.quipu.proto.command.v1.QueueAttributes a) {
    return new QueueAttributes(
        a.getVisibilityTimeoutMillis(),
        a.hasMaxReceiveCount() ? a.getMaxReceiveCount() : null,
        a.hasDeadLetterQueue() ? a.getDeadLetterQueue() : null,
        a.getRetentionMillis(),
        a.hasMaxLength() ? a.getMaxLength() : null,
        a.getShared());
  }
}
