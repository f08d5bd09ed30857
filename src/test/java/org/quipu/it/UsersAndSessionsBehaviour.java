package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Registration, login, who-am-I, logout, the admin's user and session lists, session revocation
 * and user administration (disable, password, role, delete); and that every protected endpoint
 * answers 401 without a valid token.
 */
abstract class UsersAndSessionsBehaviour {

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private Api anonymous() {
    return new Api(url());
  }

  private static JsonObject credentials(String username, String password) {
    return Json.createObjectBuilder().add("username", username).add("password", password).build();
  }

  /** A fresh name and password registered as a user; returns {name, password}. */
  private String[] registered(String prefix) {
    String name = Api.unique(prefix);
    String password = "pw-" + name;
    anonymous().post("users", credentials(name, password)).expect(201);
    return new String[] {name, password};
  }

  /** The body must carry neither the password nor any hash, nor a member that could hold one. */
  private static void assertNoSecrets(Api.Reply reply, String... secrets) {
    String body = reply.body();
    String lower = body.toLowerCase(Locale.ROOT);
    assertFalse(lower.contains("password"), "a response names a password: " + body);
    assertFalse(lower.contains("hash"), "a response names a hash: " + body);
    assertFalse(lower.contains("pbkdf2"), "a response carries a password hash: " + body);
    for (String secret : secrets) {
      assertFalse(body.contains(secret), "a response carries a secret: " + body);
    }
  }

  private static boolean isAbsentOrNull(JsonObject o, String member) {
    return !o.containsKey(member) || o.isNull(member);
  }

  private static void assertRecent(String rfc3339) {
    Instant t = Instant.parse(rfc3339);
    Instant now = Instant.now();
    assertTrue(t.isAfter(now.minus(Duration.ofMinutes(5))) && t.isBefore(now.plusSeconds(60)),
        "not a current time: " + rfc3339);
  }

