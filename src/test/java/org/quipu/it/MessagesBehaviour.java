package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Send, receive, ack, visibility timeouts, long polling and dead-lettering. */
abstract class MessagesBehaviour {

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private Api user() {
    return new Api(url()).newUser("messages");
  }

  private static JsonObject body(String text) {
    return Json.createObjectBuilder().add("body", text).build();
  }

  private static JsonObject receive(int max, int waitSeconds, Integer visibility) {
    var b = Json.createObjectBuilder().add("max", max).add("waitSeconds", waitSeconds);
    if (visibility != null) {
      b.add("visibilityTimeoutSeconds", visibility);
    }
    return b.build();
  }

  @Test
  void send_thenReceiveAndAck_messageIsGoneForGood() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);

    JsonObject sent = api.post("queues/" + q + "/messages",
        Json.createObjectBuilder().add("body", "hello").add("headers",
            Json.createObjectBuilder().add("kind", "greeting")).build()).expect(201).object();
    long seq = sent.getJsonNumber("seq").longValue();

    Api.Reply reply = api.post("queues/" + q + "/messages:receive", receive(10, 0, null)).expect(200);
    assertTrue(Long.parseLong(reply.header("X-Quipu-Applied-Seq")) >= seq);
    JsonArray received = reply.array();
    assertEquals(1, received.size());
    JsonObject m = received.getJsonObject(0);
    assertEquals(sent.getString("id"), m.getString("id"));
    assertEquals("hello", m.getString("body"));
    assertEquals("greeting", m.getJsonObject("headers").getString("kind"));
    assertEquals(1, m.getInt("receiveCount"));

    api.delete("queues/" + q + "/messages/" + m.getString("receipt")).expect(204);
    api.delete("queues/" + q + "/messages/" + m.getString("receipt")).problem(410);
    JsonObject queue = api.get("queues/" + q).expect(200).object();
    assertEquals(0, queue.getInt("depth"));
    assertEquals(0, queue.getInt("inFlight"));
  }

  @Test
  void receive_keepsFifoOrderAcrossBatchAndSingleSends() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.post("queues/" + q + "/messages", body("1")).expect(201);
    api.post("queues/" + q + "/messages:batch", Json.createObjectBuilder().add("messages",
        Json.createArrayBuilder().add(body("2")).add(body("3")).add(body("4"))).build()).expect(201);
    api.post("queues/" + q + "/messages", body("5")).expect(201);

    JsonArray received = api.post("queues/" + q + "/messages:receive", receive(10, 0, null)).array();
    assertEquals(List.of("1", "2", "3", "4", "5"),
        received.stream().map(v -> v.asJsonObject().getString("body")).toList());
  }

  @Test
  void unackedMessage_isDeliveredAgainAfterVisibilityTimeout_withNewReceipt() throws Exception {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.post("queues/" + q + "/messages", body("again")).expect(201);

    JsonObject first = api.post("queues/" + q + "/messages:receive", receive(1, 0, 1)).array().getJsonObject(0);
    assertEquals(0, api.post("queues/" + q + "/messages:receive", receive(1, 0, null)).array().size());
    JsonObject second = api.post("queues/" + q + "/messages:receive", receive(1, 5, null)).array().getJsonObject(0);

    assertEquals(first.getString("id"), second.getString("id"));
    assertEquals(2, second.getInt("receiveCount"));
    assertNotEquals(first.getString("receipt"), second.getString("receipt"));
    api.delete("queues/" + q + "/messages/" + first.getString("receipt")).problem(410);
    api.delete("queues/" + q + "/messages/" + second.getString("receipt")).expect(204);
  }

  @Test
  void longPoll_returnsAsSoonAsAMessageArrives() throws Exception {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      long start = System.nanoTime();
      Future<Api.Reply> poll = pool.submit(() -> api.post("queues/" + q + "/messages:receive", receive(1, 10, null)));
      Thread.sleep(1000);
      api.post("queues/" + q + "/messages", body("wake up")).expect(201);
      JsonArray received = poll.get().expect(200).array();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals("wake up", received.getJsonObject(0).getString("body"));
      assertTrue(millis < 8000, "long poll took " + millis + " ms");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyLongPoll_answersEmptyAfterWaitSeconds() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    long start = System.nanoTime();
    assertEquals(0, api.post("queues/" + q + "/messages:receive", receive(1, 1, null)).expect(200).array().size());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 900, "returned after " + millis + " ms");
  }

  @Test
  void concurrentConsumers_neverShareALease() throws Exception {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    var batch = Json.createArrayBuilder();
    for (int i = 0; i < 50; i++) {
      batch.add(body("m" + i));
    }
    for (int i = 0; i < 4; i++) {
      api.post("queues/" + q + "/messages:batch", Json.createObjectBuilder().add("messages", batch.build()).build()).expect(201);
      for (int j = 0; j < 50; j++) {
        batch.add(body("m" + (i * 50 + j)));
      }
    }
    Set<String> seen = ConcurrentHashMap.newKeySet();
    Set<String> duplicates = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> consumers = new java.util.ArrayList<>();
      for (int c = 0; c < 8; c++) {
        consumers.add(pool.submit(() -> {
          while (true) {
            JsonArray got = api.post("queues/" + q + "/messages:receive", receive(7, 0, 60)).expect(200).array();
            if (got.isEmpty()) {
              return null;
            }
            for (var v : got) {
              if (!seen.add(v.asJsonObject().getString("id"))) {
                duplicates.add(v.asJsonObject().getString("id"));
              }
            }
          }
        }));
      }
      for (Future<?> f : consumers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Set.of(), duplicates);
    assertEquals(200, seen.size());
  }

  @Test
  void messageReceivedMaxReceiveCountTimes_movesToDeadLetterQueue() {
    Api api = user();
    String dlq = Api.unique("dlq");
    String q = Api.unique("q");
    api.put("queues/" + dlq, null).expect(201);
    api.put("queues/" + q, Json.createObjectBuilder().add("maxReceiveCount", 2)
        .add("deadLetterQueue", dlq).add("visibilityTimeoutSeconds", 0).build()).expect(201);
    String id = api.post("queues/" + q + "/messages", body("poison")).expect(201).object().getString("id");

    assertEquals(1, api.post("queues/" + q + "/messages:receive", receive(1, 0, 0)).array().size());
    assertEquals(1, api.post("queues/" + q + "/messages:receive", receive(1, 0, 0)).array().size());
    assertEquals(0, api.post("queues/" + q + "/messages:receive", receive(1, 0, 0)).array().size());

    JsonArray dead = api.post("queues/" + dlq + "/messages:receive", receive(1, 0, null)).array();
    assertEquals(id, dead.getJsonObject(0).getString("id"));
    assertEquals(new HashSet<>(List.of(0)), Set.of(api.get("queues/" + q).object().getInt("depth")));
  }

  @Test
  void release_makesTheMessageVisibleAgainAtOnce_andSpendsTheReceipt() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.post("queues/" + q + "/messages", body("nack me")).expect(201);
    JsonObject first = api.post("queues/" + q + "/messages:receive", receive(1, 0, 600)).array().getJsonObject(0);

    api.post("queues/" + q + "/messages/" + first.getString("receipt") + ":release", null).expect(204);
    api.post("queues/" + q + "/messages/" + first.getString("receipt") + ":release", null).problem(410);
    JsonObject again = api.post("queues/" + q + "/messages:receive", receive(1, 0, null)).array().getJsonObject(0);
    assertEquals(first.getString("id"), again.getString("id"));
    assertEquals(2, again.getInt("receiveCount"));
  }

  @Test
  void extend_keepsTheLeasePastItsFirstTimeout() throws Exception {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.post("queues/" + q + "/messages", body("slow")).expect(201);
    JsonObject m = api.post("queues/" + q + "/messages:receive", receive(1, 0, 1)).array().getJsonObject(0);
    api.post("queues/" + q + "/messages/" + m.getString("receipt") + ":extend",
        Json.createObjectBuilder().add("visibilityTimeoutSeconds", 60).build()).expect(204);
    Thread.sleep(1500);
    assertEquals(0, api.post("queues/" + q + "/messages:receive", receive(1, 0, null)).array().size());
    api.delete("queues/" + q + "/messages/" + m.getString("receipt")).expect(204);
  }

  @Test
  void purge_dropsReadyMessages_andLeavesInFlightOnesToTheirConsumer() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.post("queues/" + q + "/messages:batch", Json.createObjectBuilder().add("messages",
        Json.createArrayBuilder().add(body("1")).add(body("2")).add(body("3"))).build()).expect(201);
    JsonObject leased = api.post("queues/" + q + "/messages:receive", receive(1, 0, 600)).array().getJsonObject(0);

    assertEquals(2, api.post("queues/" + q + "/messages:purge", null).expect(200).object().getInt("purged"));
    JsonObject counters = api.get("queues/" + q).object();
    assertEquals(0, counters.getInt("depth"));
    assertEquals(1, counters.getInt("inFlight"));
    api.delete("queues/" + q + "/messages/" + leased.getString("receipt")).expect(204);
  }

  @Test
  void redrive_movesDeadLetteredMessagesBackToTheirQueue() {
    Api api = user();
    String dlq = Api.unique("dlq");
    String q = Api.unique("q");
    api.put("queues/" + dlq, null).expect(201);
    api.put("queues/" + q, Json.createObjectBuilder().add("maxReceiveCount", 1)
        .add("deadLetterQueue", dlq).build()).expect(201);
    api.post("queues/" + q + "/messages", body("poison")).expect(201);
    api.post("queues/" + q + "/messages:receive", receive(1, 0, 0)).expect(200);
    assertEquals(0, api.post("queues/" + q + "/messages:receive", receive(1, 0, 0)).array().size());
    assertEquals(1, api.get("queues/" + dlq).object().getInt("depth"));

    assertEquals(1, api.post("queues/" + dlq + "/messages:redrive", null).expect(200).object().getInt("moved"));
    JsonObject back = api.post("queues/" + q + "/messages:receive", receive(1, 0, null)).array().getJsonObject(0);
    assertEquals("poison", back.getString("body"));
    assertEquals(1, back.getInt("receiveCount"));
  }

  @Test
  void largestBatch_hundredBodiesOfTheMaximumSize_isStoredAndReceivedIntact() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    String max = "x".repeat(256 * 1024);
    var batch = Json.createArrayBuilder();
    for (int i = 0; i < 100; i++) {
      batch.add(body(max));
    }
    api.post("queues/" + q + "/messages:batch", Json.createObjectBuilder().add("messages", batch).build()).expect(201);
    assertEquals(100, api.get("queues/" + q).expect(200).object().getInt("depth"));
    JsonArray got = api.post("queues/" + q + "/messages:receive", receive(10, 0, null)).array();
    assertEquals(10, got.size());
    assertEquals(max, got.getJsonObject(0).getString("body"));
  }

  @Test
  void fiveHundredOpenLongPolls_holdNoThreads_theNodeKeepsServing_andOneMessageWakesOnePoll()
      throws Exception {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    // HTTP/1.1: one connection a poll, as real consumers hold them
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    String receiveUrl = url().toString().replaceAll("/+$", "") + "/api/v1/queues/" + q + "/messages:receive";
    List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> polls =
        new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(receiveUrl))
          .header("Authorization", "Bearer " + api.token())
          .header("X-Quipu-Min-Seq", Long.toString(api.seenSeq())) // session-consistent, as Api
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(receive(1, 15, 60).toString()))
          .build();
      polls.add(client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(2000); // let them all arrive and park

    long start = System.nanoTime();
    api.get("queues/" + q).expect(200);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 2000, "a read took " + millis + " ms with 500 long polls open");
    List<String> early = polls.stream().filter(java.util.concurrent.CompletableFuture::isDone)
        .map(f -> f.handle((r, e) -> e != null ? e.toString() : r.statusCode() + " " + r.body()).join())
        .limit(3).toList();
    assertEquals(List.of(), early, "long polls answered before anything was sent");

    api.post("queues/" + q + "/messages", body("only one")).expect(201);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> polls.stream().anyMatch(java.util.concurrent.CompletableFuture::isDone));
    int delivered = 0;
    for (var poll : polls) {
      var response = poll.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      delivered += Json.createReader(new java.io.StringReader(response.body())).readArray().size();
    }
    assertEquals(1, delivered);
  }
}
