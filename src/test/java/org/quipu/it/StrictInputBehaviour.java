package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quipu.api.Names;

/**
 * Issue 7, "Strict input": every malformed request is a 400 (or 415, 405, 414, 431) problem and
 * changes nothing. Each test sends the malformed request and then checks, through the API, that
 * no queue was created, no message stored, no attribute changed. Requests that an HTTP client
 * would normalise (invalid UTF-8, bad {@code %} escapes, TRACE, oversized headers, a body on GET)
 * go over a raw socket.
 */
abstract class StrictInputBehaviour {

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private Api user() {
    return new Api(url()).newUser("strict");
  }

  private static String newQueue(Api api) {
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);
    return q;
  }

  /** The queue's ready, in-flight and delayed counts, and that browsing finds nothing. */
  private static void assertEmpty(Api api, String q) {
    JsonObject queue = api.get("queues/" + q).expect(200).object();
    assertEquals(0, queue.getInt("depth") + queue.getInt("inFlight") + queue.getInt("delayed"),
        "no message was stored: " + queue);
    assertEquals(0, api.get("queues/" + q + "/messages").expect(200).object()
        .getJsonArray("items").size());
  }

  private static void assertNoQueue(Api api, String q) {
    api.get("queues/" + q).problem(404);
  }

  /** Sends a raw JSON text to a path; asserts a 400 problem; returns its detail. */
  private static String refused(Api api, String method, String path, String json) {
    return api.send(method, path, json, "application/json").problem(400).getString("detail");
  }

  // ---- names in the path --------------------------------------------------------------------

  @Test
  void messageOperations_onANameOutsideThePattern_400NamingThePattern() {
    Api api = user();
    String bad = "bad%20name";
    String detail = "queue must match " + Names.PATTERN;
    List<Runnable> checks = new ArrayList<>();
    checks.add(() -> assertEquals(detail,
        refused(api, "POST", "queues/" + bad + "/messages", "{\"body\":\"x\"}")));
    checks.add(() -> assertEquals(detail, refused(api, "POST", "queues/" + bad + "/messages:batch",
        "{\"messages\":[{\"body\":\"x\"}]}")));
    checks.add(() -> assertEquals(detail,
        refused(api, "POST", "queues/" + bad + "/messages:receive", "{}")));
    checks.add(() -> assertEquals(detail,
        refused(api, "POST", "queues/" + bad + "/messages:ack", "{\"receipts\":[\"r\"]}")));
    checks.add(() -> assertEquals(detail,
        api.delete("queues/" + bad + "/messages/r").problem(400)
            .getString("detail")));
    assertAll(checks.stream().map(c -> (org.junit.jupiter.api.function.Executable) c::run));
  }

  // ---- the body: one JSON object, strictly --------------------------------------------------

  @Test
  void send_trailingGarbageAfterTheObject_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    String detail = refused(api, "POST", "queues/" + q + "/messages", "{\"body\":\"x\"} garbage");
    assertTrue(detail.contains("trailing"), detail);
    assertEmpty(api, q);
  }

  @Test
  void send_twoConcatenatedObjects_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    refused(api, "POST", "queues/" + q + "/messages", "{\"body\":\"x\"}{\"body\":\"y\"}");
    refused(api, "POST", "queues/" + q + "/messages:batch",
        "{\"messages\":[{\"body\":\"x\"}]}{\"messages\":[{\"body\":\"y\"}]}");
    assertEmpty(api, q);
  }

  @Test
  void create_trailingData_400AndNoQueue() {
    Api api = user();
    String q = Api.unique("q");
    refused(api, "PUT", "queues/" + q, "{\"shared\":true} {}");
    assertNoQueue(api, q);
  }

  @Test
  void send_invalidUtf8Bytes_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    byte[] latin1 = "{\"body\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    RawReply reply = raw(post("queues/" + q + "/messages", api, "application/json", latin1));
    reply.problem(400);
    assertTrue(reply.detail().contains("UTF-8"), reply.body);
    // a surrogate encoded as UTF-8 bytes (CESU-8) is not UTF-8 either
    byte[] cesu = concat("{\"body\":\"".getBytes(StandardCharsets.US_ASCII),
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}".getBytes(StandardCharsets.US_ASCII));
    raw(post("queues/" + q + "/messages", api, "application/json", cesu)).problem(400);
    assertEmpty(api, q);
  }

  @Test
  void send_loneSurrogateEscape_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    String detail = refused(api, "POST", "queues/" + q + "/messages", "{\"body\":\"a\\ud800b\"}");
    assertTrue(detail.contains("surrogate"), detail);
    refused(api, "POST", "queues/" + q + "/messages", "{\"body\":\"x\\udc00\"}");
    refused(api, "POST", "queues/" + q + "/messages",
        "{\"body\":\"x\",\"headers\":{\"\\ud800\":\"v\"}}");
    assertEmpty(api, q);
    // a surrogate pair is one character, and is kept
    api.send("POST", "queues/" + q + "/messages", "{\"body\":\"\\ud83d\\ude00\"}",
        "application/json").expect(201);
    assertEquals("\uD83D\uDE00", api.get("queues/" + q + "/messages").expect(200).object()
        .getJsonArray("items").getJsonObject(0).getString("body"));
  }

  @Test
  void send_duplicateMember_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    String detail = refused(api, "POST", "queues/" + q + "/messages",
        "{\"body\":\"x\",\"delaySeconds\":0,\"delaySeconds\":900}");
    assertTrue(detail.contains("duplicate member 'delaySeconds'"), detail);
    refused(api, "POST", "queues/" + q + "/messages",
        "{\"body\":\"x\",\"headers\":{\"h\":\"1\",\"h\":\"2\"}}");
    assertEmpty(api, q);
  }

  @Test
  void create_duplicateMember_400AndNoQueue() {
    Api api = user();
    String q = Api.unique("q");
    refused(api, "PUT", "queues/" + q, "{\"shared\":true,\"shared\":false}");
    assertNoQueue(api, q);
  }

  @Test
  void send_numberAsBody_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    assertEquals("body must be a string",
        refused(api, "POST", "queues/" + q + "/messages", "{\"body\":5}"));
    refused(api, "POST", "queues/" + q + "/messages", "{\"body\":true}");
    refused(api, "POST", "queues/" + q + "/messages", "{\"body\":{\"a\":1}}");
    assertEmpty(api, q);
  }

  @Test
  void create_sharedAsStringOrNumber_400AndNoQueue() {
    Api api = user();
    String q = Api.unique("q");
    assertEquals("shared must be true or false",
        refused(api, "PUT", "queues/" + q, "{\"shared\":\"yes\"}"));
    refused(api, "PUT", "queues/" + q, "{\"shared\":1}");
    refused(api, "PUT", "queues/" + q, "{\"shared\":\"false\"}");
    refused(api, "PUT", "queues/" + q, "{\"visibilityTimeoutSeconds\":\"30\"}");
    refused(api, "PUT", "queues/" + q, "{\"visibilityTimeoutSeconds\":30.5}");
    assertNoQueue(api, q);
  }

  @Test
  void patch_sharedAsString_400AndAttributesUnchanged() {
    Api api = user();
    String q = newQueue(api);
    JsonObject before = api.get("queues/" + q).expect(200).object();
    refused(api, "PATCH", "queues/" + q, "{\"shared\":\"no\"}");
    refused(api, "PATCH", "queues/" + q, "{\"shared\":0}");
    refused(api, "PATCH", "queues/" + q, "{\"visibilityTimeoutSeconds\":\"60\"}");
    assertEquals(before, api.get("queues/" + q).expect(200).object());
  }

  @Test
  void send_headerValueNumber_400AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    assertEquals("headers.n must be a string", refused(api, "POST", "queues/" + q + "/messages",
        "{\"body\":\"x\",\"headers\":{\"n\":1}}"));
    refused(api, "POST", "queues/" + q + "/messages",
        "{\"body\":\"x\",\"headers\":{\"n\":true}}");
    refused(api, "POST", "queues/" + q + "/messages", "{\"body\":\"x\",\"headers\":[\"n\"]}");
    assertEmpty(api, q);
  }

  @Test
  void publish_headerValueNumber_400AndNothingDelivered() {
    Api api = user();
    String t = Api.unique("t");
    api.put("topics/" + t, null).expect(201);
    api.put("topics/" + t + "/subscriptions/s", null).expect(201);
    refused(api, "POST", "topics/" + t + "/messages", "{\"body\":\"x\",\"headers\":{\"n\":1}}");
    refused(api, "POST", "topics/" + t + "/messages", "{\"body\":\"x\",\"routingKey\":5}");
    assertEquals(0, api.get("topics/" + t).expect(200).object().getJsonArray("subscriptions")
        .getJsonObject(0).getInt("depth"));
  }

  @Test
  void ack_receiptsAsNumbers_400AndMessageStaysInFlight() {
    Api api = user();
    String q = newQueue(api);
    api.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "x").build())
        .expect(201);
    api.post("queues/" + q + "/messages:receive", Json.createObjectBuilder().build()).expect(200);
    assertEquals("receipts[0] must be a string",
        refused(api, "POST", "queues/" + q + "/messages:ack", "{\"receipts\":[1]}"));
    refused(api, "POST", "queues/" + q + "/messages:ack", "{\"receipts\":\"r\"}");
    assertEquals(1, api.get("queues/" + q).expect(200).object().getInt("inFlight"));
  }

  @Test
  void nullForFields_400AndNothingChanged() {
    Api api = user();
    String q = Api.unique("q");
    String detail = refused(api, "PUT", "queues/" + q, "{\"shared\":null}");
    assertTrue(detail.startsWith("shared must not be null"), detail);
    refused(api, "PUT", "queues/" + q, "{\"deadLetterQueue\":null}");
    assertNoQueue(api, q);

    String existing = newQueue(api);
    JsonObject before = api.get("queues/" + existing).expect(200).object();
    refused(api, "PATCH", "queues/" + existing, "{\"visibilityTimeoutSeconds\":null}");
    refused(api, "PATCH", "queues/" + existing, "{\"shared\":null}");
    assertEquals(before, api.get("queues/" + existing).expect(200).object());

    refused(api, "POST", "queues/" + existing + "/messages", "{\"body\":null}");
    refused(api, "POST", "queues/" + existing + "/messages",
        "{\"body\":\"x\",\"headers\":{\"h\":null}}");
    refused(api, "POST", "queues/" + existing + "/messages", "{\"body\":\"x\",\"headers\":null}");
    refused(api, "POST", "queues/" + existing + "/messages:batch", "{\"messages\":[null]}");
    refused(api, "POST", "queues/" + existing + "/messages", "null");
    assertEmpty(api, existing);
  }

  @Test
  void topLevelArrayOrScalar_400AndNothingChanged() {
    Api api = user();
    String q = Api.unique("q");
    assertEquals("the body must be a JSON object, not an array",
        refused(api, "PUT", "queues/" + q, "[]"));
    assertNoQueue(api, q);
    String existing = newQueue(api);
    refused(api, "POST", "queues/" + existing + "/messages", "[{\"body\":\"x\"}]");
    refused(api, "POST", "queues/" + existing + "/messages", "\"x\"");
    refused(api, "POST", "queues/" + existing + "/messages:batch", "[{\"body\":\"x\"}]");
    assertEmpty(api, existing);
  }

  // ---- media types --------------------------------------------------------------------------

  @Test
  void charsetOtherThanUtf8_415AndNoMessage() {
    Api api = user();
    String q = newQueue(api);
    api.send("POST", "queues/" + q + "/messages", "{\"body\":\"x\"}",
        "application/json; charset=ISO-8859-1").problem(415);
    api.send("POST", "queues/" + q + "/messages", "{\"body\":\"x\"}",
        "application/json; charset=UTF-16").problem(415);
    String other = Api.unique("q");
    api.send("PUT", "queues/" + other, "{}", "application/json; charset=windows-1252")
        .problem(415);
    assertNoQueue(api, other);
    assertEmpty(api, q);
    // UTF-8, in any case, is the one charset
    api.send("POST", "queues/" + q + "/messages", "{\"body\":\"x\"}",
        "application/json; charset=utf-8").expect(201);
  }

  @Test
  void mediaTypeInAnotherCase_isAccepted() {
    Api api = user();
    String q = Api.unique("q");
    api.send("PUT", "queues/" + q, "{\"visibilityTimeoutSeconds\":45}", "APPLICATION/JSON")
        .expect(201);
    assertEquals(45, api.get("queues/" + q).expect(200).object()
        .getInt("visibilityTimeoutSeconds"));
    api.send("POST", "queues/" + q + "/messages", "{\"body\":\"x\"}",
        "Application/Json; Charset=UTF-8").expect(201);
    assertEquals(1, api.get("queues/" + q).expect(200).object().getInt("depth"));
  }

  // ---- paths --------------------------------------------------------------------------------

  @Test
  void pathSegmentWithMatrixParameters_400AndNoQueue() {
    Api api = user();
    String a = Api.unique("q");
    api.send("PUT", "queues/" + a + ";b", "{}", "application/json").problem(400);
    api.send("PUT", "queues/" + a + ";shared=false", "{}", "application/json").problem(400);
    assertNoQueue(api, a);
    // on an existing queue, a send through a matrix path stores nothing either
    String q = newQueue(api);
    api.send("POST", "queues/" + q + ";x=1/messages", "{\"body\":\"x\"}", "application/json")
        .problem(400);
    assertEmpty(api, q);
  }

  // ---- lists: limit and cursor --------------------------------------------------------------

  @Test
  void lists_limitZeroOrForeignCursor_400() {
    Api api = user();
    Api admin = new Api(url()).admin();
    String q = newQueue(api);
    List<Runnable> checks = new ArrayList<>();
    for (String list : List.of("queues", "topics", "queues/" + q + "/messages")) {
      checks.add(() -> api.get(list + "?limit=0").problem(400));
      checks.add(() -> api.get(list + "?limit=1001").problem(400));
      checks.add(() -> api.get(list + "?cursor=abc").problem(400));
      checks.add(() -> api.get(list + "?cursor=" + base64url("other:x")).problem(400));
    }
    for (String list : List.of("users", "sessions")) {
      checks.add(() -> admin.get(list + "?limit=0").problem(400));
      checks.add(() -> admin.get(list + "?cursor=abc").problem(400));
      checks.add(() -> admin.get(list + "?cursor=" + base64url("queues:admin")).problem(400));
    }
    // a queue list's cursor is not a topic list's, nor another queue's browse cursor
    checks.add(() -> api.get("topics?cursor=" + base64url("queues:a")).problem(400));
    checks.add(() -> api.get("queues/" + q + "/messages?cursor=" + base64url("browse:other:1"))
        .problem(400));
    assertAll(checks.stream().map(c -> (org.junit.jupiter.api.function.Executable) c::run));
  }

  @Test
  void browse_pagesWithTheNextCursorItReturns_withoutReceiving() {
    Api api = user();
    String q = newQueue(api);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(api.post("queues/" + q + "/messages",
          Json.createObjectBuilder().add("body", "m" + i).build()).expect(201).object()
          .getString("id"));
    }
    List<String> browsed = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get("queues/" + q + "/messages?limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).object();
      page.getJsonArray("items").getValuesAs(JsonObject.class)
          .forEach(m -> browsed.add(m.getString("id")));
      sizes.add(page.getJsonArray("items").size());
      cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
    } while (cursor != null && sizes.size() < 10);
    assertEquals(List.of(2, 2, 1), sizes);
    assertEquals(sent, browsed, "every message once, in FIFO order");
    assertEquals(5, api.get("queues/" + q).expect(200).object().getInt("depth"));
  }

  @Test
  void usersSessionsAndTopics_pageWithTheirCursor() {
    Api api = user();
    Api admin = new Api(url()).admin();
    api.put("topics/" + Api.unique("t"), null).expect(201);
    api.put("topics/" + Api.unique("t"), null).expect(201);
    for (String list : List.of("users", "sessions", "topics")) {
      Api caller = list.equals("topics") ? api : admin;
      Function<JsonObject, String> key = o -> o.containsKey("username") && list.equals("users")
          ? o.getString("username") : o.containsKey("id") ? o.getString("id") : o.getString("name");
      List<String> whole = caller.get(list + "?limit=1000").expect(200).object()
          .getJsonArray("items").getValuesAs(JsonObject.class).stream().map(key).toList();
      assertTrue(whole.size() >= 2, list + ": " + whole);
      List<String> paged = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonObject page = caller.get(list + "?limit=1"
            + (cursor == null ? "" : "&cursor=" + cursor)).expect(200).object();
        page.getJsonArray("items").getValuesAs(JsonObject.class).forEach(o -> paged.add(key.apply(o)));
        cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
        pages++;
      } while (cursor != null && pages < whole.size() + 5);
      // users or sessions may be added by other tests meanwhile: the pages hold at least those
      assertTrue(paged.containsAll(whole), list + ": " + paged + " vs " + whole);
      assertEquals(paged.stream().distinct().count(), paged.size(), list + ": no repeats");
    }
  }

  // ---- Accept: application/problem+json -------------------------------------------------------

  @Test
  void acceptProblemJson_onOperationsWithoutBody_gets204AndProblems() {
    Api api = user();
    String q = newQueue(api);
    String problemOnly = "application/problem+json";
    api.send("DELETE", "queues/" + Api.unique("missing"), null, null, "Accept", problemOnly)
        .problem(404);
    api.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "x").build())
        .expect(201);
    String receipt = api.post("queues/" + q + "/messages:receive",
        Json.createObjectBuilder().build()).expect(200).array().getJsonObject(0)
        .getString("receipt");
    api.send("POST", "queues/" + q + "/messages/" + receipt + ":extend",
        "{\"visibilityTimeoutSeconds\":60}", "application/json", "Accept", problemOnly).expect(204);
    api.send("POST", "queues/" + q + "/messages/" + receipt + ":extend",
        "{\"visibilityTimeoutSeconds\":-1}", "application/json", "Accept", problemOnly)
        .problem(400);
    api.send("DELETE", "queues/" + q + "/messages/" + receipt, null, null, "Accept", problemOnly)
        .expect(204);
    api.send("DELETE", "queues/" + q + "/messages/" + receipt, null, null, "Accept", problemOnly)
        .problem(410);
    api.send("DELETE", "queues/" + q, null, null, "Accept", problemOnly).expect(204);
    assertNoQueue(api, q);
  }

  @Test
  void acceptJsonAndProblemJson_onAnyOperation() {
    Api api = user();
    String both = "application/json, application/problem+json";
    String q = Api.unique("q");
    api.send("PUT", "queues/" + q, "{}", "application/json", "Accept", both).expect(201);
    api.send("GET", "queues/" + q, null, null, "Accept", both).expect(200);
    api.send("GET", "queues", null, null, "Accept", both).expect(200);
    api.send("POST", "queues/" + q + "/messages", "{\"body\":\"x\"}", "application/json",
        "Accept", both).expect(201);
    api.send("POST", "queues/" + q + "/messages:receive", "{}", "application/json",
        "Accept", both).expect(200);
    api.send("GET", "queues/" + Api.unique("missing"), null, null, "Accept", both).problem(404);
    api.send("PUT", "queues/" + Api.unique("q"), "{\"shared\":\"yes\"}", "application/json",
        "Accept", both).problem(400);
    api.send("DELETE", "queues/" + q + "?force=true", null, null, "Accept", both).expect(204);
    api.send("GET", "users/me", null, null, "Accept", both).expect(200);
  }

  // ---- error details in the API's words ------------------------------------------------------

  @Test
  void validationDetails_speakTheApisWords() {
    Api api = user();
    String q = newQueue(api);
    String messages = "queues/" + q + "/messages";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(refused(api, "POST", messages, "{\"body\":\"x\",\"headers\":{\"\":\"v\"}}"),
        "headers: a header name must be 1 to 256 characters");
    cases.put(refused(api, "POST", messages + ":batch", "{\"messages\":[]}"),
        "messages must hold at least one message");
    cases.put(refused(api, "PUT", "queues/" + Api.unique("q"), "{\"visibilityTimeoutSeconds\":43201}"),
        "visibilityTimeoutSeconds must be between 0 and 43200");
    cases.put(refused(api, "PUT", "queues/" + Api.unique("q"), "{\"maxLength\":0}"),
        "maxLength must be at least 1");
    cases.put(refused(api, "POST", messages + ":ack", "{\"receipts\":[]}"),
        "receipts must hold 1 to 100 receipts");
    cases.put(refused(api, "POST", messages + ":batch", "{\"messages\":[{\"body\":\"x\"},{}]}"),
        "messages[1].body is required");
    cases.forEach((detail, expected) -> assertEquals(expected, detail));
    for (String detail : cases.keySet()) {
      assertFalse(detail.contains("2147483647") || detail.contains("<") || detail.contains("arg"),
          detail);
    }
    assertEmpty(api, q);
  }

  // ---- errors raised before the application ---------------------------------------------------
  // What Payara answers before the WAR sees the request cannot be a problem nor carry
  // X-Quipu-Node (README, "Errors Payara answers before the application"). These tests pin what
  // can be held there: the status class, nothing echoed, and nothing changed. Whatever reaches
  // the WAR is a problem with X-Quipu-Node.

  @Test
  void invalidPercentEscape_changesNothing() {
    Api api = user();
    String q = Api.unique("q");
    for (String bad : List.of("%zz", "%2", "%g0")) {
      RawReply reply = raw(request("PUT", "queues/" + q + bad, api, "application/json",
          "{}".getBytes(StandardCharsets.UTF_8)));
      // measured: Payara logs the decoder's exception and answers 200 with no body (Payara#8000)
      assertTrue(reply.status == 200 || reply.status == 400, reply.toString());
      assertFalse(reply.body.contains("\"name\""), "no queue in the answer: " + reply);
    }
    assertEquals(0, api.get("queues?prefix=" + q).expect(200).object().getJsonArray("items")
        .size());
  }

  @Test
  void invalidUri_400Or505_changesNothing() {
    Api api = user();
    String q = Api.unique("q");
    // a raw space, a raw non-ASCII byte, an encoded NUL in the request target
    for (byte[] target : List.of((q + " x").getBytes(StandardCharsets.US_ASCII),
        concat(q.getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xFF}),
        (q + "%00").getBytes(StandardCharsets.US_ASCII))) {
      RawReply reply = raw(concat(("PUT " + url().getPath() + "api/v1/queues/").getBytes(
          StandardCharsets.US_ASCII), target, (" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + api.token() + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII)));
      assertTrue(reply.status == 400 || reply.status == 505, reply.toString());
    }
    assertEquals(0, api.get("queues?prefix=" + q).expect(200).object().getJsonArray("items")
        .size());
  }

  @Test
  void trace_405_echoesNothing() {
    Api api = user();
    for (String path : List.of(url().getPath() + "api/v1/queues", url().getPath() + "console/",
        "/health/ready")) {
      RawReply reply = raw(("TRACE " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + api.token() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals(405, reply.status, reply.toString());
      assertFalse(reply.body.contains(api.token()), "TRACE must not echo the request: " + reply);
    }
  }

  @Test
  void headersOrUriOverTheLimit_refusedBeforeTheApplication() {
    Api api = user();
    String q = Api.unique("q");
    RawReply headers = raw(("PUT " + url().getPath() + "api/v1/queues/" + q + " HTTP/1.1\r\n"
        + "Host: x\r\nAuthorization: Bearer " + api.token() + "\r\nX-Big: " + "x".repeat(64 * 1024)
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    // measured: Grizzly answers 400 with no body where 431 would be right
    assertTrue(headers.status == 431 || headers.status == 400, headers.toString());
    RawReply uri = raw(request("PUT", "queues/" + q + "x".repeat(100_000), api,
        "application/json", new byte[0]));
    // measured: 400 with no body where 414 would be right
    assertTrue(uri.status == 414 || uri.status == 400, uri.toString());
    assertNoQueue(api, q);
  }

  @Test
  void bodyOnGet_400_changesNothing() {
    Api api = user();
    String q = newQueue(api);
    RawReply reply = raw(request("GET", "queues/" + q, api, "application/json",
        "{\"body\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(400, reply.status, reply.toString());
    assertEmpty(api, q);
  }

  @Test
  void errorsTheContainerAnswersInTheWar_areProblemsWithTheNode() {
    Api api = user();
    RawReply unknownPath = raw(("GET /no-such-page HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    unknownPath.problem(404);
    unknownPath.hasNode();
    RawReply unknownMethod = raw(request("FOO", "queues", api, null, null));
    unknownMethod.problem(405);
    unknownMethod.hasNode();
  }

  @Test
  void healthMetricsAndOpenapi_carryTheNode() {
    for (String path : List.of("health/live", "health/ready", "openapi", "metrics")) {
      // Payara serves these at the root; the WAR is deployed there too, as ./quipu up does
      RawReply reply = raw(("GET /" + path + " HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertTrue(reply.status < 500, path + ": " + reply);
      reply.hasNode();
    }
  }

  // ---- raw HTTP ----------------------------------------------------------------------------

  private byte[] post(String apiPath, Api api, String contentType, byte[] body) {
    return request("POST", apiPath, api, contentType, body);
  }

  private byte[] request(String method, String apiPath, Api api, String contentType, byte[] body) {
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(url().getPath()).append("api/v1/").append(apiPath)
        .append(" HTTP/1.1\r\nHost: ").append(url().getHost()).append("\r\n")
        .append("Authorization: Bearer ").append(api.token()).append("\r\n")
        .append("X-Quipu-Min-Seq: ").append(api.seenSeq()).append("\r\n") // as Api does
        .append("Connection: close\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    return concat(head.toString().getBytes(StandardCharsets.US_ASCII),
        body == null ? new byte[0] : body);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String base64url(String text) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** One request on its own connection, exactly as given; the server closes after answering. */
  private RawReply raw(byte[] request) {
    int port = url().getPort() < 0 ? 80 : url().getPort();
    try (Socket socket = new Socket(url().getHost(), port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return RawReply.parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // a server may reset after answering a request it would not read to the end
      if (out.size() == 0) {
        throw reset;
      }
    }
    return out.toByteArray();
  }

  /** A response read off the wire: status, headers (lower-case names) and the de-chunked body. */
  private record RawReply(int status, Map<String, String> headers, String body) {

    static RawReply parse(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new AssertionError("no complete response: " + text);
      }
      String[] lines = text.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).strip());
      }
      String body = text.substring(end + 4);
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        StringBuilder joined = new StringBuilder();
        int at = 0;
        while (true) {
          int eol = body.indexOf("\r\n", at);
          int size = Integer.parseInt(body.substring(at, eol).split(";")[0].strip(), 16);
          if (size == 0) {
            break;
          }
          joined.append(body, eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
        body = joined.toString();
      }
      return new RawReply(status, headers,
          new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    void problem(int expected) {
      assertEquals(expected, status, toString());
      String type = headers.get("content-type");
      assertNotNull(type, toString());
      assertTrue(type.startsWith("application/problem+json"), toString());
      JsonObject problem = Json.createReader(new StringReader(body)).readObject();
      for (String member : List.of("type", "title", "status", "detail")) {
        assertTrue(problem.containsKey(member), "problem without " + member + ": " + body);
      }
      assertEquals(expected, problem.getInt("status"));
    }

    String detail() {
      return ((JsonString) Json.createReader(new StringReader(body)).readObject().get("detail"))
          .getString();
    }

    void hasNode() {
      String node = headers.get("x-quipu-node");
      assertTrue(node != null && !node.isBlank(), "no X-Quipu-Node: " + this);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) : body);
    }
  }
}
