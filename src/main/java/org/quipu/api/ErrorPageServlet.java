package org.quipu.api;

import jakarta.json.Json;
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
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
    String detail = status == 404 ? "no resource at this path" : "the request failed: " + title;
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(Json.createObjectBuilder()
        .add("type", "about:blank").add("title", title).add("status", status).add("detail", detail)
        .build().toString());
  }
}
