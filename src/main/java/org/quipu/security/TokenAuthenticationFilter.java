package org.quipu.security;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;

/**
 * Authenticates every API request by its bearer token against this node's applied state: the
 * session must exist and be unexpired, its user enabled. Methods marked {@link Public} skip it;
 * {@link AdminOnly} methods also need the admin role.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class TokenAuthenticationFilter implements ContainerRequestFilter {

  private static final String BEARER = "Bearer ";

  @Context ResourceInfo resourceInfo;
  @Inject Logins logins;

  @Override
  public void filter(ContainerRequestContext request) {
    var method = resourceInfo.getResourceMethod();
    if (method == null || method.isAnnotationPresent(Public.class)) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw unauthorized("this request needs an 'Authorization: Bearer <token>' header");
    }
    Caller caller = logins.authenticate(header.substring(BEARER.length()).trim()).orElse(null);
    if (caller == null) {
      throw unauthorized("the token is unknown, expired or revoked");
    }
    if (method.isAnnotationPresent(AdminOnly.class) && !caller.isAdmin()) {
      throw new ForbiddenException("only an admin may do this");
    }
    boolean secure = request.getSecurityContext().isSecure();
    request.setSecurityContext(new SecurityContext() {
      @Override
      public Principal getUserPrincipal() {
        return caller;
      }

      @Override
      public boolean isUserInRole(String role) {
        return caller.role().wireName().equals(role);
      }

      @Override
      public boolean isSecure() {
        return secure;
      }

      @Override
      public String getAuthenticationScheme() {
        return "Bearer";
      }
    });
  }

  private static NotAuthorizedException unauthorized(String detail) {
    return new NotAuthorizedException(detail, "Bearer realm=\"quipu\"");
  }
}
