package org.quipu.replication;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.quipu.core.command.AckMessages;
import org.quipu.core.command.CloseSession;
import org.quipu.core.command.Command;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.OpenSession;
import org.quipu.core.command.ReceiveMessages;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.Role;
import org.quipu.proto.command.v1.Command.KindCase;

/**
 * Translates log entries to and from their protobuf form ({@code quipu.command.v1}), the only form
 * in which they are stored or sent. {@code decode(encode(e))} equals {@code e} for every entry.
 */
public final class CommandCodec {

  private CommandCodec() {}

  public static byte[] encode(LogEntry entry) {
    return org.quipu.proto.command.v1.LogEntry.newBuilder()
        .setSeq(entry.seq())
        .setEpoch(entry.epoch())
        .setTimestampMillis(entry.timestampMillis())
        .setCommand(toProto(entry.command()))
        .build()
        .toByteArray();
  }

  public static LogEntry decode(byte[] bytes) {
    try {
      var proto = org.quipu.proto.command.v1.LogEntry.parseFrom(bytes);
      return new LogEntry(
          proto.getSeq(), proto.getEpoch(), proto.getTimestampMillis(), fromProto(proto.getCommand()));
    } catch (InvalidProtocolBufferException corrupt) {
      throw new IllegalStateException("corrupt log entry", corrupt);
    }
  }

  static org.quipu.proto.command.v1.Command toProto(Command command) {
    var b = org.quipu.proto.command.v1.Command.newBuilder();
    if (command instanceof RegisterUser c) {
      b.setRegisterUser(
          org.quipu.proto.command.v1.RegisterUser.newBuilder()
              .setUsername(c.username())
              .setPasswordHash(c.passwordHash())
              .setRole(c.role() == Role.ADMIN
                  ? org.quipu.proto.command.v1.Role.ROLE_ADMIN
                  : org.quipu.proto.command.v1.Role.ROLE_USER));
    } else if (command instanceof OpenSession c) {
      b.setOpenSession(
          org.quipu.proto.command.v1.OpenSession.newBuilder()
              .setSessionId(c.sessionId())
              .setTokenHash(c.tokenHash())
              .setUsername(c.username())
              .setExpiresAtMillis(c.expiresAtMillis()));
    } else if (command instanceof CloseSession c) {
      b.setCloseSession(
          org.quipu.proto.command.v1.CloseSession.newBuilder().setSessionId(c.sessionId()));
    } else if (command instanceof CreateQueue c) {
      b.setCreateQueue(
          org.quipu.proto.command.v1.CreateQueue.newBuilder()
              .setName(c.name())
              .setOwner(c.owner())
              .setAttributes(toProto(c.attributes())));
    } else if (command instanceof DeleteQueue c) {
      b.setDeleteQueue(
          org.quipu.proto.command.v1.DeleteQueue.newBuilder()
              .setName(c.name())
              .setActor(c.actor())
              .setForce(c.force()));
    } else if (command instanceof SendMessages c) {
      var send =
          org.quipu.proto.command.v1.SendMessages.newBuilder().setQueue(c.queue()).setSender(c.sender());
      for (SendMessages.NewMessage m : c.messages()) {
        send.addMessages(
            org.quipu.proto.command.v1.NewMessage.newBuilder()
                .setId(m.id())
                .setBody(m.body())
                .putAllHeaders(m.headers())
                .setDelayMillis(m.delayMillis()));
      }
      b.setSendMessages(send);
    } else if (command instanceof ReceiveMessages c) {
      b.setReceiveMessages(
          org.quipu.proto.command.v1.ReceiveMessages.newBuilder()
              .setQueue(c.queue())
              .setActor(c.actor())
              .setMax(c.max())
              .setVisibilityMillis(c.visibilityMillis())
              .setReceiptNonce(c.receiptNonce()));
    } else if (command instanceof AckMessages c) {
      b.setAckMessages(
          org.quipu.proto.command.v1.AckMessages.newBuilder()
              .setQueue(c.queue())
              .setActor(c.actor())
              .addAllReceipts(c.receipts()));
    } else {
      throw new IllegalArgumentException("no encoding for " + command.getClass().getName());
    }
    return b.build();
  }

  static Command fromProto(org.quipu.proto.command.v1.Command proto) {
    KindCase kind = proto.getKindCase();
    switch (kind) {
      case REGISTER_USER -> {
        var c = proto.getRegisterUser();
        Role role = switch (c.getRole()) {
          case ROLE_ADMIN -> Role.ADMIN;
          case ROLE_USER -> Role.USER;
          default -> throw new IllegalStateException("log entry without a role");
        };
        return new RegisterUser(c.getUsername(), c.getPasswordHash(), role);
      }
      case OPEN_SESSION -> {
        var c = proto.getOpenSession();
        return new OpenSession(c.getSessionId(), c.getTokenHash(), c.getUsername(), c.getExpiresAtMillis());
      }
      case CLOSE_SESSION -> {
        return new CloseSession(proto.getCloseSession().getSessionId());
      }
      case CREATE_QUEUE -> {
        var c = proto.getCreateQueue();
        return new CreateQueue(c.getName(), c.getOwner(), fromProto(c.getAttributes()));
      }
      case DELETE_QUEUE -> {
        var c = proto.getDeleteQueue();
        return new DeleteQueue(c.getName(), c.getActor(), c.getForce());
      }
      case SEND_MESSAGES -> {
        var c = proto.getSendMessages();
        List<SendMessages.NewMessage> messages =
            c.getMessagesList().stream()
                .map(m -> new SendMessages.NewMessage(
                    m.getId(), m.getBody(), m.getHeadersMap(), m.getDelayMillis()))
                .toList();
        return new SendMessages(c.getQueue(), c.getSender(), messages);
      }
      case RECEIVE_MESSAGES -> {
        var c = proto.getReceiveMessages();
        return new ReceiveMessages(
            c.getQueue(), c.getActor(), c.getMax(), c.getVisibilityMillis(), c.getReceiptNonce());
      }
      case ACK_MESSAGES -> {
        var c = proto.getAckMessages();
        return new AckMessages(c.getQueue(), c.getActor(), c.getReceiptsList());
      }
      default -> throw new IllegalStateException("log entry with no known command: " + kind);
    }
  }

  private static org.quipu.proto.command.v1.QueueAttributes toProto(QueueAttributes a) {
    var b =
        org.quipu.proto.command.v1.QueueAttributes.newBuilder()
            .setVisibilityTimeoutMillis(a.visibilityTimeoutMillis())
            .setRetentionMillis(a.retentionMillis())
            .setShared(a.shared());
    if (a.maxReceiveCount() != null) b.setMaxReceiveCount(a.maxReceiveCount());
    if (a.deadLetterQueue() != null) b.setDeadLetterQueue(a.deadLetterQueue());
    if (a.maxLength() != null) b.setMaxLength(a.maxLength());
    return b.build();
  }

  private static QueueAttributes fromProto(org.quipu.proto.command.v1.QueueAttributes a) {
    return new QueueAttributes(
        a.getVisibilityTimeoutMillis(),
        a.hasMaxReceiveCount() ? a.getMaxReceiveCount() : null,
        a.hasDeadLetterQueue() ? a.getDeadLetterQueue() : null,
        a.getRetentionMillis(),
        a.hasMaxLength() ? a.getMaxLength() : null,
        a.getShared());
  }
}
