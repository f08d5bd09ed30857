package org.quipu.api;

import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 problem details; every error the API returns goes through here. */
public final class Problem {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

  /**
   * For {@code @Produces} on the operations without a success body (204): generated clients send
   * {@code Accept: application/problem+json} there, and must get the 204 or the problem, not 406.
   */
  public static final String PROBLEM_JSON_TYPE = "application/problem+json";

  private Problem() {}

  public static Response.ResponseBuilder of(int status, String title, String detail) {
    String body =
        JSON.createObjectBuilder()
            .add("type", "about:blank")
            .add("title", title)
            .add("status", status)
            .add("detail", detail)
            .build()
            .toString();
    // The title doubles as the reason phrase: Grizzly knows none for 429 and would say "CUSTOM".
    return Response.status(status, title).type(PROBLEM_JSON).entity(body);
  }
}
