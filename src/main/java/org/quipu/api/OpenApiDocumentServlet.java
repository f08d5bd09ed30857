package org.quipu.api;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves the hand-written OpenAPI document ({@code META-INF/openapi.yaml}) at {@code /openapi},
 * as YAML or JSON by {@code Accept} (or MicroProfile's {@code ?format=JSON|YAML}), byte for byte
 * what the file says.
 *
 * <p>Why not Payara's own endpoint: it serves YAML as {@code text/plain}, answers {@code Accept:
 * application/yaml} with 406, echoes the {@code Accept} header's spelling as the content type and
 * adds a non-standard top-level {@code endpoints} key that fails OpenAPI validators. Payara adds
 * its endpoint to the root context as {@code /openapi/*} unless that context already maps the
 * path; this servlet maps it first, so it answers on every node whatever the context root.
 *
 * <p>The document is read and converted once, at start-up; requests only copy bytes.
 */
@WebServlet(urlPatterns = {"/openapi", "/openapi/*"}, loadOnStartup = 1)
public class OpenApiDocumentServlet extends HttpServlet {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  static final String DOCUMENT = "META-INF/openapi.yaml";

  private byte[] yaml;
  private byte[] json;

  @Override
  public void init() throws ServletException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(DOCUMENT)) {
      if (in == null) {
        throw new ServletException(DOCUMENT + " is missing from the WAR");
      }
      yaml = in.readAllBytes();
    } catch (IOException e) {
      throw new ServletException("cannot read " + DOCUMENT, e);
    }
    json = OpenApiFormats.yamlToJson(new String(yaml, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String rest = request.getPathInfo();
    if (rest != null && !rest.equals("/")) {
      problem(response, 404, "Not Found", "no resource at this path");
      return;
    }
    response.setHeader("Vary", "Accept");
    String type =
        OpenApiFormats.choose(request.getParameter("format"), request.getHeader("Accept"));
    if (type == null) {
      problem(response, 406, "Not Acceptable", "the OpenAPI document is served as "
          + String.join(", ", OpenApiFormats.OFFERED) + " (or ?format=JSON|YAML)");
      return;
    }
    byte[] body = OpenApiFormats.isJson(type) ? json : yaml;
    response.setStatus(200);
    response.setContentType(type + ";charset=UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void problem(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json;charset=UTF-8");
    response.getOutputStream().write(JSON.createObjectBuilder()
        .add("type", "about:blank").add("title", title).add("status", status).add("detail", detail)
        .build().toString().getBytes(StandardCharsets.UTF_8));
  }
}
