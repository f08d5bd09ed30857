package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract check the integration tests rely on really fails on a mismatch. */
class OpenApiContractTest {

  private static final URI QUEUE = URI.create("http://node/api/v1/queues/orders");
  private static final URI SEND = URI.create("http://node/api/v1/queues/orders/messages");
  private static final String QUEUE_PATH = QUEUE.getRawPath();
  private static final String SEND_PATH = SEND.getRawPath();
  private static final Map<String, List<String>> AUTH =
      Map.of("Authorization", List.of("Bearer t"));
  private static final Map<String, List<String>> JSON =
      Map.of("Content-Type", List.of("application/json"));
  private static final Map<String, List<String>> PROBLEM =
      Map.of("Content-Type", List.of("application/problem+json"));
  private static final String QUEUE_BODY =
      "{\"name\":\"orders\",\"owner\":\"alice\",\"visibilityTimeoutSeconds\":30,"
          + "\"retentionSeconds\":345600,\"shared\":true,\"createdAt\":\"2026-01-01T00:00:00Z\","
          + "\"depth\":0,\"inFlight\":0,\"delayed\":0}";
  private static final String NOT_FOUND =
      "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no queue\"}";

  private final OpenApiContract contract = OpenApiContract.instance();

  @Test
  void check_documentedResponse_passes() {
    contract.check("GET", QUEUE, QUEUE_PATH, AUTH, null, 200, JSON, QUEUE_BODY);
    contract.check("GET", QUEUE, QUEUE_PATH, AUTH, null, 404, PROBLEM, NOT_FOUND);
  }

  @Test
  void check_undocumentedStatus_fails() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> contract.check("GET", QUEUE, QUEUE_PATH, AUTH, null, 418, PROBLEM, NOT_FOUND));
    assertTrue(e.getMessage().contains("validation.response.status.unknown"), e.getMessage());
  }

  @Test
  void check_bodyWithoutRequiredMember_fails() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> contract.check("GET", QUEUE, QUEUE_PATH, AUTH, null, 200, JSON,
            QUEUE_BODY.replace("\"depth\":0,", "")));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  @Test
  void check_problemAsPlainJson_fails() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> contract.check("GET", QUEUE, QUEUE_PATH, AUTH, null, 404, JSON, NOT_FOUND));
    assertTrue(e.getMessage().contains("validation.response.contentType.notAllowed"),
        e.getMessage());
  }

  @Test
  void check_invalidRequestThatSucceeded_fails() {
    Map<String, List<String>> headers = Map.of(
        "Authorization", List.of("Bearer t"), "Content-Type", List.of("application/json"));
    String tooLate = "{\"body\":\"x\",\"delaySeconds\":901}";
    AssertionError e = assertThrows(AssertionError.class,
        () -> contract.check("POST", SEND, SEND_PATH, headers, tooLate, 201, JSON,
            "{\"id\":\"1\",\"seq\":7}"));
    assertTrue(e.getMessage().contains("calls this request invalid"), e.getMessage());
    // Refused, it matches the document: the tests send such requests on purpose.
    contract.check("POST", SEND, SEND_PATH, headers, tooLate, 400, PROBLEM,
        NOT_FOUND.replace("404", "400").replace("Not Found", "Bad Request"));
  }

  @Test
  void check_methodNotInDocument_onlyAs405() {
    contract.check("TRACE", QUEUE, QUEUE_PATH, AUTH, null, 405, PROBLEM,
        NOT_FOUND.replace("404", "405"));
    assertThrows(AssertionError.class,
        () -> contract.check("TRACE", QUEUE, QUEUE_PATH, AUTH, null, 200, JSON, "{}"));
  }
}
