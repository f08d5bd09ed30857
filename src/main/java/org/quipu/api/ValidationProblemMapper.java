package org.quipu.api;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.stream.Collectors;

/**
 * Bean Validation failures as a 400 problem naming each invalid field the way a client writes it
 * ({@code messages[1].body}, {@code headers: a header name}), never Bean Validation's own path
 * syntax ({@code headers<K>[].<map key>}). It must be its own mapper: Jersey ships one for
 * {@code ValidationException}, which is closer than {@code Throwable}.
 */
@Provider
public class ValidationProblemMapper implements ExceptionMapper<ConstraintViolationException> {

  @Override
  public Response toResponse(ConstraintViolationException e) {
    String detail =
        e.getConstraintViolations().stream()
            .map(ValidationProblemMapper::describe)
            .sorted()
            .distinct() // @Min and @Max of one range say the same
            .collect(Collectors.joining("; "));
    return Problem.of(400, "Bad Request", detail).build();
  }

  static String describe(ConstraintViolation<?> violation) {
    return field(violation.getPropertyPath()) + " " + violation.getMessage();
  }

  /**
   * The JSON path of the invalid value: members joined by dots, array positions in brackets, and
   * a map's key or value said in words (the only maps in requests are message headers).
   */
  static String field(Path path) {
    StringBuilder out = new StringBuilder();
    for (Path.Node node : path) {
      ElementKind kind = node.getKind();
      if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR
          || kind == ElementKind.RETURN_VALUE || kind == ElementKind.CROSS_PARAMETER) {
        continue; // the resource method, not the request
      }
      String name = node.getName();
      if (node.isInIterable() && node.getIndex() != null) {
        out.append('[').append(node.getIndex()).append(']');
      }
      if ("<map key>".equals(name)) {
        return out + ": a " + singular(out) + " name";
      }
      if ("<map value>".equals(name)) {
        return out + ": the value of " + singular(out) + " '" + node.getKey() + "'";
      }
      if (name == null || name.isEmpty() || name.startsWith("<")) {
        continue; // a list element: its index is already there
      }
      if (kind == ElementKind.PARAMETER && name.matches("arg[0-9]+")) {
        name = "body"; // compiled without -parameters
      }
      out.append(out.length() == 0 ? "" : ".").append(name);
    }
    return out.length() == 0 ? "body" : out.toString();
  }

  private static String singular(CharSequence field) {
    String last = field.toString().replaceAll(".*[.\\]]", "");
    return last.equals("headers") ? "header" : "key in " + last;
  }
}
