package org.quipu.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser configuration alone: each malformed input is a 400 naming what is wrong. */
class StrictJsonTest {

  private static String refused(String json, Class<?> type) {
    ApiException e = assertThrows(ApiException.class, () -> StrictJson.read(json, type));
    assertEquals(400, e.status());
    assertTrue(!e.getMessage().contains("java.") && !e.getMessage().contains("`"),
        "no Java type in: " + e.getMessage());
    return e.getMessage();
  }

  private static String refusedBytes(byte[] json, Class<?> type) {
    ApiException e = assertThrows(ApiException.class,
        () -> StrictJson.read(new ByteArrayInputStream(json), type));
    assertEquals(400, e.status());
    return e.getMessage();
  }

  @Test
  void read_wellFormedSend_givesTheRecord() {
    var send = StrictJson.read(
        "{\"body\":\"x\",\"headers\":{\"a\":\"b\"},\"delaySeconds\":5}", QueueRequests.Send.class);
    assertEquals(new QueueRequests.Send("x", Map.of("a", "b"), 5), send);
  }

  @Test
  void read_absentOptionalMembers_areNull() {
    var create = StrictJson.read("{}", QueueRequests.Create.class);
    assertNull(create.shared());
    assertNull(create.visibilityTimeoutSeconds());
  }

  @Test
  void read_trailingData_isRefused() {
    String garbage = refused("{\"body\":\"x\"} garbage", QueueRequests.Send.class);
    assertTrue(garbage.contains("trailing"), garbage);
    assertTrue(refused("{\"body\":\"x\"}{\"body\":\"y\"}", QueueRequests.Send.class)
        .contains("trailing"));
  }

  @Test
  void read_duplicateMember_isRefused() {
    assertEquals("duplicate member 'delaySeconds'",
        refused("{\"body\":\"x\",\"delaySeconds\":1,\"delaySeconds\":2}", QueueRequests.Send.class));
    assertTrue(refused("{\"body\":\"x\",\"headers\":{\"a\":\"1\",\"a\":\"2\"}}",
        QueueRequests.Send.class).contains("duplicate member 'a'"));
  }

  @Test
  void read_numberForString_isRefused() {
    assertEquals("body must be a string", refused("{\"body\":5}", QueueRequests.Send.class));
    assertEquals("body must be a string", refused("{\"body\":true}", QueueRequests.Send.class));
    assertEquals("headers.a must be a string",
        refused("{\"body\":\"x\",\"headers\":{\"a\":1}}", QueueRequests.Send.class));
    assertEquals("receipts[0] must be a string",
        refused("{\"receipts\":[1]}", QueueRequests.Ack.class));
  }

  @Test
  void read_nonBooleanForBoolean_isRefused() {
    assertEquals("shared must be true or false",
        refused("{\"shared\":\"yes\"}", QueueRequests.Create.class));
    assertEquals("shared must be true or false",
        refused("{\"shared\":1}", QueueRequests.Create.class));
    assertEquals("shared must be true or false",
        refused("{\"shared\":\"true\"}", QueueRequests.Create.class));
  }

  @Test
  void read_stringOrFractionForWholeNumber_isRefused() {
    assertEquals("delaySeconds must be a whole number",
        refused("{\"body\":\"x\",\"delaySeconds\":\"5\"}", QueueRequests.Send.class));
    assertEquals("delaySeconds must be a whole number",
        refused("{\"body\":\"x\",\"delaySeconds\":5.5}", QueueRequests.Send.class));
    assertEquals("visibilityTimeoutSeconds must be a whole number",
        refused("{\"visibilityTimeoutSeconds\":30.0}", QueueRequests.Create.class));
    assertEquals("maxReceiveCount is out of range",
        refused("{\"maxReceiveCount\":99999999999}", QueueRequests.Create.class));
  }

  @Test
  void read_null_isRefusedWhereverItIs() {
    assertEquals("shared must not be null (leave it out instead)",
        refused("{\"shared\":null}", QueueRequests.Create.class));
    assertEquals("headers.a must not be null (leave it out instead)",
        refused("{\"body\":\"x\",\"headers\":{\"a\":null}}", QueueRequests.Send.class));
    assertEquals("receipts[1] must not be null (leave it out instead)",
        refused("{\"receipts\":[\"r\",null]}", QueueRequests.Ack.class));
    assertTrue(refused("null", QueueRequests.Create.class).contains("must be a JSON object"));
  }

  @Test
  void read_notAnObject_isRefused() {
    assertEquals("the body must be a JSON object, not an array",
        refused("[{\"body\":\"x\"}]", QueueRequests.Send.class));
    assertEquals("the body must be a JSON object, not a string",
        refused("\"x\"", QueueRequests.Send.class));
    assertEquals("messages must be an array",
        refused("{\"messages\":{\"body\":\"x\"}}", QueueRequests.Batch.class));
  }

  @Test
  void read_unknownMember_isRefused() {
    assertEquals("unknown member 'visibilityTimeout'",
        refused("{\"visibilityTimeout\":5}", QueueRequests.Create.class));
    assertEquals("unknown member 'bodi' in messages[0]",
        refused("{\"messages\":[{\"bodi\":\"x\"}]}", QueueRequests.Batch.class));
  }

  @Test
  void read_loneSurrogateEscape_isRefused() {
    assertTrue(refused("{\"body\":\"a\\ud800b\"}", QueueRequests.Send.class)
        .contains("lone surrogate"));
    assertTrue(refused("{\"body\":\"x\",\"headers\":{\"\\udc00\":\"v\"}}", QueueRequests.Send.class)
        .contains("lone surrogate"));
    var pair = StrictJson.read("{\"body\":\"\\ud83d\\ude00\"}", QueueRequests.Send.class);
    assertEquals("\uD83D\uDE00", pair.body());
  }

  @Test
  void read_invalidUtf8_isRefused() {
    byte[] invalid = {'{', '"', 'b', 'o', 'd', 'y', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"',
        '}'};
    assertEquals("the body is not valid UTF-8", refusedBytes(invalid, QueueRequests.Send.class));
    // a surrogate encoded in UTF-8 (CESU-8) is not UTF-8 either
    byte[] cesu = {'{', '"', 'b', 'o', 'd', 'y', '"', ':', '"', (byte) 0xED, (byte) 0xA0,
        (byte) 0x80, '"', '}'};
    assertEquals("the body is not valid UTF-8", refusedBytes(cesu, QueueRequests.Send.class));
    // UTF-16 is not detected and accepted either
    byte[] utf16 = "{\"body\":\"x\"}".getBytes(StandardCharsets.UTF_16LE);
    refusedBytes(utf16, QueueRequests.Send.class);
  }

  @Test
  void read_syntaxError_saysWhere() {
    String detail = refused("{\"body\":'x'}", QueueRequests.Send.class);
    assertTrue(detail.startsWith("the body is not valid JSON") && detail.contains("line 1"), detail);
    refused("{\"body\":\"x\",}", QueueRequests.Send.class);
    refused("", QueueRequests.Send.class);
  }

  @Test
  void prettyPrinted_strictJsonOnly() {
    assertEquals("{\n  \"a\": [ 1, null ]\n}", StrictJson.prettyPrinted("{\"a\":[1,null]}").orElseThrow());
    assertTrue(StrictJson.prettyPrinted("{\"a\":1,\"a\":2}").isEmpty());
    assertTrue(StrictJson.prettyPrinted("{\"a\":1} x").isEmpty());
    assertTrue(StrictJson.prettyPrinted("plain text").isEmpty());
  }
}
