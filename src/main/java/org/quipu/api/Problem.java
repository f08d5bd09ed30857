package org.quipu.api;

import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 problem details; every error the API returns goes through here. */
public final class Problem {

  public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

  private Problem() {}

  public static Response.ResponseBuilder of(int status, String title, String detail) {
    String body =
        Json.createObjectBuilder()
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
