package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quipu.api.UserRequests;
import org.quipu.core.command.DeleteUser;
import org.quipu.core.command.RegisterUser;
import org.quipu.core.command.UpdateUser;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Role;
import org.quipu.core.state.Session;
import org.quipu.core.state.User;
import org.quipu.security.AdminOnly;
import org.quipu.security.PasswordHasher;

/**
 * Users (admin only): the list with each user's live sessions, creating a user with a role,
 * changing a role or a password, disabling and enabling, and deleting after a confirmation.
 *
 * <p>The state machine guards the rules (an admin cannot disable, demote or delete themselves) and
 * closes a user's sessions when they are disabled, deleted or given a new password; this page only
 * validates the form as the REST API does and says what happened. Changing one's own password
 * closes the session this page runs in, so that action ends on the login page.
 */
@Path("users")
@RequestScoped
public class UsersPage extends ConsoleResource {

  private static final String ROLES = "admin|user";

  @Inject PasswordHasher passwords;

  /** One line of the list; {@code self} is the admin looking at it. */
  public record Row(String username, String role, boolean disabled, long createdAt,
      int sessions, boolean self) {}

  @GET
  @AdminOnly
  public Response list(@QueryParam("filter") String filter, @QueryParam("page") String page) {
    return page("users", model(Map.of("username", "", "role", "user"), FieldErrors.none(), filter, page));
  }

  @POST
  @AdminOnly
  public Response create(@FormParam("username") String username,
      @FormParam("password") String password, @FormParam("role") String role) {
    String name = username == null ? "" : username.strip();
    String wireRole = role == null ? "" : role;
    Map<String, String> values = Map.of("username", name, "role", wireRole);
    FieldErrors errors = FieldErrors.none();
    // The API's own request type, so the console accepts exactly what POST /users accepts.
    validate(new UserRequests.Register(name, password == null ? "" : password), errors);
    if (!wireRole.matches(ROLES)) {
      errors.add("role", "Role must be admin or user.");
    }
    if (!errors.isEmpty()) {
      return page(400, "users", model(values, errors, null, null));
    }
    try {
      commit(new RegisterUser(name, passwords.hash(password), Role.fromWire(wireRole)));
    } catch (BrokerException refused) {
      errors.add("username", sentence(refused)); // a taken or reserved name
      return page(status(refused), "users", model(values, errors, null, null));
    }
    return redirect(showing(name), "Created " + wireRole + " " + name + ".");
  }

  /** The users page: one page of users whose name contains {@code filter}, and the create form. */
  private Map<String, Object> model(Map<String, String> values, FieldErrors errors,
      String filter, String page) {
    long now = System.currentTimeMillis();
    String needle = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
    List<Row> rows = reads.query(b -> {
      Map<String, Integer> live = new HashMap<>();
      for (Session s : b.sessions()) {
        if (s.expiresAtMillis() > now) {
          live.merge(s.username(), 1, Integer::sum);
        }
      }
      return b.users().stream()
          .filter(u -> u.username().toLowerCase(Locale.ROOT).contains(needle))
          .sorted(Comparator.comparing(User::username))
          .map(u -> new Row(u.username(), u.role().wireName(), u.disabled(), u.createdAtMillis(),
              live.getOrDefault(u.username(), 0), u.username().equals(user())))
          .toList();
    });
    Map<String, Object> model = new HashMap<>();
    model.put("section", "users");
    Paged<Row> shown = Paged.of(rows, page);
    model.put("rows", shown.items());
    model.put("paged", shown);
    model.put("filter", needle);
    model.put("values", values);
    model.put("errors", errors);
    model.put("passwordFor", null);
    model.put("passwordErrors", FieldErrors.none());
    return model;
  }

  @GET
  @Path("{name}/role")
  @AdminOnly
  public Response confirmRole(@PathParam("name") String name, @QueryParam("role") String role) {
    User u = existing(name);
    boolean admin = "admin".equals(role);
    String consequence = admin
        ? name + " becomes an admin: they may manage every user, every session and every queue,"
            + " private ones included."
        : name + " becomes a user: they keep their own queues and topics but no longer manage"
            + " users, sessions or other users' queues.";
    return confirm(Confirmation.of(admin ? "Make " + name + " an admin?" : "Make " + name + " a user?",
        consequence, admin ? "Make admin" : "Make user", "users/" + encode(u.username()) + "/role",
        showing(name)).with("role", admin ? "admin" : "user").inSection("users"));
  }

