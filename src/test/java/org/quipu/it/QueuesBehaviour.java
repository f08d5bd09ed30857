package org.quipu.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Queues as resources (create, invalid attributes, list, get, patch, delete, sharing) and the limits of
 * the message endpoints (maxLength, body size, batch size, delays, browse, ack-many, receive
 * parameters). Every refused request is also checked to have changed nothing.
 */
abstract class QueuesBehaviour {

  private static final int BODY_LIMIT = 256 * 1024;

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private Api user() {
    return new Api(url()).newUser("queues");
  }

  /** A JSON object from name/value pairs (String, Number, Boolean or JsonValue values). */
  private static JsonObject json(Object... pairs) {
    JsonObjectBuilder b = Json.createObjectBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      String name = (String) pairs[i];
      Object value = pairs[i + 1];
      if (value instanceof String s) {
        b.add(name, s);
      } else if (value instanceof Integer n) {
        b.add(name, n);
      } else if (value instanceof Long n) {
        b.add(name, n);
      } else if (value instanceof Boolean flag) {
        b.add(name, flag);
      } else if (value instanceof JsonValue v) {
        b.add(name, v);
      } else {
        throw new IllegalArgumentException("unsupported JSON value " + value);
      }
    }
    return b.build();
  }

  private static JsonObject batch(int size, String body) {
    JsonArrayBuilder messages = Json.createArrayBuilder();
    for (int i = 0; i < size; i++) {
      messages.add(json("body", body + i));
    }
    return json("messages", messages.build());
  }

  /** Creates a queue with these attributes (none: defaults) and returns its name. */
  private static String newQueue(Api api, Object... attributes) {
    String q = Api.unique("q");
    api.put("queues/" + q, attributes.length == 0 ? null : json(attributes)).expect(201);
    return q;
  }

  private static JsonObject send(Api api, String q, String body) {
    return api.post("queues/" + q + "/messages", json("body", body)).expect(201).object();
  }

  private static JsonArray receive(Api api, String q, int max, int visibilitySeconds) {
    return api.post("queues/" + q + "/messages:receive",
        json("max", max, "visibilityTimeoutSeconds", visibilitySeconds)).expect(200).array();
  }

  /** {depth, inFlight, delayed} of a queue as its owner sees it. */
  private static List<Integer> counters(Api api, String q) {
    JsonObject queue = api.get("queues/" + q).expect(200).object();
    return List.of(queue.getInt("depth"), queue.getInt("inFlight"), queue.getInt("delayed"));
  }

  private static boolean isAbsentOrNull(JsonObject o, String member) {
    return !o.containsKey(member) || o.isNull(member);
  }

  /** The messages of {@code GET /queues/{q}/messages}, a list object {items, nextCursor}. */
  private static JsonArray browse(Api api, String q) {
    return api.get("queues/" + q + "/messages").expect(200).object().getJsonArray("items");
  }

  // ---- create -------------------------------------------------------------------------------

  @Test
  void create_withoutBody_answers201WithDefaultsAndZeroCounters() {
    Api api = user();
    String q = Api.unique("q");
    JsonObject queue = api.put("queues/" + q, null).expect(201).object();

    assertEquals(q, queue.getString("name"));
    assertEquals(api.username(), queue.getString("owner"));
    assertEquals(30, queue.getInt("visibilityTimeoutSeconds"));
    assertEquals(345600, queue.getInt("retentionSeconds"));
    assertTrue(queue.getBoolean("shared"));
    assertTrue(isAbsentOrNull(queue, "maxReceiveCount"), queue.toString());
    assertTrue(isAbsentOrNull(queue, "deadLetterQueue"), queue.toString());
    assertTrue(isAbsentOrNull(queue, "maxLength"), queue.toString());
    Instant created = Instant.parse(queue.getString("createdAt"));
    assertTrue(created.isAfter(Instant.now().minus(Duration.ofMinutes(5))), queue.toString());
    assertEquals(0, queue.getInt("depth"));
    assertEquals(0, queue.getInt("inFlight"));
    assertEquals(0, queue.getInt("delayed"));
  }

  @Test
  void create_withAttributes_answers201WithThem() {
    Api api = user();
    String dlq = newQueue(api);
    String q = Api.unique("q");
    JsonObject queue = api.put("queues/" + q, json("visibilityTimeoutSeconds", 43200,
        "maxReceiveCount", 3, "deadLetterQueue", dlq, "retentionSeconds", 3600, "maxLength", 10,
        "shared", false)).expect(201).object();

    assertEquals(43200, queue.getInt("visibilityTimeoutSeconds"));
    assertEquals(3, queue.getInt("maxReceiveCount"));
    assertEquals(dlq, queue.getString("deadLetterQueue"));
    assertEquals(3600, queue.getInt("retentionSeconds"));
    assertEquals(10, queue.getInt("maxLength"));
    assertFalse(queue.getBoolean("shared"));
    assertEquals(queue, api.get("queues/" + q).expect(200).object());
  }

  @Test
  void create_sameOwnerSameAttributes_answers200WithTheExistingQueue() {
    Api api = user();
    String q = Api.unique("q");
    JsonObject first = api.put("queues/" + q, json("maxLength", 5)).expect(201).object();

    JsonObject again = api.put("queues/" + q, json("maxLength", 5)).expect(200).object();
    assertEquals(first, again);
    // Defaults spelled out are the same attributes as defaults left out.
    api.put("queues/" + q, json("maxLength", 5, "visibilityTimeoutSeconds", 30, "shared", true))
        .expect(200);
  }

  @Test
  void create_differentAttributesOrAnotherOwner_answers409AndChangesNothing() {
    Api owner = user();
    Api other = user();
    String q = Api.unique("q");
    JsonObject original = owner.put("queues/" + q, null).expect(201).object();

    assertAll(
        () -> owner.put("queues/" + q, json("visibilityTimeoutSeconds", 31)).problem(409),
        () -> owner.put("queues/" + q, json("shared", false)).problem(409),
        () -> owner.put("queues/" + q, json("maxLength", 7)).problem(409),
        () -> other.put("queues/" + q, null).problem(409),
        () -> other.put("queues/" + q, json("maxLength", 7)).problem(409));
    assertEquals(original, owner.get("queues/" + q).expect(200).object());
  }

  @Test
  void create_outOfRangeOrInconsistentAttributes_answer400AndCreateNothing() {
    Api api = user();
    String dlq = newQueue(api);
    List<JsonObject> invalid = List.of(
        json("visibilityTimeoutSeconds", 43201),
        json("visibilityTimeoutSeconds", -1),
        json("visibilityTimeoutSeconds", "thirty"),
        json("maxReceiveCount", 3),
        json("deadLetterQueue", dlq),
        json("maxReceiveCount", 0, "deadLetterQueue", dlq),
        json("maxReceiveCount", 3, "deadLetterQueue", Api.unique("no-such-dlq")),
        json("maxReceiveCount", 3, "deadLetterQueue", "-bad name"),
        json("retentionSeconds", -1),
        json("maxLength", 0),
        json("maxLength", -5));
    List<Executable> checks = new ArrayList<>();
    for (JsonObject attributes : invalid) {
      checks.add(() -> {
        String q = Api.unique("q");
        api.put("queues/" + q, attributes).problem(400);
        api.get("queues/" + q).problem(404);
      });
    }
    checks.add(() -> {
      String q = Api.unique("q");
      api.put("queues/" + q, json("maxReceiveCount", 3, "deadLetterQueue", q)).problem(400);
      api.get("queues/" + q).problem(404);
    });
    checks.add(() -> {
      String q = Api.unique("q");
      api.send("PUT", "queues/" + q, "{\"maxLength\": ", "application/json").problem(400);
      api.get("queues/" + q).problem(404);
    });
    assertAll(checks);
    assertEquals(List.of(0, 0, 0), counters(api, dlq));
  }

  @Test
  void create_fractionalSeconds_answers400() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, json("visibilityTimeoutSeconds", Json.createValue(30.5))).problem(400);
    api.get("queues/" + q).problem(404);
  }

  @Test
  void create_badNames_answer400() {
    Api api = user();
    List<String> bad = List.of("-dash", ".dot", "_underscore", "has%20space", "caf%C3%A9",
        "bang!", "x".repeat(129));
    List<Executable> checks = new ArrayList<>();
    for (String name : bad) {
      checks.add(() -> {
        api.put("queues/" + name, null).problem(400);
        api.get("queues/" + name).problem(404);
      });
    }
    assertAll(checks);
  }

  @Test
  void create_nameOf128Characters_isAccepted() {
    Api api = user();
    String q = (Api.unique("q") + "-" + "x".repeat(128)).substring(0, 128);
    assertEquals(q, api.put("queues/" + q, null).expect(201).object().getString("name"));
  }

  // ---- list and get -------------------------------------------------------------------------

  @Test
  void list_pagesByLimitAndCursor_nextCursorNullOnTheLastPage() {
    Api api = user();
    String prefix = Api.unique("page") + "-";
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      names.add(prefix + i);
      api.put("queues/" + prefix + i, null).expect(201);
    }
    api.put("queues/" + Api.unique("elsewhere"), null).expect(201);

    List<String> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get("queues?prefix=" + prefix + "&limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).object();
      JsonArray items = page.getJsonArray("items");
      pageSizes.add(items.size());
      items.getValuesAs(JsonObject.class).forEach(item -> {
        seen.add(item.getString("name"));
        assertNotNull(item.getString("owner"));
        assertNotNull(item.getString("createdAt"));
        assertEquals(0, item.getInt("depth"));
        assertEquals(0, item.getInt("inFlight"));
        assertEquals(0, item.getInt("delayed"));
      });
      assertTrue(page.containsKey("nextCursor"), page.toString());
      cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
    } while (cursor != null && pageSizes.size() < 10);

    assertEquals(names, seen);
    assertEquals(List.of(2, 2, 1), pageSizes);
  }

  @Test
  void list_lastPageExactlyFull_hasNullNextCursor() {
    Api api = user();
    String prefix = Api.unique("full") + "-";
    for (int i = 0; i < 3; i++) {
      api.put("queues/" + prefix + i, null).expect(201);
    }
    JsonObject page = api.get("queues?prefix=" + prefix + "&limit=3").expect(200).object();
    assertEquals(3, page.getJsonArray("items").size());
    assertTrue(page.isNull("nextCursor"), page.toString());

    JsonObject none = api.get("queues?prefix=" + Api.unique("nothing")).expect(200).object();
    assertEquals(0, none.getJsonArray("items").size());
    assertTrue(none.isNull("nextCursor"), none.toString());
  }

  @Test
  void list_withoutLimit_answersPagesOf100() {
    Api api = user();
    String prefix = Api.unique("hundred") + "-";
    for (int i = 0; i < 101; i++) {
      api.put("queues/" + prefix + String.format("%03d", i), null).expect(201);
    }
    JsonObject first = api.get("queues?prefix=" + prefix).expect(200).object();
    assertEquals(100, first.getJsonArray("items").size());
    JsonObject second = api.get("queues?prefix=" + prefix + "&cursor=" + first.getString("nextCursor"))
        .expect(200).object();
    assertEquals(List.of(prefix + "100"), second.getJsonArray("items").getValuesAs(JsonObject.class)
        .stream().map(item -> item.getString("name")).toList());
    assertTrue(second.isNull("nextCursor"));
  }

  @Test
  void list_limitOutOfRangeOrBadCursor_answer400() {
    Api api = user();
    assertAll(
        () -> api.get("queues?limit=0").problem(400),
        () -> api.get("queues?limit=1001").problem(400),
        () -> api.get("queues?cursor=%25%25not-a-cursor").problem(400));
    api.get("queues?limit=1000").expect(200);
  }

  @Test
  void list_nonNumericLimit_answers400() {
    user().get("queues?limit=abc").problem(400);
  }

  @Test
  void get_countsReadyInFlightAndDelayedMessages() {
    Api api = user();
    String q = newQueue(api);
    send(api, q, "ready-1");
    send(api, q, "ready-2");
    send(api, q, "ready-3");
    api.post("queues/" + q + "/messages", json("body", "later", "delaySeconds", 900)).expect(201);
    assertEquals(List.of(3, 0, 1), counters(api, q));

    assertEquals(2, receive(api, q, 2, 600).size());
    assertEquals(List.of(1, 2, 1), counters(api, q));
  }

  @Test
  void get_unknownQueue_answers404() {
    user().get("queues/" + Api.unique("missing")).problem(404);
  }

  // ---- patch --------------------------------------------------------------------------------

  @Test
  void patch_byOwnerOrAdmin_changesOnlyTheFieldsPresent() {
    Api owner = user();
    String q = newQueue(owner, "maxLength", 5);

    JsonObject patched = owner.patch("queues/" + q, json("visibilityTimeoutSeconds", 90))
        .expect(200).object();
    assertEquals(90, patched.getInt("visibilityTimeoutSeconds"));
    assertEquals(5, patched.getInt("maxLength"));
    assertEquals(patched, owner.get("queues/" + q).expect(200).object());

    JsonObject byAdmin = new Api(url()).admin().patch("queues/" + q, json("shared", false))
        .expect(200).object();
    assertFalse(byAdmin.getBoolean("shared"));
    assertEquals(90, byAdmin.getInt("visibilityTimeoutSeconds"));
    assertEquals(owner.username(), byAdmin.getString("owner"));
  }

  @Test
  void patch_byAnotherUserOrInvalid_answers4xxAndChangesNothing() {
    Api owner = user();
    String dlq = newQueue(owner);
    String q = newQueue(owner);
    JsonObject original = owner.get("queues/" + q).expect(200).object();
    Api other = user();

    assertAll(
        () -> other.patch("queues/" + q, json("visibilityTimeoutSeconds", 90)).problem(403),
        () -> owner.patch("queues/" + q, json("visibilityTimeoutSeconds", 43201)).problem(400),
        () -> owner.patch("queues/" + q, json("visibilityTimeoutSeconds", -1)).problem(400),
        () -> owner.patch("queues/" + q, json("maxLength", 0)).problem(400),
        () -> owner.patch("queues/" + q, json("maxReceiveCount", 3)).problem(400),
        () -> owner.patch("queues/" + q, json("maxReceiveCount", 3, "deadLetterQueue",
            Api.unique("no-such-dlq"))).problem(400),
        () -> owner.send("PATCH", "queues/" + q, "{\"shared\":", "application/json").problem(400),
        () -> owner.patch("queues/" + Api.unique("missing"), json("maxLength", 3)).problem(404));
    assertEquals(original, owner.get("queues/" + q).expect(200).object());

    owner.patch("queues/" + q, json("maxReceiveCount", 3, "deadLetterQueue", dlq)).expect(200);
  }

  // ---- delete -------------------------------------------------------------------------------

  @Test
  void delete_byOwner_answers204AndTheQueueIsGone() {
    Api api = user();
    String q = newQueue(api);
    api.delete("queues/" + q).expect(204).appliedSeq();
    api.get("queues/" + q).problem(404);
    api.delete("queues/" + q).problem(404);
  }

  @Test
  void delete_byAnotherUser_answers403AndKeepsQueueAndMessages() {
    Api owner = user();
    String q = newQueue(owner);
    send(owner, q, "keep me");
    Api other = user();

    other.delete("queues/" + q).problem(403);
    other.delete("queues/" + q + "?force=true").problem(403);
    assertEquals(List.of(1, 0, 0), counters(owner, q));
  }

  @Test
  void delete_byAdmin_deletesAnyonesQueue() {
    Api owner = user();
    String q = newQueue(owner);
    send(owner, q, "pending");
    Api admin = new Api(url()).admin();
    admin.delete("queues/" + q).problem(409);
    admin.delete("queues/" + q + "?force=true").expect(204);
    owner.get("queues/" + q).problem(404);
  }

  @Test
  void delete_withReadyDelayedOrInFlightMessages_answers409UnlessForced() {
    Api api = user();
    String ready = newQueue(api);
    send(api, ready, "ready");
    String delayed = newQueue(api);
    api.post("queues/" + delayed + "/messages", json("body", "later", "delaySeconds", 900))
        .expect(201);
    String inFlight = newQueue(api);
    send(api, inFlight, "leased");
    assertEquals(1, receive(api, inFlight, 1, 600).size());

    assertAll(
        () -> api.delete("queues/" + ready).problem(409),
        () -> api.delete("queues/" + delayed).problem(409),
        () -> api.delete("queues/" + inFlight).problem(409),
        () -> api.delete("queues/" + ready + "?force=false").problem(409));
    assertAll(
        () -> assertEquals(List.of(1, 0, 0), counters(api, ready)),
        () -> assertEquals(List.of(0, 0, 1), counters(api, delayed)),
        () -> assertEquals(List.of(0, 1, 0), counters(api, inFlight)));

    for (String q : List.of(ready, delayed, inFlight)) {
      api.delete("queues/" + q + "?force=true").expect(204);
      api.get("queues/" + q).problem(404);
    }
    // The forced delete discarded the messages: a queue of the same name starts empty.
    api.put("queues/" + ready, null).expect(201);
    assertEquals(List.of(0, 0, 0), counters(api, ready));
  }

  @Test
  void delete_unknownQueue_answers404() {
    user().delete("queues/" + Api.unique("missing")).problem(404);
  }

  // ---- sharing ------------------------------------------------------------------------------

  @Test
  void unsharedQueue_otherUsersSendOrReceive403_ownerWorks() {
    Api owner = user();
    String q = newQueue(owner, "shared", false);
    send(owner, q, "owner's");
    Api other = user();

    assertAll(
        () -> other.post("queues/" + q + "/messages", json("body", "intruder")).problem(403),
        () -> other.post("queues/" + q + "/messages:batch", batch(2, "intruder")).problem(403),
        () -> other.post("queues/" + q + "/messages:receive", null).problem(403),
        () -> other.post("queues/" + q + "/messages:receive", json("waitSeconds", 1)).problem(403));
    assertEquals(List.of(1, 0, 0), counters(owner, q));

    JsonArray got = receive(owner, q, 10, 600);
    assertEquals(1, got.size());
    String receipt = got.getJsonObject(0).getString("receipt");
    other.delete("queues/" + q + "/messages/" + receipt).problem(403);
    owner.delete("queues/" + q + "/messages/" + receipt).expect(204);
    assertEquals(List.of(0, 0, 0), counters(owner, q));
  }

  @Test
  void sharedQueue_otherUsersSendAndReceive_butMayNotBrowseOrDelete() {
    Api owner = user();
    String q = newQueue(owner);
    Api other = user();
    String id = send(other, q, "from other").getString("id");

    JsonObject m = receive(other, q, 1, 600).getJsonObject(0);
    assertEquals(id, m.getString("id"));
    assertEquals(other.username(), m.getString("sender"));
    other.get("queues/" + q + "/messages").problem(403);
    other.delete("queues/" + q + "?force=true").problem(403);
    other.delete("queues/" + q + "/messages/" + m.getString("receipt")).expect(204);
  }

  // ---- message limits -----------------------------------------------------------------------

  @Test
  void sendToFullQueue_answers409AndStoresNothing() {
    Api api = user();
    String q = newQueue(api, "maxLength", 2);
    send(api, q, "1");
    api.post("queues/" + q + "/messages:batch", batch(2, "too many")).problem(409);
    assertEquals(List.of(1, 0, 0), counters(api, q));
    send(api, q, "2");

    api.post("queues/" + q + "/messages", json("body", "3")).problem(409);
    api.post("queues/" + q + "/messages", json("body", "3", "delaySeconds", 5)).problem(409);
    assertEquals(List.of(2, 0, 0), counters(api, q));

    // An in-flight message still counts; an acked one makes room.
    JsonObject m = receive(api, q, 1, 600).getJsonObject(0);
    api.post("queues/" + q + "/messages", json("body", "3")).problem(409);
    api.delete("queues/" + q + "/messages/" + m.getString("receipt")).expect(204);
    send(api, q, "3");
    assertEquals(List.of("2", "3"),
        browse(api, q).getValuesAs(JsonObject.class).stream().map(x -> x.getString("body")).toList());
  }

  @Test
  void bodyOver256KiBOfUtf8_answers413AndStoresNothing() {
    Api api = user();
    String q = newQueue(api);
    String atLimit = "\u00e9".repeat(BODY_LIMIT / 2); // 2 bytes each: exactly 256 KiB
    String overLimit = atLimit + "x"; // 131,073 characters, 262,145 bytes

    api.post("queues/" + q + "/messages", json("body", overLimit)).problem(413);
    JsonObject batch = json("messages", Json.createArrayBuilder()
        .add(json("body", "small")).add(json("body", overLimit)).build());
    api.post("queues/" + q + "/messages:batch", batch).problem(413);
    assertEquals(List.of(0, 0, 0), counters(api, q));

    send(api, q, atLimit);
    // Quotes double in JSON: the limit is on the body, the JSON around it has headroom.
    String escaped = "\"".repeat(BODY_LIMIT);
    send(api, q, escaped);
    JsonArray got = receive(api, q, 2, 600);
    assertEquals(atLimit, got.getJsonObject(0).getString("body"));
    assertEquals(escaped, got.getJsonObject(1).getString("body"));
  }

  @Test
  void batchOver100Messages_answers400AndStoresNothing() {
    Api api = user();
    String q = newQueue(api);
    api.post("queues/" + q + "/messages:batch", batch(101, "m")).problem(400);
    api.post("queues/" + q + "/messages:batch", json("messages", JsonValue.EMPTY_JSON_ARRAY))
        .problem(400);
    api.post("queues/" + q + "/messages:batch", JsonValue.EMPTY_JSON_OBJECT).problem(400);
    assertEquals(List.of(0, 0, 0), counters(api, q));

    Api.Reply reply = api.post("queues/" + q + "/messages:batch", batch(100, "m")).expect(201);
    JsonObject sent = reply.object();
    assertEquals(100, sent.getJsonArray("ids").size());
    if (sent.containsKey("seq")) {
      assertTrue(reply.appliedSeq() >= sent.getJsonNumber("seq").longValue(), reply.body());
    }
    assertEquals(List.of(100, 0, 0), counters(api, q));
  }

  @Test
  void send_responseCarriesNodeHeaders_appliedSeqAtLeastItsSeq() {
    Api api = user();
    String q = newQueue(api);
    long previous = -1;
    for (int i = 0; i < 3; i++) {
      Api.Reply reply = api.post("queues/" + q + "/messages", json("body", "m" + i)).expect(201);
      long seq = reply.object().getJsonNumber("seq").longValue();
      assertTrue(reply.appliedSeq() >= seq, "applied " + reply.appliedSeq() + " < seq " + seq);
      assertTrue(seq > previous, "seq went backwards");
      previous = seq;
    }
    assertTrue(api.get("queues/" + q).expect(200).appliedSeq() >= previous);
    // Read-your-writes: a read that asks for the last write's seq sees it.
    Api.Reply read = api.send("GET", "queues/" + q, null, null, "X-Quipu-Min-Seq", "" + previous);
    assertEquals(3, read.expect(200).object().getInt("depth"));
    assertTrue(read.appliedSeq() >= previous);
    api.send("GET", "queues/" + q, null, null, "X-Quipu-Min-Seq", "soon").problem(400);
    api.get("queues/" + Api.unique("missing")).appliedSeq();
    api.post("queues/" + q + "/messages", JsonValue.EMPTY_JSON_OBJECT).appliedSeq();
  }

  @Test
  void send_missingBodyOrDelayOutOfRange_answers400AndStoresNothing() {
    Api api = user();
    String q = newQueue(api);
    assertAll(
        () -> api.post("queues/" + q + "/messages", JsonValue.EMPTY_JSON_OBJECT).problem(400),
        () -> api.post("queues/" + q + "/messages", json("body", "x", "delaySeconds", 901))
            .problem(400),
        () -> api.post("queues/" + q + "/messages", json("body", "x", "delaySeconds", -1))
            .problem(400),
        () -> api.send("POST", "queues/" + q + "/messages", "{\"body\":", "application/json")
            .problem(400),
        () -> api.send("POST", "queues/" + q + "/messages", "plain text", "text/plain").problem(415),
        () -> api.post("queues/" + Api.unique("missing") + "/messages", json("body", "x"))
            .problem(404));
    assertEquals(List.of(0, 0, 0), counters(api, q));
  }

  @Test
  void delayedMessage_isCountedAsDelayedAndReceivableOnlyAfterTheDelay() {
    Api api = user();
    String q = newQueue(api);
    long sentAt = System.nanoTime();
    String id = api.post("queues/" + q + "/messages", json("body", "later", "delaySeconds", 2))
        .expect(201).object().getString("id");

    assertEquals(List.of(0, 0, 1), counters(api, q));
    assertEquals(0, receive(api, q, 1, 600).size());

    JsonArray got = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> receive(api, q, 1, 600), messages -> !messages.isEmpty());
    long waitedMillis = (System.nanoTime() - sentAt) / 1_000_000;
    assertEquals(id, got.getJsonObject(0).getString("id"));
    assertTrue(waitedMillis >= 1900, "delivered after " + waitedMillis + " ms");
    assertEquals(List.of(0, 1, 0), counters(api, q));
  }

  // ---- browse -------------------------------------------------------------------------------

  @Test
  void browse_byOwnerOrAdmin_showsMessagesInOrderWithoutReceivingThem() {
    Api owner = user();
    String q = newQueue(owner);
    Api other = user();
    send(other, q, "first");
    send(owner, q, "second");

    JsonArray seen = browse(owner, q);
    assertEquals(List.of("first", "second"),
        seen.getValuesAs(JsonObject.class).stream().map(m -> m.getString("body")).toList());
    assertEquals(other.username(), seen.getJsonObject(0).getString("sender"));
    assertEquals(0, seen.getJsonObject(0).getInt("receiveCount"));
    assertTrue(isAbsentOrNull(seen.getJsonObject(0), "receipt"), seen.toString());
    assertEquals(List.of(2, 0, 0), counters(owner, q));

    receive(owner, q, 1, 600);
    browse(owner, q);
    JsonArray after = browse(new Api(url()).admin(), q);
    assertEquals(List.of(1, 0), after.getValuesAs(JsonObject.class).stream()
        .map(m -> m.getInt("receiveCount")).toList());
    assertEquals(List.of(1, 1, 0), counters(owner, q));
    // A browse does not lease: the unreceived message is still there for a consumer.
    assertEquals("second", receive(owner, q, 1, 600).getJsonObject(0).getString("body"));
  }

  @Test
  void browse_byAnotherUser_answers403() {
    Api owner = user();
    String shared = newQueue(owner);
    String unshared = newQueue(owner, "shared", false);
    Api other = user();
    other.get("queues/" + shared + "/messages").problem(403);
    other.get("queues/" + unshared + "/messages").problem(403);
    other.get("queues/" + Api.unique("missing") + "/messages").problem(404);
  }

  @Test
  void browse_answersAListObject() {
    Api api = user();
    String q = newQueue(api);
    send(api, q, "m");
    Api.Reply reply = api.get("queues/" + q + "/messages").expect(200);
    assertEquals(JsonValue.ValueType.OBJECT, reply.json().getValueType(), reply.body());
    JsonObject page = reply.object();
    assertEquals(1, page.getJsonArray("items").size());
    assertTrue(page.isNull("nextCursor"));
  }

  // ---- ack many and receive parameters ------------------------------------------------------

  @Test
  void ackMany_mixOfValidAndStaleReceipts_acksTheValidAndListsTheStale() {
    Api api = user();
    String q = newQueue(api);
    for (int i = 0; i < 4; i++) {
      send(api, q, "m" + i);
    }
    JsonArray got = receive(api, q, 3, 600);
    String acked = got.getJsonObject(0).getString("receipt");
    String valid1 = got.getJsonObject(1).getString("receipt");
    String valid2 = got.getJsonObject(2).getString("receipt");
    api.delete("queues/" + q + "/messages/" + acked).expect(204);
    // A redelivery makes the first receipt of the fourth message stale.
    String superseded = receive(api, q, 1, 0).getJsonObject(0).getString("receipt");
    String current = receive(api, q, 1, 600).getJsonObject(0).getString("receipt");
    String garbage = "not-a-receipt";

    JsonObject result = api.post("queues/" + q + "/messages:ack", json("receipts",
        Json.createArrayBuilder().add(acked).add(valid1).add(superseded).add(valid2).add(garbage)
            .build())).expect(200).object();

    assertEquals(2, result.getInt("acked"));
    assertEquals(Set.of(acked, superseded, garbage), result.getJsonArray("stale")
        .getValuesAs(JsonString.class).stream().map(s -> s.getString())
        .collect(Collectors.toSet()));
    assertEquals(List.of(0, 1, 0), counters(api, q));
    api.delete("queues/" + q + "/messages/" + current).expect(204);
    assertEquals(List.of(0, 0, 0), counters(api, q));
  }

  @Test
  void ackMany_withoutReceipts_answers400() {
    Api api = user();
    String q = newQueue(api);
    api.post("queues/" + q + "/messages:ack", JsonValue.EMPTY_JSON_OBJECT).problem(400);
    api.post("queues/" + q + "/messages:ack", json("receipts", JsonValue.EMPTY_JSON_ARRAY))
        .problem(400);
  }

  @Test
  void receive_parametersOutOfRange_answer400AndLeaseNothing() {
    Api api = user();
    String q = newQueue(api);
    send(api, q, "untouched");
    List<JsonObject> invalid = List.of(
        json("max", 0),
        json("max", 101),
        json("max", -1),
        json("waitSeconds", 21),
        json("waitSeconds", -1),
        json("visibilityTimeoutSeconds", -1),
        json("visibilityTimeoutSeconds", 43201),
        json("max", "ten"));
    List<Executable> checks = new ArrayList<>();
    for (JsonObject parameters : invalid) {
      checks.add(() -> api.post("queues/" + q + "/messages:receive", parameters).problem(400));
    }
    assertAll(checks);
    assertEquals(List.of(1, 0, 0), counters(api, q));
    assertEquals(0, browse(api, q).getJsonObject(0).getInt("receiveCount"));

    // The bounds themselves are accepted.
    assertEquals(1, api.post("queues/" + q + "/messages:receive",
        json("max", 100, "waitSeconds", 0, "visibilityTimeoutSeconds", 43200)).expect(200).array()
        .size());
  }

  @Test
  void receive_unknownQueue_answers404() {
    user().post("queues/" + Api.unique("missing") + "/messages:receive", null).problem(404);
  }

  @Test
  void create_unknownMember_answers400_andCreatesNothing() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, Json.createObjectBuilder().add("visibilityTimeout", 5).build()).problem(400);
    api.get("queues/" + q).problem(404);
  }

  @Test
  void delete_forceNotABoolean_answers400_andDeletesNothing() {
    Api api = user();
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    api.delete("queues/" + q + "?force=yes").problem(400);
    api.get("queues/" + q).expect(200);
  }
}
