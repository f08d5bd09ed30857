package org.quipu.api;

/** A request refused by the API layer itself (bad input, too large), with its HTTP status. */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String title;
  private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

  public ApiException(int status, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "Bad Request", detail);
  }

  public static ApiException tooLarge(String detail) {
    return new ApiException(413, "Content Too Large", detail);
  }

  /** 503 with {@code Retry-After: 1}: this node cannot answer right now, another try may. */
  public static ApiException unavailable(String detail) {
    return new ApiException(503, "Service Unavailable", detail).withHeader("Retry-After", "1");
  }

  /** Adds a response header (a challenge on 401, Retry-After on 429). */
  public ApiException withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public java.util.Map<String, String> headers() {
    return headers;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
