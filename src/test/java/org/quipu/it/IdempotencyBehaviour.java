package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: a retried write returns the first response and changes nothing. */
abstract class IdempotencyBehaviour {

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private static String body(String text) {
    return Json.createObjectBuilder().add("body", text).build().toString();
  }

  @Test
  void retriedSend_returnsTheFirstResponse_andStoresOneMessage() {
    Api api = new Api(url()).newUser("idem");
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);

    JsonObject first = api.send("POST", "queues/" + q + "/messages", body("once"), "application/json",
        "Idempotency-Key", "k-1").expect(201).object();
    JsonObject retry = api.send("POST", "queues/" + q + "/messages", body("once"), "application/json",
        "Idempotency-Key", "k-1").expect(201).object();

    assertEquals(first, retry);
    assertEquals(1, api.get("queues/" + q).object().getInt("depth"));
  }

  @Test
  void sameKeyForADifferentRequest_isAConflict_andChangesNothing() {
    Api api = new Api(url()).newUser("idem");
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.send("POST", "queues/" + q + "/messages", body("a"), "application/json", "Idempotency-Key", "k").expect(201);
    api.send("POST", "queues/" + q + "/messages", body("b"), "application/json", "Idempotency-Key", "k").problem(409);
    assertEquals(1, api.get("queues/" + q).object().getInt("depth"));
  }

  @Test
  void keysArePerUser() {
    Api alice = new Api(url()).newUser("idem");
    Api bob = new Api(url()).newUser("idem");
    String q = Api.unique("q");
    alice.put("queues/" + q, null).expect(201);
    alice.send("POST", "queues/" + q + "/messages", body("a"), "application/json", "Idempotency-Key", "same").expect(201);
    bob.send("POST", "queues/" + q + "/messages", body("a"), "application/json", "Idempotency-Key", "same").expect(201);
    assertEquals(2, alice.get("queues/" + q).object().getInt("depth"));
  }

  @Test
  void retriedRejection_isRejectedTheSameWay() {
    Api api = new Api(url()).newUser("idem");
    String q = Api.unique("q");
    api.put("queues/" + q, Json.createObjectBuilder().add("maxLength", 1).build()).expect(201);
    api.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "fill").build()).expect(201);
    api.send("POST", "queues/" + q + "/messages", body("x"), "application/json", "Idempotency-Key", "full").problem(409);
    api.post("queues/" + q + "/messages:purge", null).expect(200);
    // the first answer was a 409, so the retry is too, even though there is room now
    api.send("POST", "queues/" + q + "/messages", body("x"), "application/json", "Idempotency-Key", "full").problem(409);
    assertEquals(0, api.get("queues/" + q).object().getInt("depth"));
  }
}
