package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.quipu.api.Names;
import org.quipu.api.TopicRequests;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteTopic;
import org.quipu.core.command.Publish;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.TopicView;
import org.quipu.node.NodeConfig;

/**
 * Topics: the list, creating and deleting one, a topic's subscriptions with their binding keys and
 * pending counts, subscribing and unsubscribing, and publishing a test message that says which
 * subscriptions it reached. A subscription's messages are browsed on its queue's page.
 */
@Path("topics")
@RequestScoped
public class TopicsPage extends ConsoleResource {

  /** A publish notice names this many of the subscriptions it reached, then counts the rest. */
  private static final int NAMED_SUBSCRIPTIONS = 10;

  @Inject NodeConfig config;

  /** One line of the list: pending counts over all of the topic's subscriptions. */
  public record Row(String name, String owner, int subscriptions, long pending, long createdAt) {}

  @GET
  public Response list(@QueryParam("filter") String filter, @QueryParam("page") String pageParam) {
    return page("topics", listModel(filter, pageParam, "", FieldErrors.none()));
  }

  private Map<String, Object> listModel(String filter, String pageParam, String newName,
      FieldErrors errors) {
    String needle = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    List<Row> rows = reads.query(b -> {
      List<Row> all = new ArrayList<>();
      for (TopicDefinition t : b.topics()) {
        if (!needle.isEmpty() && !t.name().toLowerCase(Locale.ROOT).contains(needle)
            && !t.owner().toLowerCase(Locale.ROOT).contains(needle)) {
          continue;
        }
        TopicView view = b.topic(t.name(), now).orElseThrow();
        long pending = view.subscriptions().stream().mapToLong(s -> s.counters().pending()).sum();
        all.add(new Row(t.name(), t.owner(), view.subscriptions().size(), pending, t.createdAtMillis()));
      }
      return all;
    });
    rows.sort((a, b) -> a.name().compareTo(b.name()));
    Paged<Row> shown = Paged.of(rows, pageParam);
    Map<String, Object> model = new HashMap<>();
    model.put("section", "topics");
    model.put("rows", shown.items());
    model.put("paged", shown);
    model.put("matching", rows.size());
    model.put("filter", filter == null ? "" : filter.strip());
    model.put("newName", newName);
    model.put("errors", errors);
    return model;
  }

  @POST
  public Response create(@FormParam("name") String name) {
    String topic = name == null ? "" : name.strip();
    FieldErrors errors = FieldErrors.none();
    if (!topic.matches(Names.PATTERN)) {
      errors.add("name", "New topic: " + Forms.NAME_RULE + ".");
    } else {
      try {
        var created = (Outcome.TopicCreated) commit(new CreateTopic(topic, user())).outcome();
        return redirect("topics/" + encode(topic),
            created.created() ? "Created topic " + topic + "." : "You already own topic " + topic + ".");
      } catch (BrokerException refused) {
        errors.add("name", sentence(refused));
      }
    }
    return page(400, "topics", listModel(null, null, name == null ? "" : name, errors));
  }

  @GET
  @Path("{t}")
  public Response topic(@PathParam("t") String name) {
    return page("topic", topicModel(name));
  }

  /** The topic's page with empty forms; a refused form puts its errors and values in. */
  private Map<String, Object> topicModel(String name) {
    TopicView view = reads.query(b -> b.topic(name, System.currentTimeMillis()))
        .orElseThrow(() -> new ConsoleException(404, "Topic " + name + " does not exist."));
    boolean manager = view.definition().owner().equals(user()) || caller().isAdmin();
    Map<String, Object> model = new HashMap<>();
    model.put("section", "topics");
    model.put("topic", view.definition());
    model.put("subscriptions", view.subscriptions());
    model.put("manager", manager);
    model.put("subscribeErrors", FieldErrors.none());
    model.put("subscribeValues", Map.of());
    model.put("publishErrors", FieldErrors.none());
    model.put("publishValues", Map.of());
    return model;
  }

  /** The topic's page again after a refused form: what was typed, each message beside its field. */
  private Response refused(String topic, String form, Map<String, String> values, FieldErrors errors) {
    Map<String, Object> model = topicModel(topic);
    model.put(form + "Errors", errors);
    model.put(form + "Values", values);
    return page(400, "topic", model);
  }

  @POST
  @Path("{t}/subscriptions")
  public Response subscribe(@PathParam("t") String topic, @FormParam("name") String name,
      @FormParam("bindingKey") String bindingKey, @FormParam("queue") String queue) {
    String subscription = name == null ? "" : name.strip();
    String key = Forms.optional(bindingKey) == null ? "#" : bindingKey.strip();
    String into = Forms.optional(queue);
    FieldErrors errors = FieldErrors.none();
    if (!subscription.matches(Names.PATTERN)) {
      errors.add("name", "Subscription name: " + Forms.NAME_RULE + ".");
    }
    validate(new TopicRequests.Subscribe(key, into), errors); // the API's limits
    if (errors.isEmpty()) {
      try {
        commit(new Subscribe(topic, subscription, user(), key, into));
        return redirect(topicPath(topic), "Subscribed " + subscription + " with binding key " + key
            + (into == null ? "." : ", delivering into queue " + into + "."));
      } catch (BrokerException refused) {
        Forms.refusal(refused.getMessage(), errors);
      }
    }
    return refused(topic, "subscribe", Map.of("name", name == null ? "" : name,
        "bindingKey", bindingKey == null ? "" : bindingKey, "queue", queue == null ? "" : queue), errors);
  }

