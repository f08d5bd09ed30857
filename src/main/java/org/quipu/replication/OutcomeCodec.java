package org.quipu.replication;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageEvent;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Session;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.User;
import org.quipu.proto.command.v1.MessageEventKind;
import org.quipu.proto.command.v1.MessageEventView;
import org.quipu.proto.command.v1.MessageView;
import org.quipu.proto.command.v1.QueueDefinitionView;
import org.quipu.proto.command.v1.RejectionKind;
import org.quipu.proto.command.v1.SessionView;
import org.quipu.proto.command.v1.SubscriptionView;
import org.quipu.proto.command.v1.TopicDefinitionView;
import org.quipu.proto.command.v1.UserView;

/**
 * Translates outcomes to and from their protobuf form ({@code quipu.command.v1.Outcome}), in which
 * the leader sends a forwarded command's outcome back to the follower that answers the client.
 * {@code decode(encode(o))} equals {@code o} for every outcome, null fields included. The proto
 * messages for the outcome kinds share their names with the core records, so they are written out
 * in full here; the value types' protos ({@code *View}) are imported.
 */
public final class OutcomeCodec {

  private OutcomeCodec() {}

  public static byte[] encode(Outcome outcome) {
    return toProto(outcome).toByteArray();
  }

  /**
   * @throws IllegalStateException if the bytes are not an outcome, or one of a kind this node does
   *     not know (written by a newer one)
   */
  public static Outcome decode(byte[] bytes) {
    try {
      return fromProto(org.quipu.proto.command.v1.Outcome.parseFrom(bytes));
    } catch (InvalidProtocolBufferException corrupt) {
      throw new IllegalStateException("corrupt outcome", corrupt);
    }
  }

  // ---- encode -------------------------------------------------------------------------------

  public static org.quipu.proto.command.v1.Outcome toProto(Outcome outcome) {
    var b = org.quipu.proto.command.v1.Outcome.newBuilder();
    if (outcome instanceof Outcome.Done) {
      b.setDone(org.quipu.proto.command.v1.Done.getDefaultInstance());
    } else if (outcome instanceof Outcome.UserRegistered o) {
      b.setUserRegistered(org.quipu.proto.command.v1.UserRegistered.newBuilder()
          .setUser(toProto(o.user())));
    } else if (outcome instanceof Outcome.UserUpdated o) {
      b.setUserUpdated(org.quipu.proto.command.v1.UserUpdated.newBuilder()
          .setUser(toProto(o.user())));
    } else if (outcome instanceof Outcome.SessionOpened o) {
      b.setSessionOpened(org.quipu.proto.command.v1.SessionOpened.newBuilder()
          .setSession(toProto(o.session())).setUser(toProto(o.user())));
    } else if (outcome instanceof Outcome.QueueCreated o) {
      b.setQueueCreated(org.quipu.proto.command.v1.QueueCreated.newBuilder()
          .setQueue(toProto(o.queue())).setCreated(o.created()));
    } else if (outcome instanceof Outcome.QueueUpdated o) {
      b.setQueueUpdated(org.quipu.proto.command.v1.QueueUpdated.newBuilder()
          .setQueue(toProto(o.queue())));
    } else if (outcome instanceof Outcome.MessagesSent o) {
      b.setMessagesSent(org.quipu.proto.command.v1.MessagesSent.newBuilder()
          .addAllIds(o.ids()));
    } else if (outcome instanceof Outcome.MessagesReceived o) {
      var r = org.quipu.proto.command.v1.MessagesReceived.newBuilder()
          .setDeadLettered(o.deadLettered());
      o.messages().forEach(m -> r.addMessages(toProto(m)));
      if (o.deadLetterQueue() != null) r.setDeadLetterQueue(o.deadLetterQueue());
      b.setMessagesReceived(r);
    } else if (outcome instanceof Outcome.MessagesAcked o) {
      b.setMessagesAcked(org.quipu.proto.command.v1.MessagesAcked.newBuilder()
          .setAcked(o.acked()).addAllStale(o.stale()));
    } else if (outcome instanceof Outcome.Purged o) {
      b.setPurged(org.quipu.proto.command.v1.Purged.newBuilder().setPurged(o.purged()));
    } else if (outcome instanceof Outcome.Redriven o) {
      b.setRedriven(org.quipu.proto.command.v1.Redriven.newBuilder()
          .setMoved(o.moved()).putAllMovedTo(o.movedTo()));
    } else if (outcome instanceof Outcome.TopicCreated o) {
      b.setTopicCreated(org.quipu.proto.command.v1.TopicCreated.newBuilder()
          .setTopic(toProto(o.topic())).setCreated(o.created()));
    } else if (outcome instanceof Outcome.Subscribed o) {
      b.setSubscribed(org.quipu.proto.command.v1.Subscribed.newBuilder()
          .setSubscription(toProto(o.subscription())).setCreated(o.created()));
    } else if (outcome instanceof Outcome.Published o) {
      b.setPublished(org.quipu.proto.command.v1.Published.newBuilder()
          .setId(o.id()).addAllDeliveredTo(o.deliveredTo()));
    } else if (outcome instanceof Outcome.Replayed o) {
      b.setReplayed(org.quipu.proto.command.v1.Replayed.newBuilder()
          .setSeq(o.seq()).setFirst(toProto(o.first())));
    } else if (outcome instanceof Outcome.Rejected o) {
      var r = org.quipu.proto.command.v1.Rejected.newBuilder().setKind(toProto(o.kind()));
      if (o.detail() != null) r.setDetail(o.detail());
      b.setRejected(r);
    } else {
      throw new IllegalArgumentException("no encoding for " + outcome.getClass().getName());
    }
    return b.build();
  }

