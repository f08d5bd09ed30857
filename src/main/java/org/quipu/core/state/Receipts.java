package org.quipu.core.state;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Receipts name one delivery of one message: {@code id:receiveCount:nonce}, base64url-encoded. A
 * receipt stays current until the message is delivered again, so an older one is stale.
 */
final class Receipts {

  private Receipts() {}

  static String issue(String messageId, int receiveCount, String nonce) {
    String raw = messageId + ":" + receiveCount + ":" + nonce;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The message id a receipt names, or null if it is not a receipt this broker issued. */
  static String messageId(String receipt) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(receipt), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      return colon > 0 ? raw.substring(0, colon) : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
