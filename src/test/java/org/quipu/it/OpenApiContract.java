package org.quipu.it;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Holds every exchange the integration tests make to the OpenAPI document the node serves
 * ({@code META-INF/openapi.yaml}), using Atlassian's openapi-request-validator.
 *
 * <p>The response must be one the document declares for that operation: a documented status,
 * its content type, a body that matches its schema and the headers it requires. Malformed
 * requests (which the tests send on purpose) are not refused here, but a request the document
 * calls invalid must not succeed: a 2xx answer to it is a mismatch too. A path or method the
 * document does not have may only be answered with 404 or 405.
 *
 * <p>Thread-safe: the validator is immutable once built, and tests call it from many threads.
 */
final class OpenApiContract {

  static final String DOCUMENT = "META-INF/openapi.yaml";

  /** The validator's keys for "this path or method is not in the document". */
  private static final Set<String> NOT_IN_DOCUMENT =
      Set.of("validation.request.path.missing", "validation.request.operation.notAllowed");

  private static final OpenApiContract INSTANCE = new OpenApiContract(read(DOCUMENT));

  private final OpenApiInteractionValidator validator;

  OpenApiContract(String document) {
    this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
  }

  static OpenApiContract instance() {
    return INSTANCE;
  }

  /**
   * Throws an {@link AssertionError} naming every mismatch between this exchange and the
   * document. {@code uri} is the request's, {@code path} the same path as the document spells it
   * (without the context root the deployment may have, e.g. {@code /api/v1/queues/orders}).
   */
  void check(
      String method,
      URI uri,
      String path,
      Map<String, List<String>> requestHeaders,
      String requestBody,
      int status,
      Map<String, List<String>> responseHeaders,
      String responseBody) {
    Request.Method verb;
    try {
      verb = Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return; // a method HTTP/OpenAPI does not know (a test of the server's 405 or 501)
    }
    SimpleResponse.Builder response = new SimpleResponse.Builder(status);
    responseHeaders.forEach(response::withHeader);
    if (responseBody != null && !responseBody.isEmpty()) {
      response.withBody(responseBody);
    }
    ValidationReport report = validator.validateResponse(path, verb, response.build());
    if (report.getMessages().stream().anyMatch(m -> NOT_IN_DOCUMENT.contains(m.getKey()))) {
      if (status == 404 || status == 405) {
        return;
      }
      fail(method, uri, status, responseBody, "not in the document, yet answered " + status,
          report);
    }
    if (report.hasErrors()) {
      fail(method, uri, status, responseBody, "the response does not match the document", report);
    }

    if (status >= 200 && status < 300) {
      ValidationReport requestReport = validator.validateRequest(
          request(verb, path, uri.getRawQuery(), requestHeaders, requestBody));
      if (requestReport.hasErrors()) {
        fail(method, uri, status, responseBody,
            "the document calls this request invalid, yet it succeeded (body " + requestBody + ")",
            requestReport);
      }
    }
  }

  private static SimpleRequest request(
      Request.Method verb,
      String path,
      String query,
      Map<String, List<String>> headers,
      String body) {
    SimpleRequest.Builder request = new SimpleRequest.Builder(verb, path);
    headers.forEach(request::withHeader);
    if (body != null) {
      request.withBody(body);
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        request.withQueryParam(decode(name), decode(value));
      }
    }
    return request.build();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static void fail(
      String method, URI uri, int status, String body, String what, ValidationReport report) {
    String messages =
        report.getMessages().stream()
            .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
            .map(m -> "  - [" + m.getKey() + "] " + m.getMessage())
            .collect(Collectors.joining("\n"));
    throw new AssertionError(
        "OpenAPI contract: " + method + " " + uri + " -> " + status + ": " + what + "\n" + messages
            + "\n  body: " + abbreviate(body));
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 500 ? s : s.substring(0, 500) + "…";
  }

  private static String read(String resource) {
    try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