  private static UserView toProto(User u) {
    return UserView.newBuilder()
        .setUsername(u.username()).setPasswordHash(u.passwordHash())
        .setRole(CommandCodec.toProto(u.role())).setDisabled(u.disabled())
        .setCreatedAtMillis(u.createdAtMillis())
        .build();
  }

  private static SessionView toProto(Session s) {
    return SessionView.newBuilder()
        .setId(s.id()).setTokenHash(s.tokenHash()).setUsername(s.username())
        .setCreatedAtMillis(s.createdAtMillis()).setExpiresAtMillis(s.expiresAtMillis())
        .build();
  }

  private static QueueDefinitionView toProto(QueueDefinition q) {
    return QueueDefinitionView.newBuilder()
        .setName(q.name()).setOwner(q.owner())
        .setAttributes(CommandCodec.toProto(q.attributes()))
        .setCreatedAtMillis(q.createdAtMillis())
        .build();
  }

  private static MessageView toProto(Message m) {
    var b = MessageView.newBuilder()
        .setId(m.id()).setQueue(m.queue()).setOrder(m.order()).setSender(m.sender())
        .setSentAtMillis(m.sentAtMillis()).setVisibleAtMillis(m.visibleAtMillis())
        .setReceiveCount(m.receiveCount());
    if (m.receipt() != null) b.setReceipt(m.receipt());
    if (m.firstReceivedAtMillis() != null) b.setFirstReceivedAtMillis(m.firstReceivedAtMillis());
    if (m.deadLetteredFrom() != null) b.setDeadLetteredFrom(m.deadLetteredFrom());
    for (MessageEvent e : m.history()) {
      b.addHistory(MessageEventView.newBuilder()
          .setAtMillis(e.atMillis()).setKind(toProto(e.kind())).setDetail(e.detail()));
    }
    return b.build();
  }

  private static MessageEventKind toProto(MessageEvent.Kind kind) {
    return switch (kind) {
      case RECEIVED -> MessageEventKind.MESSAGE_EVENT_KIND_RECEIVED;
      case DEAD_LETTERED -> MessageEventKind.MESSAGE_EVENT_KIND_DEAD_LETTERED;
      case REDRIVEN -> MessageEventKind.MESSAGE_EVENT_KIND_REDRIVEN;
    };
  }

  private static TopicDefinitionView toProto(TopicDefinition t) {
    return TopicDefinitionView.newBuilder()
        .setName(t.name()).setOwner(t.owner()).setCreatedAtMillis(t.createdAtMillis())
        .build();
  }

  private static SubscriptionView toProto(Subscription s) {
    var b = SubscriptionView.newBuilder()
        .setTopic(s.topic()).setName(s.name()).setOwner(s.owner()).setBindingKey(s.bindingKey())
        .setCreatedAtMillis(s.createdAtMillis());
    if (s.queue() != null) b.setQueue(s.queue());
    return b.build();
  }

  private static RejectionKind toProto(BrokerException.Kind kind) {
    return switch (kind) {
      case INVALID -> RejectionKind.REJECTION_KIND_INVALID;
      case FORBIDDEN -> RejectionKind.REJECTION_KIND_FORBIDDEN;
      case NOT_FOUND -> RejectionKind.REJECTION_KIND_NOT_FOUND;
      case CONFLICT -> RejectionKind.REJECTION_KIND_CONFLICT;
      case GONE -> RejectionKind.REJECTION_KIND_GONE;
    };
  }

  // ---- decode -------------------------------------------------------------------------------