  @GET
  @Path("{name}/disable")
  @AdminOnly
  public Response confirmDisable(@PathParam("name") String name) {
    User u = existing(name);
    long now = System.currentTimeMillis();
    long sessions = reads.query(b -> b.sessions().stream()
        .filter(s -> s.username().equals(name) && s.expiresAtMillis() > now).count());
    return confirm(Confirmation.of("Disable " + name + "?", name + " can no longer log in"
        + (sessions == 0 ? "; they have no live session." : ", and their " + sessions
            + (sessions == 1 ? " live session is" : " live sessions are") + " revoked at once.")
        + " Their queues and topics stay; enabling them again lets them log in.",
        "Disable", "users/" + encode(u.username()) + "/disable", showing(name)).inSection("users"));
  }

  private User existing(String name) {
    return reads.query(b -> b.user(name))
        .orElseThrow(() -> new ConsoleException(404, "User " + name + " does not exist."));
  }

  @POST
  @Path("{name}/role")
  @AdminOnly
  public Response changeRole(@PathParam("name") String name, @FormParam("role") String role) {
    if (role == null || !role.matches(ROLES)) {
      return redirectWithError("users", "Role must be admin or user.");
    }
    return update(new UpdateUser(name, user(), Role.fromWire(role), null, null),
        "Made " + name + " " + (role.equals("admin") ? "an admin." : "a user."));
  }

  @POST
  @Path("{name}/disable")
  @AdminOnly
  public Response disable(@PathParam("name") String name) {
    return update(new UpdateUser(name, user(), null, true, null),
        "Disabled " + name + "; their sessions were revoked.");
  }

  @POST
  @Path("{name}/enable")
  @AdminOnly
  public Response enable(@PathParam("name") String name) {
    return update(new UpdateUser(name, user(), null, false, null),
        "Enabled " + name + "; they can log in again.");
  }

  @POST
  @Path("{name}/password")
  @AdminOnly
  public Response changePassword(@PathParam("name") String name,
      @FormParam("password") String password) {
    String text = password == null ? "" : password;
    FieldErrors errors = FieldErrors.none();
    validate(new UserRequests.Update(null, null, text), errors);
    if (!errors.isEmpty()) {
      // The list again, showing that user with the password form open and its message beside it.
      Map<String, Object> model = model(Map.of("username", "", "role", "user"), FieldErrors.none(),
          name, null);
      model.put("passwordFor", name);
      model.put("passwordErrors", errors);
      return page(400, "users", model);
    }
    String hash = passwords.hash(text);
    if (name.equals(user())) {
      // The state machine closes every session of the user, this one included.
      commit(new UpdateUser(name, user(), null, null, hash));
      return loggedOut(
          "Changed your password and ended all your sessions. Log in with the new one.");
    }
    return update(new UpdateUser(name, user(), null, null, hash),
        "Changed the password of " + name + "; their sessions were revoked.");
  }

  /**
   * Commits a change from the list; a refusal (say, demoting oneself) comes back as an error. The
   * list then shows the user changed, whichever page they were on.
   */
  private Response update(UpdateUser command, String notice) {
    try {
      commit(command);
    } catch (BrokerException refused) {
      return redirectWithError(showing(command.username()), sentence(refused));
    }
    return redirect(showing(command.username()), notice);
  }

  /** The users list filtered to one name. */
  private static String showing(String username) {
    return "users?filter=" + encode(username);
  }

  @GET
  @Path("{name}/delete")
  @AdminOnly
  public Response confirmDelete(@PathParam("name") String name) {
    long now = System.currentTimeMillis();
    Map<String, Object> model = reads.query(b -> {
      User u = b.user(name)
          .orElseThrow(() -> BrokerException.notFound("user '" + name + "' does not exist"));
      Map<String, Object> m = new HashMap<>();
      m.put("section", "users");
      m.put("target", u.username());
      m.put("role", u.role().wireName());
      m.put("self", u.username().equals(user()));
      m.put("sessions", b.sessions().stream()
          .filter(s -> s.username().equals(name) && s.expiresAtMillis() > now).count());
      m.put("owned", b.holdings(name));
      return m;
    });
    return page("confirm-user", model);
  }

  @POST
  @Path("{name}/delete")
  @AdminOnly
  public Response delete(@PathParam("name") String name) {
    try {
      commit(new DeleteUser(name, user()));
    } catch (BrokerException refused) {
      return redirectWithError("users", sentence(refused));
    }
    return redirect("users", "Deleted " + name + "; their sessions were revoked.");
  }
}
