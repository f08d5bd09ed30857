package org.quipu.store.entity;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.List;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueDefinition;
import org.quipu.core.state.Role;
import org.quipu.core.state.Subscription;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.User;

/**
 * The first outcome of a keyed write, as JSON in {@code idempotency_keys.outcome}. Only outcomes of
 * commands the API lets clients key are stored; {@code parse(format(o))} equals {@code o}.
 */
final class OutcomeJson {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private OutcomeJson() {}

  static String format(Outcome outcome) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    if (outcome instanceof Outcome.Done) {
      b.add("kind", "done");
    } else if (outcome instanceof Outcome.MessagesSent o) {
      b.add("kind", "sent").add("ids", strings(o.ids()));
    } else if (outcome instanceof Outcome.MessagesAcked o) {
      b.add("kind", "acked").add("acked", o.acked()).add("stale", strings(o.stale()));
    } else if (outcome instanceof Outcome.Purged o) {
      b.add("kind", "purged").add("count", o.purged());
    } else if (outcome instanceof Outcome.Redriven o) {
      b.add("kind", "redriven").add("count", o.moved());
    } else if (outcome instanceof Outcome.Published o) {
      b.add("kind", "published").add("id", o.id()).add("deliveredTo", strings(o.deliveredTo()));
    } else if (outcome instanceof Outcome.QueueCreated o) {
      b.add("kind", "queueCreated").add("queue", queue(o.queue())).add("created", o.created());
    } else if (outcome instanceof Outcome.QueueUpdated o) {
      b.add("kind", "queueUpdated").add("queue", queue(o.queue()));
    } else if (outcome instanceof Outcome.TopicCreated o) {
      b.add("kind", "topicCreated").add("name", o.topic().name()).add("owner", o.topic().owner())
          .add("createdAt", o.topic().createdAtMillis()).add("created", o.created());
    } else if (outcome instanceof Outcome.Subscribed o) {
      Subscription s = o.subscription();
      b.add("kind", "subscribed").add("topic", s.topic()).add("name", s.name())
          .add("owner", s.owner()).add("bindingKey", s.bindingKey())
          .add("queue", s.queue() == null ? JsonValue.NULL : JSON.createValue(s.queue()))
          .add("createdAt", s.createdAtMillis()).add("created", o.created());
    } else if (outcome instanceof Outcome.UserRegistered o) {
      User u = o.user();
      b.add("kind", "userRegistered").add("username", u.username()).add("hash", u.passwordHash())
          .add("role", u.role().wireName()).add("disabled", u.disabled())
          .add("createdAt", u.createdAtMillis());
    } else if (outcome instanceof Outcome.Rejected o) {
      b.add("kind", "rejected").add("reason", o.kind().name()).add("detail", o.detail());
    } else {
      throw new IllegalArgumentException("outcome cannot be kept for idempotency: " + outcome);
    }
    return b.build().toString();
  }

  static Outcome parse(String json) {
    JsonObject o = JSON.createReader(new StringReader(json)).readObject();
    switch (o.getString("kind")) {
      case "done":
        return new Outcome.Done();
      case "sent":
        return new Outcome.MessagesSent(strings(o, "ids"));
      case "acked":
        return new Outcome.MessagesAcked(o.getInt("acked"), strings(o, "stale"));
      case "purged":
        return new Outcome.Purged(o.getInt("count"));
      case "redriven":
        return new Outcome.Redriven(o.getInt("count"));
      case "published":
        return new Outcome.Published(o.getString("id"), strings(o, "deliveredTo"));
      case "queueCreated":
        return new Outcome.QueueCreated(queue(o.getJsonObject("queue")), o.getBoolean("created"));
      case "queueUpdated":
        return new Outcome.QueueUpdated(queue(o.getJsonObject("queue")));
      case "topicCreated":
        return new Outcome.TopicCreated(new TopicDefinition(o.getString("name"),
            o.getString("owner"), o.getJsonNumber("createdAt").longValue()), o.getBoolean("created"));
      case "subscribed":
        return new Outcome.Subscribed(new Subscription(o.getString("topic"), o.getString("name"),
            o.getString("owner"), o.getString("bindingKey"), nullableString(o, "queue"),
            o.getJsonNumber("createdAt").longValue()), o.getBoolean("created"));
      case "userRegistered":
        return new Outcome.UserRegistered(new User(o.getString("username"), o.getString("hash"),
            Role.fromWire(o.getString("role")), o.getBoolean("disabled"),
            o.getJsonNumber("createdAt").longValue()));
      case "rejected":
        return new Outcome.Rejected(BrokerException.Kind.valueOf(o.getString("reason")),
            o.getString("detail"));
      default:
        throw new IllegalStateException("unknown stored outcome " + o.getString("kind"));
    }
  }

  private static JsonObjectBuilder queue(QueueDefinition q) {
    QueueAttributes a = q.attributes();
    return JSON.createObjectBuilder()
        .add("name", q.name()).add("owner", q.owner()).add("createdAt", q.createdAtMillis())
        .add("visibility", a.visibilityTimeoutMillis())
        .add("maxReceiveCount", orNull(a.maxReceiveCount()))
        .add("deadLetterQueue", a.deadLetterQueue() == null
            ? JsonValue.NULL : JSON.createValue(a.deadLetterQueue()))
        .add("retention", a.retentionMillis())
        .add("maxLength", orNull(a.maxLength()))
        .add("shared", a.shared());
  }

  private static JsonValue orNull(Integer n) {
    return n == null ? JsonValue.NULL : JSON.createValue(n);
  }

  private static QueueDefinition queue(JsonObject q) {
    var attrs = new QueueAttributes(q.getJsonNumber("visibility").longValue(),
        q.isNull("maxReceiveCount") ? null : q.getInt("maxReceiveCount"),
        nullableString(q, "deadLetterQueue"),
        q.getJsonNumber("retention").longValue(),
        q.isNull("maxLength") ? null : q.getInt("maxLength"),
        q.getBoolean("shared"));
    return new QueueDefinition(q.getString("name"), q.getString("owner"), attrs,
        q.getJsonNumber("createdAt").longValue());
  }

  private static String nullableString(JsonObject o, String name) {
    return o.isNull(name) ? null : o.getString(name);
  }

  private static JsonArrayBuilder strings(List<String> values) {
    JsonArrayBuilder b = JSON.createArrayBuilder();
    values.forEach(b::add);
    return b;
  }

  private static List<String> strings(JsonObject o, String name) {
    return o.getJsonArray(name).getValuesAs(JsonString.class).stream()
        .map(JsonString::getString).toList();
  }
}