  /** @throws IllegalStateException if no kind is set, or one this node does not know */
  public static Outcome fromProto(org.quipu.proto.command.v1.Outcome p) {
    var kind = p.getKindCase();
    switch (kind) {
      case DONE:
        return new Outcome.Done();
      case USER_REGISTERED:
        return new Outcome.UserRegistered(fromProto(p.getUserRegistered().getUser()));
      case USER_UPDATED:
        return new Outcome.UserUpdated(fromProto(p.getUserUpdated().getUser()));
      case SESSION_OPENED: {
        var o = p.getSessionOpened();
        return new Outcome.SessionOpened(fromProto(o.getSession()), fromProto(o.getUser()));
      }
      case QUEUE_CREATED: {
        var o = p.getQueueCreated();
        return new Outcome.QueueCreated(fromProto(o.getQueue()), o.getCreated());
      }
      case QUEUE_UPDATED:
        return new Outcome.QueueUpdated(fromProto(p.getQueueUpdated().getQueue()));
      case MESSAGES_SENT:
        return new Outcome.MessagesSent(List.copyOf(p.getMessagesSent().getIdsList()));
      case MESSAGES_RECEIVED: {
        var o = p.getMessagesReceived();
        return new Outcome.MessagesReceived(
            o.getMessagesList().stream().map(OutcomeCodec::fromProto).toList(),
            o.hasDeadLetterQueue() ? o.getDeadLetterQueue() : null,
            o.getDeadLettered());
      }
      case MESSAGES_ACKED: {
        var o = p.getMessagesAcked();
        return new Outcome.MessagesAcked(o.getAcked(), List.copyOf(o.getStaleList()));
      }
      case PURGED:
        return new Outcome.Purged(p.getPurged().getPurged());
      case REDRIVEN: {
        var o = p.getRedriven();
        return new Outcome.Redriven(o.getMoved(), o.getMovedToMap());
      }
      case TOPIC_CREATED: {
        var o = p.getTopicCreated();
        return new Outcome.TopicCreated(fromProto(o.getTopic()), o.getCreated());
      }
      case SUBSCRIBED: {
        var o = p.getSubscribed();
        return new Outcome.Subscribed(fromProto(o.getSubscription()), o.getCreated());
      }
      case PUBLISHED: {
        var o = p.getPublished();
        return new Outcome.Published(o.getId(), List.copyOf(o.getDeliveredToList()));
      }
      case REPLAYED: {
        var o = p.getReplayed();
        return new Outcome.Replayed(o.getSeq(), fromProto(o.getFirst()));
      }
      case REJECTED: {
        var o = p.getRejected();
        return new Outcome.Rejected(fromProto(o.getKind()), o.hasDetail() ? o.getDetail() : null);
      }
      default:
        throw new IllegalStateException("outcome of no known kind: " + kind);
    }
  }

  private static User fromProto(UserView u) {
    return new User(u.getUsername(), u.getPasswordHash(), CommandCodec.fromProto(u.getRole()),
        u.getDisabled(), u.getCreatedAtMillis());
  }

  private static Session fromProto(SessionView s) {
    return new Session(s.getId(), s.getTokenHash(), s.getUsername(), s.getCreatedAtMillis(),
        s.getExpiresAtMillis());
  }

  private static QueueDefinition fromProto(QueueDefinitionView q) {
    return new QueueDefinition(q.getName(), q.getOwner(),
        CommandCodec.fromProto(q.getAttributes()), q.getCreatedAtMillis());
  }

  private static Message fromProto(MessageView m) {
    return new Message(m.getId(), m.getQueue(), m.getOrder(), m.getSender(), m.getSentAtMillis(),
        m.getVisibleAtMillis(), m.getReceiveCount(),
        m.hasReceipt() ? m.getReceipt() : null,
        m.hasFirstReceivedAtMillis() ? m.getFirstReceivedAtMillis() : null,
        m.hasDeadLetteredFrom() ? m.getDeadLetteredFrom() : null,
        m.getHistoryList().stream()
            .map(e -> new MessageEvent(e.getAtMillis(), fromProto(e.getKind()), e.getDetail()))
            .toList());
  }

  private static MessageEvent.Kind fromProto(MessageEventKind kind) {
    return switch (kind) {
      case MESSAGE_EVENT_KIND_RECEIVED -> MessageEvent.Kind.RECEIVED;
      case MESSAGE_EVENT_KIND_DEAD_LETTERED -> MessageEvent.Kind.DEAD_LETTERED;
      case MESSAGE_EVENT_KIND_REDRIVEN -> MessageEvent.Kind.REDRIVEN;
      default -> throw new IllegalStateException("message event of no known kind: " + kind);
    };
  }

  private static TopicDefinition fromProto(TopicDefinitionView t) {
    return new TopicDefinition(t.getName(), t.getOwner(), t.getCreatedAtMillis());
  }

  private static Subscription fromProto(SubscriptionView s) {
    return new Subscription(s.getTopic(), s.getName(), s.getOwner(), s.getBindingKey(),
        s.hasQueue() ? s.getQueue() : null, s.getCreatedAtMillis());
  }

  private static BrokerException.Kind fromProto(RejectionKind kind) {
    return switch (kind) {
      case REJECTION_KIND_INVALID -> BrokerException.Kind.INVALID;
      case REJECTION_KIND_FORBIDDEN -> BrokerException.Kind.FORBIDDEN;
      case REJECTION_KIND_NOT_FOUND -> BrokerException.Kind.NOT_FOUND;
      case REJECTION_KIND_CONFLICT -> BrokerException.Kind.CONFLICT;
      case REJECTION_KIND_GONE -> BrokerException.Kind.GONE;
      default -> throw new IllegalStateException("rejection of no known kind: " + kind);
    };
  }
}
