package org.quipu.cluster;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * A node registered in its group's {@code members} znodes: its id and the addresses it published
 * (HTTP for clients, gRPC for its peers; either may be absent, then null).
 */
public record Member(String id, String http, String grpc) {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  /** The member znode's content: a JSON object with {@code id}, and {@code http}, {@code grpc}. */
  public byte[] toZnode() {
    var json = JSON.createObjectBuilder().add("id", id);
    if (http != null) {
      json.add("http", http);
    }
    if (grpc != null) {
      json.add("grpc", grpc);
    }
    return json.build().toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a member znode; a znode that is not such an object (written by something else) gives a
   * member known by its znode name only.
   */
  static Member fromZnode(String znodeName, byte[] data) {
    try (JsonReader reader =
        JSON.createReader(new StringReader(new String(data, StandardCharsets.UTF_8)))) {
      JsonObject json = reader.readObject();
      return new Member(json.getString("id", znodeName), json.getString("http", null),
          json.getString("grpc", null));
    } catch (JsonParsingException | ClassCastException e) {
      return new Member(znodeName, null, null);
    }
  }
}
