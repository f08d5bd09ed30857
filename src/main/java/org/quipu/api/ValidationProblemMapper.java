package org.quipu.api;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.stream.Collectors;

/**
 * Bean Validation failures as a 400 problem naming each invalid field. It must be its own mapper:
 * Jersey ships one for {@code ValidationException}, which is closer than {@code Throwable}.
 */
@Provider
public class ValidationProblemMapper implements ExceptionMapper<ConstraintViolationException> {

  @Override
  public Response toResponse(ConstraintViolationException e) {
    String detail =
        e.getConstraintViolations().stream()
            .map(ValidationProblemMapper::describe)
            .sorted()
            .collect(Collectors.joining("; "));
    return Problem.of(400, "Bad Request", detail).build();
  }

  private static String describe(ConstraintViolation<?> violation) {
    // "send.message.body" → "body"; "create.name" → "name"
    String path = violation.getPropertyPath().toString();
    int dot = path.lastIndexOf('.');
    String field = dot >= 0 ? path.substring(dot + 1) : path;
    if (field.startsWith("arg") || field.isEmpty()) {
      field = "body";
    }
    return field + " " + violation.getMessage();
  }
}