  private static void assertUnauthorized(Api.Reply reply) {
    reply.problem(401);
    String challenge = reply.header("WWW-Authenticate");
    assertNotNull(challenge, "401 without WWW-Authenticate");
    assertTrue(challenge.startsWith("Bearer"), "challenge is not Bearer: " + challenge);
    reply.appliedSeq();
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  // ---- register -----------------------------------------------------------------------------

  @Test
  void register_newName_answers201WithUserRoleAndNoSecret() {
    String name = Api.unique("reg");
    String password = "secret-" + name;
    Api.Reply reply = anonymous().post("users", credentials(name, password)).expect(201);

    JsonObject user = reply.object();
    assertEquals(name, user.getString("username"));
    assertEquals("user", user.getString("role"));
    assertRecent(user.getString("createdAt"));
    assertNoSecrets(reply, password);
    reply.appliedSeq();
  }

  @Test
  void register_jsonWithCharsetParameter_isAccepted() {
    String name = Api.unique("charset");
    anonymous().send("POST", "users", credentials(name, "long-enough").toString(),
        "application/json; charset=UTF-8").expect(201);
  }

  @Test
  void register_takenName_answers409AndKeepsTheFirstPassword() {
    String[] user = registered("taken");
    anonymous().post("users", credentials(user[0], "another-password")).problem(409);
    anonymous().post("users", credentials("admin", "another-password")).problem(409);

    anonymous().login(user[0], user[1]);
    anonymous().post("sessions", credentials(user[0], "another-password")).problem(401);
  }

  @Test
  void register_roleInBody_isIgnored_registrationAlwaysMakesAUser() {
    String name = Api.unique("role");
    JsonObject body = Json.createObjectBuilder().add("username", name)
        .add("password", "password-" + name).add("role", "admin").build();
    Api.Reply reply = anonymous().post("users", body);
    if (reply.status() == 400) {
      reply.problem(400); // refusing the unknown member is as good as ignoring it
      return;
    }
    assertEquals("user", reply.expect(201).object().getString("role"));
    Api api = anonymous().login(name, "password-" + name);
    api.get("users").problem(403);
  }

  @Test
  void register_passwordOfSevenCharacters_answers400AndCreatesNoUser() {
    String name = Api.unique("short");
    anonymous().post("users", credentials(name, "1234567")).problem(400);
    anonymous().post("sessions", credentials(name, "1234567")).problem(401);
    anonymous().post("users", credentials(name, "12345678")).expect(201);
  }

  @Test
  void register_badNames_answer400() {
    List<String> bad = List.of("-leading-dash", ".leading-dot", "_leading-underscore", "has space",
        "slash/inside", "colon:inside", "caf\u00e9", "", "x".repeat(129));
    List<Executable> checks = new ArrayList<>();
    for (String name : bad) {
      checks.add(() -> {
        anonymous().post("users", credentials(name, "long-enough-password")).problem(400);
        anonymous().post("sessions", credentials(name, "long-enough-password")).problem(401);
      });
    }
    assertAll(checks);
  }

  @Test
  void register_nameOf128Characters_isAccepted() {
    String name = (Api.unique("long") + "-").concat("x".repeat(128)).substring(0, 128);
    assertEquals(name, anonymous().post("users", credentials(name, "long-enough-password"))
        .expect(201).object().getString("username"));
  }

  @Test
  void register_missingFieldsOrBrokenJson_answer400() {
    String name = Api.unique("missing");
    Api api = anonymous();
    assertAll(
        () -> api.post("users", Json.createObjectBuilder().add("username", name).build()).problem(400),
        () -> api.post("users", Json.createObjectBuilder().add("password", "long-enough").build())
            .problem(400),
        () -> api.post("users", JsonValue.EMPTY_JSON_OBJECT).problem(400),
        () -> api.post("users", null).problem(400),
        () -> api.send("POST", "users", "{\"username\": \"" + name + "\", \"password\":", "application/json")
            .problem(400),
        () -> api.send("POST", "users", "[1, 2]", "application/json").problem(400),
        () -> api.send("POST", "users", "{\"username\": \"" + name + "\", \"password\": 12}",
            "application/json").problem(400));
    // None of them registered the name.
    api.post("users", credentials(name, "long-enough")).expect(201);
  }

  @Test
  void register_textPlainBody_answers415() {
    String name = Api.unique("plain");
    String json = credentials(name, "long-enough").toString();
    anonymous().send("POST", "users", json, "text/plain").problem(415);
    anonymous().post("users", credentials(name, "long-enough")).expect(201);
  }

  // ---- login --------------------------------------------------------------------------------

  @Test
  void login_rightPassword_answers201WithTokenExpiryNameAndRole() {
    String[] user = registered("login");
    Api.Reply reply = anonymous().post("sessions", credentials(user[0], user[1])).expect(201);

    JsonObject session = reply.object();
    assertFalse(session.getString("token").isBlank());
    assertTrue(Instant.parse(session.getString("expiresAt")).isAfter(Instant.now()));
    assertEquals(user[0], session.getString("username"));
    assertEquals("user", session.getString("role"));
    assertNoSecrets(reply, user[1]);
    reply.appliedSeq();
  }

  @Test
  void login_eachLogin_getsItsOwnWorkingToken() {
    String[] user = registered("twice");
    Api first = anonymous().login(user[0], user[1]);
    Api second = anonymous().login(user[0], user[1]);
    assertFalse(first.token().equals(second.token()));
    assertEquals(user[0], first.username());
    assertEquals(user[0], second.username());
  }

  @Test
  void login_admin_hasTheAdminRole() {
    JsonObject session = anonymous().post("sessions", credentials("admin", Api.ADMIN_PASSWORD))
        .expect(201).object();
    assertEquals("admin", session.getString("role"));
    JsonObject me = anonymous().as(session.getString("token")).get("users/me").expect(200).object();
    assertEquals("admin", me.getString("role"));
  }

  @Test
  void login_wrongPasswordAndUnknownUser_answerTheSame401() {
    String[] user = registered("badpw");
    JsonObject wrongPassword =
        anonymous().post("sessions", credentials(user[0], user[1] + "x")).problem(401);
    JsonObject unknownUser =
        anonymous().post("sessions", credentials(Api.unique("nobody"), user[1])).problem(401);

    assertEquals(wrongPassword, unknownUser);
    assertNotNull(anonymous().post("sessions", credentials(user[0], "wrong-password"))
        .header("WWW-Authenticate"), "a 401 must carry a challenge");
  }

  @Test
  void login_malformedRequests_answer400Or415() {
    String[] user = registered("badlogin");
    Api api = anonymous();
    assertAll(
        () -> api.post("sessions", Json.createObjectBuilder().add("username", user[0]).build())
            .problem(400),
        () -> api.post("sessions", null).problem(400),
        () -> api.send("POST", "sessions", "{\"username\":", "application/json").problem(400),
        () -> api.send("POST", "sessions", credentials(user[0], user[1]).toString(), "text/plain")
            .problem(415));
  }

  // ---- who am I, logout ---------------------------------------------------------------------

  @Test
  void me_answersTheCallersUserWithoutSecrets() {
    String[] user = registered("me");
    Api api = anonymous().login(user[0], user[1]);
    Api.Reply reply = api.get("users/me").expect(200);

    JsonObject me = reply.object();
    assertEquals(user[0], me.getString("username"));
    assertEquals("user", me.getString("role"));
    assertRecent(me.getString("createdAt"));
    assertNoSecrets(reply, user[1], api.token());
    reply.appliedSeq();
  }

  @Test
  void logout_answers204_thenTheTokenIs401Everywhere() {
    Api api = anonymous().newUser("logout");
    String q = Api.unique("q");
    api.put("queues/" + q, null).expect(201);

    Api.Reply reply = api.delete("sessions/current").expect(204);
    reply.appliedSeq();

    assertAll(
        () -> assertUnauthorized(api.get("users/me")),
        () -> assertUnauthorized(api.get("queues")),
        () -> assertUnauthorized(api.get("queues/" + q)),
        () -> assertUnauthorized(api.post("queues/" + q + "/messages",
            Json.createObjectBuilder().add("body", "after logout").build())),
        () -> assertUnauthorized(api.delete("sessions/current")));
    // The refused send stored nothing.
    assertEquals(0, anonymous().admin().get("queues/" + q).expect(200).object().getInt("depth"));
  }

  @Test
  void logout_leavesTheUsersOtherSessionsWorking() {
    String[] user = registered("other");
    Api first = anonymous().login(user[0], user[1]);
    Api second = anonymous().login(user[0], user[1]);
    first.delete("sessions/current").expect(204);
    assertUnauthorized(first.get("users/me"));
    assertEquals(user[0], second.username());
  }

  // ---- admin: users and sessions ------------------------------------------------------------

  @Test
  void listUsers_asAdmin_answersAPageWithTheUserAndNoSecrets() {
    String[] user = registered("listed");
    Api.Reply reply = anonymous().admin().get("users").expect(200);

    JsonObject page = reply.object();
    assertTrue(page.containsKey("nextCursor"), "a list without nextCursor: " + reply.body());
    List<JsonObject> mine = page.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(u -> u.getString("username").equals(user[0])).toList();
    assertEquals(1, mine.size(), reply.body());
    assertEquals("user", mine.get(0).getString("role"));
    assertNoSecrets(reply, user[1], Api.ADMIN_PASSWORD);
  }

  @Test
  void listSessions_asAdmin_showsTheUsersSessionWithoutTokenOrHash() throws Exception {
    String[] user = registered("sessions");
    Api api = anonymous().login(user[0], user[1]);
    Api admin = anonymous().admin();
    Api.Reply reply = admin.get("sessions").expect(200);
    List<JsonObject> mine = List.of();
    while (true) { // other tests' sessions come first on some pages: find the page that holds it
      JsonObject page = reply.object();
      assertTrue(page.containsKey("nextCursor"), "a list without nextCursor: " + reply.body());
      mine = page.getJsonArray("items").getValuesAs(JsonObject.class).stream()
          .filter(s -> s.getString("username").equals(user[0])).toList();
      if (!mine.isEmpty() || page.isNull("nextCursor")) {
        break;
      }
      reply = admin.get("sessions?cursor=" + page.getString("nextCursor")).expect(200);
    }
    assertEquals(1, mine.size(), reply.body());
    assertFalse(mine.get(0).getString("id").isBlank());
    assertTrue(Instant.parse(mine.get(0).getString("expiresAt")).isAfter(Instant.now()));
    assertNoSecrets(reply, user[1], api.token(), sha256Hex(api.token()));
  }

  @Test
  void adminEndpoints_asNormalUser_answer403AndRevokeNothing() {
    String[] victim = registered("victim");
    Api victimApi = anonymous().login(victim[0], victim[1]);
    Api admin = anonymous().admin();
    String victimSession = sessionIdOf(admin, victim[0]);
    Api user = anonymous().newUser("nosy");

    assertAll(
        () -> user.get("users").problem(403),
        () -> user.get("sessions").problem(403),
        () -> user.delete("sessions/" + victimSession).problem(403),
        () -> user.delete("sessions/" + Api.unique("no-such-session")).problem(403));
    assertEquals(victim[0], victimApi.username());
  }

  @Test
  void revokeSession_asAdmin_makesThatUsersToken401() {
    String[] user = registered("revoked");
    Api api = anonymous().login(user[0], user[1]);
    Api admin = anonymous().admin();
    String session = sessionIdOf(admin, user[0]);

    admin.delete("sessions/" + session).expect(204).appliedSeq();

    assertUnauthorized(api.get("users/me"));
    assertUnauthorized(api.get("queues"));
    assertTrue(admin.items("sessions").stream().noneMatch(s -> s.getString("id").equals(session)));
    admin.delete("sessions/" + session).problem(404);
    // The user can still log in again.
    assertEquals(user[0], anonymous().login(user[0], user[1]).username());
  }

  @Test
  void revokeSession_unknownId_answers404() {
    anonymous().admin().delete("sessions/" + Api.unique("no-such-session")).problem(404);
  }

  // ---- admin: changing and deleting users ---------------------------------------------------

  @Test
  void disableUser_closesTheirSessions_loginAnswers403_untilEnabledAgain() {
    String[] user = registered("disabled");
    Api api = anonymous().login(user[0], user[1]);
    Api admin = anonymous().admin();

    Api.Reply reply = admin.patch("users/" + user[0], Json.createObjectBuilder()
        .add("disabled", true).build()).expect(200);
    assertTrue(reply.object().getBoolean("disabled"));
    assertEquals("user", reply.object().getString("role"));
    assertNoSecrets(reply, user[1]);

    assertUnauthorized(api.get("users/me"));
    anonymous().post("sessions", credentials(user[0], user[1])).problem(403);

    admin.patch("users/" + user[0], Json.createObjectBuilder().add("disabled", false).build())
        .expect(200);
    assertEquals(user[0], anonymous().login(user[0], user[1]).username());
  }

  @Test
  void changePassword_closesTheirSessions_onlyTheNewPasswordLogsIn() {
    String[] user = registered("newpw");
    Api api = anonymous().login(user[0], user[1]);
    String newPassword = "changed-" + user[1];

    Api.Reply reply = anonymous().admin().patch("users/" + user[0],
        Json.createObjectBuilder().add("password", newPassword).build()).expect(200);
    assertNoSecrets(reply, user[1], newPassword);

    assertUnauthorized(api.get("users/me"));
    anonymous().post("sessions", credentials(user[0], user[1])).problem(401);
    assertEquals(user[0], anonymous().login(user[0], newPassword).username());
  }

  @Test
  void changeRole_promotesAndDemotes_effectiveOnTheExistingToken() {
    String[] user = registered("promoted");
    Api api = anonymous().login(user[0], user[1]);
    Api admin = anonymous().admin();

    admin.patch("users/" + user[0], Json.createObjectBuilder().add("role", "admin").build())
        .expect(200);
    assertEquals("admin", api.get("users/me").expect(200).object().getString("role"));
    api.get("users").expect(200);

    admin.patch("users/" + user[0], Json.createObjectBuilder().add("role", "user").build())
        .expect(200);
    api.get("users").problem(403);
  }

  @Test
  void patchUser_invalidOrUnknown_answers4xxAndChangesNothing() {
    String[] user = registered("patchbad");
    Api api = anonymous().login(user[0], user[1]);
    Api admin = anonymous().admin();
    String path = "users/" + user[0];

    assertAll(
        () -> admin.patch(path, Json.createObjectBuilder().add("role", "root").build()).problem(400),
        () -> admin.patch(path, Json.createObjectBuilder().add("password", "short").build())
            .problem(400),
        () -> admin.send("PATCH", path, "{\"disabled\":", "application/json").problem(400),
        () -> admin.send("PATCH", path, "{\"disabled\": true}", "text/plain").problem(415),
        () -> admin.patch("users/" + Api.unique("nobody"),
            Json.createObjectBuilder().add("disabled", true).build()).problem(404));

    JsonObject me = api.get("users/me").expect(200).object();
    assertEquals("user", me.getString("role"));
    assertFalse(me.getBoolean("disabled"));
    anonymous().login(user[0], user[1]);
  }

  @Test
  void deleteUser_asAdmin_closesTheirSessions_andTheyCannotLogIn() {
    String[] user = registered("deleted");
    Api api = anonymous().login(user[0], user[1]);
    Api admin = anonymous().admin();

    admin.delete("users/" + user[0]).expect(204).appliedSeq();

    assertUnauthorized(api.get("users/me"));
    anonymous().post("sessions", credentials(user[0], user[1])).problem(401);
    assertTrue(admin.get("users").expect(200).object().getJsonArray("items")
        .getValuesAs(JsonObject.class).stream().noneMatch(u -> u.getString("username").equals(user[0])));
    admin.delete("users/" + user[0]).problem(404);
  }

  @Test
  void userAdministration_asNormalUser_answers403AndChangesNothing() {
    String[] victim = registered("target");
    Api victimApi = anonymous().login(victim[0], victim[1]);
    Api user = anonymous().newUser("meddler");

    assertAll(
        () -> user.patch("users/" + victim[0], Json.createObjectBuilder().add("disabled", true).build())
            .problem(403),
        () -> user.patch("users/" + user.username(), Json.createObjectBuilder().add("role", "admin")
            .build()).problem(403),
        () -> user.delete("users/" + victim[0]).problem(403));
    assertEquals(victim[0], victimApi.username());
    user.get("users").problem(403);
  }

  @Test
  void admin_cannotDisableDemoteOrDeleteThemselves() {
    // A second admin, so that a server bug here cannot lock the shared 'admin' out of other tests.
    String[] user = registered("self");
    anonymous().admin().patch("users/" + user[0],
        Json.createObjectBuilder().add("role", "admin").build()).expect(200);
    Api self = anonymous().login(user[0], user[1]);
    String path = "users/" + user[0];

    assertAll(
        () -> self.patch(path, Json.createObjectBuilder().add("disabled", true).build()).problem(409),
        () -> self.patch(path, Json.createObjectBuilder().add("role", "user").build()).problem(409),
        () -> self.delete(path).problem(409));
    assertEquals("admin", self.get("users/me").expect(200).object().getString("role"));
  }

  private static String sessionIdOf(Api admin, String username) {
    List<JsonObject> sessions = admin.items("sessions").stream()
        .filter(s -> s.getString("username").equals(username)).toList();
    assertEquals(1, sessions.size(), "sessions of " + username + ": " + sessions);
    return sessions.get(0).getString("id");
  }

  // ---- authentication on every protected endpoint -------------------------------------------

  @Test
  void everyProtectedEndpoint_withoutOrWithAGarbageToken_answers401WithAChallenge() {
    Api owner = anonymous().newUser("owner");
    String ownerName = owner.username();
    String q = Api.unique("q");
    owner.put("queues/" + q, null).expect(201);
    owner.post("queues/" + q + "/messages", Json.createObjectBuilder().add("body", "x").build())
        .expect(201);
    String created = Api.unique("q");
    JsonObject message = Json.createObjectBuilder().add("body", "sneaky").build();

    List<Function<Api, Api.Reply>> requests = List.of(
        a -> a.get("users/me"),
        a -> a.get("users"),
        a -> a.patch("users/" + ownerName, Json.createObjectBuilder().add("disabled", true).build()),
        a -> a.delete("users/" + ownerName),
        a -> a.get("sessions"),
        a -> a.delete("sessions/current"),
        a -> a.delete("sessions/" + Api.unique("s")),
        a -> a.get("queues"),
        a -> a.put("queues/" + created, null),
        a -> a.get("queues/" + q),
        a -> a.patch("queues/" + q, Json.createObjectBuilder().add("maxLength", 1).build()),
        a -> a.delete("queues/" + q + "?force=true"),
        a -> a.post("queues/" + q + "/messages", message),
        a -> a.post("queues/" + q + "/messages:batch",
            Json.createObjectBuilder().add("messages", Json.createArrayBuilder().add(message)).build()),
        a -> a.post("queues/" + q + "/messages:receive", null),
        a -> a.post("queues/" + q + "/messages:ack", Json.createObjectBuilder()
            .add("receipts", Json.createArrayBuilder().add("r")).build()),
        a -> a.delete("queues/" + q + "/messages/r"),
        a -> a.get("queues/" + q + "/messages"));
    List<Executable> checks = new ArrayList<>();
    for (Function<Api, Api.Reply> request : requests) {
      checks.add(() -> assertUnauthorized(request.apply(anonymous())));
      checks.add(() -> assertUnauthorized(request.apply(anonymous().as("garbage-token-" + q))));
    }
    checks.add(() -> assertUnauthorized(
        anonymous().send("GET", "users/me", null, null, "Authorization", "Basic YWRtaW46YWRtaW4=")));
    checks.add(() -> assertUnauthorized(
        anonymous().send("GET", "users/me", null, null, "Authorization", "Bearer")));
    checks.add(() -> assertUnauthorized(anonymous().as("").get("users/me")));
    assertAll(checks);

    // None of them changed anything.
    JsonObject queue = owner.get("queues/" + q).expect(200).object();
    assertEquals(1, queue.getInt("depth"));
    assertEquals(0, queue.getInt("inFlight"));
    assertTrue(isAbsentOrNull(queue, "maxLength"), queue.toString());
    owner.get("queues/" + created).problem(404);
    assertEquals(ownerName, owner.username());
  }
}