  @GET
  @Path("{t}/subscriptions/{s}/delete")
  public Response confirmUnsubscribe(@PathParam("t") String topic, @PathParam("s") String subscription) {
    TopicView view = reads.query(b -> b.topic(topic, System.currentTimeMillis()))
        .orElseThrow(() -> new ConsoleException(404, "Topic " + topic + " does not exist."));
    var sub = view.subscriptions().stream()
        .filter(v -> v.subscription().name().equals(subscription)).findFirst()
        .orElseThrow(() -> new ConsoleException(404,
            "Topic " + topic + " has no subscription " + subscription + "."));
    String consequence = sub.subscription().queue() == null
        ? "Subscription " + subscription + " stops receiving from topic " + topic + ", and its "
            + sub.counters().pending() + " pending messages (" + sub.counters().ready() + " ready, "
            + sub.counters().inFlight() + " in flight, " + sub.counters().delayed()
            + " delayed) are dropped for good with its queue."
        : "Subscription " + subscription + " stops receiving from topic " + topic
            + ". Messages already delivered into queue " + sub.subscription().queue() + " stay there.";
    return confirm(Confirmation.of("Unsubscribe " + subscription + " from " + topic + "?",
        consequence, "Unsubscribe", "topics/" + encode(topic) + "/subscriptions/" + encode(subscription)
            + "/delete", topicPath(topic)).inSection("topics"));
  }

  @POST
  @Path("{t}/subscriptions/{s}/delete")
  public Response unsubscribe(@PathParam("t") String topic, @PathParam("s") String subscription) {
    try {
      commit(new Unsubscribe(topic, subscription, user()));
      return redirect(topicPath(topic), "Unsubscribed " + subscription + ".");
    } catch (BrokerException refused) {
      return redirectWithError(topicPath(topic), sentence(refused));
    }
  }

  @POST
  @Path("{t}/messages")
  public Response publish(@PathParam("t") String topic, @FormParam("body") String body,
      @FormParam("routingKey") String routingKey, @FormParam("headers") String headerLines) {
    FieldErrors errors = FieldErrors.none();
    String text = body == null ? "" : body;

    String key = routingKey == null ? "" : routingKey.strip();
    Map<String, String> headers = Forms.message(text, headerLines, config.maxBodyBytes(), errors);
    validate(new TopicRequests.Publish(text, key, headers), errors); // the API's limits
    if (!errors.isEmpty()) {
      return refused(topic, "publish", Map.of("body", text, "routingKey", key,
          "headers", headerLines == null ? "" : headerLines), errors);
    }
    try {
      var published = (Outcome.Published) commit(new Publish(topic, user(),
          UUID.randomUUID().toString(), text, key, headers)).outcome();
      List<String> reached = published.deliveredTo();
      String shownKey = Forms.quote(key);
      String names = reached.size() <= NAMED_SUBSCRIPTIONS
          ? String.join(", ", reached)
          : String.join(", ", reached.subList(0, NAMED_SUBSCRIPTIONS)) + " and "
              + (reached.size() - NAMED_SUBSCRIPTIONS) + " more";
      String notice = reached.isEmpty()
          ? "Published " + published.id() + " with routing key '" + shownKey
              + "': it matched no subscription, so nobody will receive it."
          : "Published " + published.id() + " with routing key '" + shownKey + "': it reached "
              + reached.size() + (reached.size() == 1 ? " subscription: " : " subscriptions: ")
              + names + ".";
      return redirect(topicPath(topic), notice);
    } catch (BrokerException refused) {
      Forms.refusal(refused.getMessage(), errors);
      return refused(topic, "publish", Map.of("body", text, "routingKey", key,
          "headers", headerLines == null ? "" : headerLines), errors);
    }
  }

  @GET
  @Path("{t}/delete")
  public Response confirmDelete(@PathParam("t") String name) {
    TopicView view = reads.query(b -> b.topic(name, System.currentTimeMillis()))
        .orElseThrow(() -> new ConsoleException(404, "Topic " + name + " does not exist."));
    if (!view.definition().owner().equals(user()) && !caller().isAdmin()) {
      throw new ConsoleException(403, "Only the owner of topic " + name + " or an admin may delete it.");
    }
    // Only subscriptions' own queues go with the topic; a chosen queue keeps its messages.
    long pending = view.subscriptions().stream().filter(s -> s.subscription().queue() == null)
        .mapToLong(s -> s.counters().pending()).sum();
    return page("confirm-topic", Map.of("section", "topics", "topic", view.definition(),
        "subscriptions", view.subscriptions().size(), "pending", pending));
  }

  @POST
  @Path("{t}/delete")
  public Response delete(@PathParam("t") String name) {
    commit(new DeleteTopic(name, user(), true));
    return redirect("topics", "Deleted topic " + name + " and its subscriptions.");
  }

  private static String topicPath(String topic) {
    return "topics/" + encode(topic);
  }
}
