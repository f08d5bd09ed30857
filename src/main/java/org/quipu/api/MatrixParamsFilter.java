package org.quipu.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * A path segment with {@code ;} parameters is a 400. JAX-RS would strip them as matrix
 * parameters, so {@code PUT /queues/a;b} created queue {@code a}: a name the client did not
 * send. No API path has matrix parameters, and {@code ;} is not allowed in any name; a name with
 * an encoded {@code %3B} still reaches the resource and fails its pattern there.
 */
@Provider
@PreMatching
public class MatrixParamsFilter implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getUriInfo().getRequestUri().getRawPath().indexOf(';') >= 0) {
      throw ApiException.badRequest(
          "the path holds ';': path segments take no parameters, and names cannot contain ';'");
    }
  }
}
