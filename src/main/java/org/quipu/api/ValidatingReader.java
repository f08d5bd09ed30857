package org.quipu.api;

import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.Set;

/**
 * Validates every request body right after it is read: a JSON {@code null} is a 400, and a record
 * that breaks its Bean Validation constraints is a {@link ConstraintViolationException} (400).
 *
 * <p>Why not {@code @Valid} on the resource parameters: Payara 6.2025.10's OpenAPI generator
 * crashes on Bean Validation annotations on any parameter that is not a {@code @PathParam}
 * (payara/Payara#7649), which made {@code /openapi} answer 500. The constraints stay on the records.
 */
@Provider
public class ValidatingReader implements ReaderInterceptor {

  @Inject Validator validator;

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    Object body = context.proceed();
    if (body == null) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    Set<ConstraintViolation<Object>> violations = validator.validate(body);
    if (!violations.isEmpty()) {
      throw new ConstraintViolationException(violations);
    }
    return body;
  }
}
