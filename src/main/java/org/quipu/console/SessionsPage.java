package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.quipu.core.command.CloseSession;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Session;
import org.quipu.security.AdminOnly;

/**
 * Live sessions (admin only), console logins and API tokens alike, and revoking one. A revoked
 * token stops working on every node once the close is applied; revoking the session this page
 * runs in logs the admin out.
 *
 * <p>Sessions past their expiry that the leader has not dropped yet are not listed: they no longer
 * authenticate anyone.
 */
@Path("sessions")
@RequestScoped
public class SessionsPage extends ConsoleResource {

  @GET
  @AdminOnly
  public Response list(@QueryParam("user") String userFilter, @QueryParam("page") String page) {
    long now = System.currentTimeMillis();
    String needle = userFilter == null ? "" : userFilter.strip().toLowerCase(Locale.ROOT);
    var sessions = reads.query(b -> b.sessions()).stream()
        .filter(s -> s.expiresAtMillis() > now)
        .filter(s -> s.username().toLowerCase(Locale.ROOT).contains(needle))
        .sorted(Comparator.comparing(Session::username)
            .thenComparing(Comparator.comparingLong(Session::createdAtMillis).reversed()))
        .toList();
    Paged<Session> shown = Paged.of(sessions, page);
    return page("sessions", Map.of("section", "sessions", "sessions", shown.items(),
        "paged", shown, "filter", needle, "current", caller().sessionId()));
  }

  @GET
  @Path("{id}/revoke")
  @AdminOnly
  public Response confirmRevoke(@PathParam("id") String id) {
    Session session = reads.query(b -> b.sessions().stream()
        .filter(s -> s.id().equals(id)).findFirst())
        .orElseThrow(() -> new ConsoleException(404,
            "That session has already ended: logged out, expired or revoked."));
    boolean own = id.equals(caller().sessionId());
    String consequence = own
        ? "This is the session you are using: you are logged out at once."
        : "The session of " + session.username() + ", opened "
            + Formats.INSTANCE.time(session.createdAtMillis())
            + ", stops working at once on every node, in the API too.";
    return confirm(Confirmation.of(own ? "Revoke your own session?" : "Revoke this session of "
        + session.username() + "?", consequence, own ? "Revoke and log out" : "Revoke",
        "sessions/" + encode(id) + "/revoke", "sessions").inSection("sessions"));
  }

  @POST
  @Path("{id}/revoke")
  @AdminOnly
  public Response revoke(@PathParam("id") String id) {
    Optional<String> owner = reads.query(b -> b.sessions().stream()
        .filter(s -> s.id().equals(id)).map(Session::username).findFirst());
    try {
      commit(new CloseSession(id));
    } catch (BrokerException refused) {
      return redirectWithError("sessions", refused.kind() == BrokerException.Kind.NOT_FOUND
          ? "That session had already ended: logged out, expired or revoked."
          : sentence(refused));
    }
    if (id.equals(caller().sessionId())) {
      return loggedOut("You revoked your own session and are logged out.");
    }
    return redirect("sessions", "Revoked the session of " + owner.orElse("a deleted user")
        + "; their token stopped working at once.");
  }
}
