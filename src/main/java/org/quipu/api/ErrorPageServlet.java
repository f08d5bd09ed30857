package org.quipu.api;

import jakarta.json.spi.JsonProvider;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The container's error page for everything outside JAX-RS (an unknown path, a servlet failure):
 * a problem+json with the status, never the server's HTML page or a stack trace. Mapped for every
 * status in {@code web.xml}.
 */
@WebServlet("/error")
public class ErrorPageServlet extends HttpServlet {

  /** {@code Json.createX} would look the provider up through a ServiceLoader on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 500;
    String title = switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 431 -> "Request Header Fields Too Large";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
    String detail = status == 404 ? "no resource at this path" : "the request failed: " + title;
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri instanceof String path && path.startsWith(request.getContextPath() + "/console")) {
      consolePage(request, response, status, title);
      return;
    }
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(JSON.createObjectBuilder()
        .add("type", "about:blank").add("title", title).add("status", status).add("detail", detail)
        .build().toString());
  }

  /**
   * The console's requests that the container refuses before the console sees them (a malformed
   * URL) get a small HTML page rather than JSON, with the console's stylesheet and a way back.
   */
  private static void consolePage(HttpServletRequest request, HttpServletResponse response,
      int status, String title) throws IOException {
    String context = request.getContextPath();
    response.setStatus(status);
    response.setContentType("text/html");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    String message = status == 404 ? "There is no console page at this address."
        : status == 400 ? "The console cannot read this address." : "The request failed.";
    response.getWriter().write("<!DOCTYPE html><html lang=\"en\" data-theme=\"auto\"><head>"
        + "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + title + " · Quipu</title><link rel=\"stylesheet\" href=\"" + context
        + "/assets/console.css\"></head><body><main id=\"main\" class=\"narrow\"><h1>" + title
        + "</h1><p class=\"problem\" role=\"alert\" id=\"problem\">" + message + "</p>"
        + "<p class=\"muted\">HTTP status " + status + "</p><p><a href=\"" + context
        + "/console/\">Back to the console</a></p></main></body></html>");
  }
}
