package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Topics, durable subscriptions with AMQP binding keys, and consuming a subscription. */
abstract class TopicsBehaviour {

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private static JsonObject publish(String body, String routingKey) {
    return Json.createObjectBuilder().add("body", body).add("routingKey", routingKey).build();
  }

  private static JsonObject binding(String key) {
    return Json.createObjectBuilder().add("bindingKey", key).build();
  }

  @Test
  void publish_reachesMatchingSubscriptionsOnly_andEachConsumesLikeAQueue() {
    Api owner = new Api(url()).newUser("topics");
    Api subscriber = new Api(url()).newUser("topics");
    String t = Api.unique("t");
    owner.put("topics/" + t, null).expect(201);
    owner.put("topics/" + t, null).expect(200);
    subscriber.put("topics/" + t + "/subscriptions/orders", binding("order.*")).expect(201);
    subscriber.put("topics/" + t + "/subscriptions/everything", binding("#")).expect(201);
    subscriber.put("topics/" + t + "/subscriptions/users", binding("user.#")).expect(201);

    JsonObject published = owner.post("topics/" + t + "/messages", publish("o1", "order.created")).expect(201).object();
    assertEquals(List.of("everything", "orders"),
        published.getJsonArray("deliveredTo").getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString).toList());

    JsonArray got = subscriber.post("topics/" + t + "/subscriptions/orders/messages:receive", null).expect(200).array();
    assertEquals(1, got.size());
    JsonObject m = got.getJsonObject(0);
    assertEquals("o1", m.getString("body"));
    subscriber.delete("topics/" + t + "/subscriptions/orders/messages/" + m.getString("receipt")).expect(204);
    assertEquals(0, subscriber.post("topics/" + t + "/subscriptions/users/messages:receive", null).array().size());

    JsonObject topic = owner.get("topics/" + t).expect(200).object();
    assertEquals(3, topic.getJsonArray("subscriptions").size());
    JsonObject everything = topic.getJsonArray("subscriptions").stream().map(v -> v.asJsonObject())
        .filter(s -> s.getString("name").equals("everything")).findFirst().orElseThrow();
    assertEquals(1, everything.getInt("pending"));
  }

  @Test
  void subscriptionQueue_isPrivate_andAnotherUserCannotUnsubscribeIt() {
    Api owner = new Api(url()).newUser("topics");
    Api subscriber = new Api(url()).newUser("topics");
    Api stranger = new Api(url()).newUser("topics");
    String t = Api.unique("t");
    owner.put("topics/" + t, null).expect(201);
    subscriber.put("topics/" + t + "/subscriptions/mine", null).expect(201);
    owner.post("topics/" + t + "/messages", publish("x", "")).expect(201);

    stranger.post("topics/" + t + "/subscriptions/mine/messages:receive", null).problem(403);
    stranger.delete("topics/" + t + "/subscriptions/mine").problem(403);
    owner.delete("topics/" + t).problem(409);
    owner.delete("topics/" + t + "?force=true").expect(204);
    owner.get("topics/" + t).problem(404);
  }

  @Test
  void subscriptionIntoQueue_deliversThere_andProtectsTheQueueFromDeletion() {
    Api api = new Api(url()).newUser("topics");
    String t = Api.unique("t");
    String q = Api.unique("q");
    api.put("topics/" + t, null).expect(201);
    api.put("queues/" + q, null).expect(201);
    api.put("topics/" + t + "/subscriptions/into", Json.createObjectBuilder().add("queue", q).build()).expect(201);
    api.post("topics/" + t + "/messages", publish("routed", "a.b")).expect(201);

    assertEquals("routed", api.post("queues/" + q + "/messages:receive", null).array().getJsonObject(0).getString("body"));
    api.post("topics/" + t + "/subscriptions/into/messages:receive", null).problem(409);
    api.delete("queues/" + q + "?force=true").problem(409);
    api.delete("topics/" + t + "/subscriptions/into").expect(204);
    api.delete("queues/" + q + "?force=true").expect(204);
  }

  @Test
  void badInput_isRejectedAndChangesNothing() {
    Api api = new Api(url()).newUser("topics");
    String t = Api.unique("t");
    api.put("topics/bad%20name", null).problem(400);
    api.put("topics/" + t + "/subscriptions/s", null).problem(404);
    api.put("topics/" + t, null).expect(201);
    api.put("topics/" + t + "/subscriptions/s", binding("a..b")).problem(400);
    api.put("topics/" + t + "/subscriptions/s", Json.createObjectBuilder().add("queue", "no-such-queue").build()).problem(404);
    api.post("topics/" + t + "/messages", Json.createObjectBuilder().build()).problem(400);
    assertTrue(api.get("topics/" + t).object().getJsonArray("subscriptions").isEmpty());
  }
}
