package org.quipu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The holes a hostile user found (issue 7, part 1), each shut through the API: dead-letter
 * injection and name reuse, user names that differ only in case, login timing, login and
 * registration rate limits, who may read {@code /metrics}, and the headers that keep answers out
 * of caches and sniffers.
 */
abstract class SecurityBehaviour {

  /** Where the API is: one node, or NGINX in front of the cluster. */
  protected abstract URL url();

  private static JsonObject json(Object... pairs) {
    var b = Json.createObjectBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] instanceof Integer n) {
        b.add((String) pairs[i], n);
      } else if (pairs[i + 1] instanceof Boolean v) {
        b.add((String) pairs[i], v);
      } else {
        b.add((String) pairs[i], (String) pairs[i + 1]);
      }
    }
    return b.build();
  }

  private static JsonObject receive() {
    return json("max", 1, "waitSeconds", 0, "visibilityTimeoutSeconds", 0);
  }

  /** A private queue of a victim's, and a client for an attacker. */
  private record Victim(Api victim, String privateQueue, Api attacker) {}

  private Victim victim() {
    Api victim = new Api(url()).newUser("victim");
    String q = Api.unique("private");
    victim.put("queues/" + q, json("shared", false)).expect(201);
    return new Victim(victim, q, new Api(url()).newUser("attacker"));
  }

  @Test
  void deadLetterQueue_namingAnotherUsersPrivateQueue_isForbiddenOnCreateAndPatch() {
    Victim v = victim();
    String trap = Api.unique("trap");
    v.attacker().put("queues/" + trap, json("maxReceiveCount", 1, "deadLetterQueue", v.privateQueue()))
        .problem(403);
    v.attacker().get("queues/" + trap).problem(404);

    v.attacker().put("queues/" + trap, null).expect(201);
    v.attacker().patch("queues/" + trap, json("maxReceiveCount", 1, "deadLetterQueue", v.privateQueue()))
        .problem(403);
    JsonObject unchanged = v.attacker().get("queues/" + trap).expect(200).object();
    assertTrue(!unchanged.containsKey("deadLetterQueue") || unchanged.isNull("deadLetterQueue"));
    assertEquals(0, v.victim().get("queues/" + v.privateQueue()).object().getInt("depth"));
  }

  @Test
  void redriveAndSubscription_intoAnotherUsersPrivateQueue_areForbiddenToo() {
    Victim v = victim();
    String dlq = Api.unique("dlq");
    v.attacker().put("queues/" + dlq, null).expect(201);
    v.attacker().post("queues/" + dlq + "/messages:redrive", json("toQueue", v.privateQueue())).problem(403);
    String topic = Api.unique("topic");
    v.attacker().put("topics/" + topic, null).expect(201);
    v.attacker().put("topics/" + topic + "/subscriptions/tap", json("queue", v.privateQueue())).problem(403);
  }

  @Test
  void deadLetterQueue_cannotBeDeletedWhileAQueuePointsAtIt_evenForced_soItsNameCannotBeReused() {
    Api owner = new Api(url()).newUser("dlq-owner");
    String dlq = Api.unique("dlq");
    String source = Api.unique("orders");
    owner.put("queues/" + dlq, null).expect(201);
    owner.put("queues/" + source, json("maxReceiveCount", 1, "deadLetterQueue", dlq)).expect(201);

    String detail = owner.delete("queues/" + dlq + "?force=true").problem(409).getString("detail");

    assertTrue(detail.contains(source), detail);
    owner.get("queues/" + dlq).expect(200);
    owner.delete("queues/" + source).expect(204);
    owner.delete("queues/" + dlq).expect(204);
  }

  @Test
  void deadLetterCycles_areRefusedWith400_andChangeNothing() {
    Api api = new Api(url()).newUser("cycle");
    String a = Api.unique("a");
    String b = Api.unique("b");
    api.put("queues/" + a, null).expect(201);
    api.put("queues/" + b, json("maxReceiveCount", 1, "deadLetterQueue", a)).expect(201);

    api.patch("queues/" + a, json("maxReceiveCount", 1, "deadLetterQueue", b)).problem(400);
    api.patch("queues/" + a, json("maxReceiveCount", 1, "deadLetterQueue", a)).problem(400);
    String self = Api.unique("self");
    api.put("queues/" + self, json("maxReceiveCount", 1, "deadLetterQueue", self)).problem(400);
    api.get("queues/" + self).problem(404);

    JsonObject queueA = api.get("queues/" + a).object();
    assertTrue(!queueA.containsKey("deadLetterQueue") || queueA.isNull("deadLetterQueue"), queueA.toString());
  }

  @Test
  void deadLetteredMessage_keepsItsReceiveCount_andARedriveResetsIt() {
    Api api = new Api(url()).newUser("counts");
    String dlq = Api.unique("dlq");
    String q = Api.unique("q");
    api.put("queues/" + dlq, null).expect(201);
    api.put("queues/" + q, json("maxReceiveCount", 2, "deadLetterQueue", dlq)).expect(201);
    api.post("queues/" + q + "/messages", json("body", "poison")).expect(201);
    for (int i = 0; i < 3; i++) {
      api.post("queues/" + q + "/messages:receive", receive()).expect(200);
    }
    JsonObject dead = api.post("queues/" + dlq + "/messages:receive", receive()).array().getJsonObject(0);
    assertEquals(3, dead.getInt("receiveCount"), "two receives in its queue, kept, and this one");

    api.post("queues/" + dlq + "/messages:redrive", null).expect(200);
    JsonObject back = api.post("queues/" + q + "/messages:receive", receive()).array().getJsonObject(0);
    assertEquals(1, back.getInt("receiveCount"));
  }

  @Test
  void userNames_areUniqueIgnoringCase_andRouteNamesAreReserved() {
    String name = Api.unique("Case");
    Api anon = new Api(url());
    anon.post("users", json("username", name, "password", "password-1")).expect(201);
    anon.post("users", json("username", name.toLowerCase(), "password", "password-2")).problem(409);
    anon.post("users", json("username", name.toUpperCase(), "password", "password-2")).problem(409);
    anon.post("users", json("username", "me", "password", "password-2")).problem(400);
    anon.post("users", json("username", "ME", "password", "password-2")).problem(400);

    JsonObject login = anon.post("sessions", json("username", name.toUpperCase(), "password", "password-1"))
        .expect(201).object();
    assertEquals(name, login.getString("username"), "one user, under its own spelling");
    anon.post("sessions", json("username", name.toLowerCase(), "password", "password-2")).problem(401);
  }

  /**
   * Interleaved wrong-password logins for known and unknown names: the medians must be of one
   * size. A login that skipped the hash for unknown names would be ~2x faster for them.
   */
  @Test
  void loginTiming_doesNotTellAKnownUserFromAnUnknownOne() {
    Api anon = new Api(url());
    List<String> known = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String name = Api.unique("timing");
      anon.post("users", json("username", name, "password", "password-1")).expect(201);
      known.add(name);
    }
    List<Long> knownNanos = new ArrayList<>();
    List<Long> unknownNanos = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      knownNanos.add(timeFailedLogin(anon, known.get(i % known.size())));
      unknownNanos.add(timeFailedLogin(anon, Api.unique("nobody")));
    }
    double ratio = (double) median(knownNanos) / median(unknownNanos);
    assertTrue(ratio > 0.6 && ratio < 1.6, "known/unknown median login time ratio " + ratio
        + " (known " + knownNanos + ", unknown " + unknownNanos + ")");
  }

  private static long timeFailedLogin(Api anon, String username) {
    long start = System.nanoTime();
    anon.post("sessions", json("username", username, "password", "wrong-password")).problem(401);
    return System.nanoTime() - start;
  }

  private static long median(List<Long> values) {
    return values.stream().sorted().toList().get(values.size() / 2);
  }

  @Test
  void failedLogins_areLimitedPerUserName_with429AndRetryAfter_whileOtherNamesAreNot() {
    Api anon = new Api(url());
    String name = Api.unique("guessed");
    anon.post("users", json("username", name, "password", "password-1")).expect(201);
    Api.Reply limited = null;
    for (int i = 0; i < 50 && limited == null; i++) {
      Api.Reply reply = anon.post("sessions", json("username", name, "password", "guess-" + i));
      if (reply.status() == 429) {
        limited = reply;
      } else {
        reply.problem(401);
      }
    }
    assertNotNull(limited, "50 wrong passwords in a row were never limited");
    limited.problem(429);
    assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
    anon.post("sessions", json("username", name.toUpperCase(), "password", "password-1")).problem(429);

    String other = Api.unique("innocent");
    anon.post("users", json("username", other, "password", "password-1")).expect(201);
    anon.post("sessions", json("username", other, "password", "password-1")).expect(201);
  }

  @Test
  void successfulLogins_doNotUseUpTheLimit() {
    Api anon = new Api(url());
    String name = Api.unique("frequent");
    anon.post("users", json("username", name, "password", "password-1")).expect(201);
    for (int i = 0; i < 40; i++) {
      anon.post("sessions", json("username", name, "password", "password-1")).expect(201);
    }
  }

  @Test
  void registrations_areLimitedPerUserName() {
    Api anon = new Api(url());
    String name = Api.unique("taken");
    Api.Reply limited = null;
    for (int i = 0; i < 50 && limited == null; i++) {
      Api.Reply reply = anon.post("users", json("username", name, "password", "password-1"));
      if (reply.status() == 429) {
        limited = reply;
      } else {
        assertEquals(i == 0 ? 201 : 409, reply.status(), reply.body());
      }
    }
    assertNotNull(limited, "50 registrations of one name were never limited");
    limited.problem(429);
    assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
  }

  @Test
  void metrics_needTheScrapeTokenOrAnAdmin_becauseTheyNameEveryPrivateQueue() {
    Victim v = victim();
    Api anon = new Api(url());
    anon.get("../../metrics").problem(401);
    anon.as("not-a-token").get("../../metrics").problem(401);
    assertFalse(v.attacker().get("../../metrics").problem(403).toString().contains(v.privateQueue()));

    anon.as(Api.METRICS_TOKEN).get("../../metrics").expect(200);
    String scraped = anon.admin().get("../../metrics").expect(200).body();
    assertTrue(scraped.contains("quipu_applied_seq"), scraped.substring(0, Math.min(300, scraped.length())));
    assertTrue(scraped.contains("quipu_dropped_message_queues"),
        scraped.substring(0, Math.min(300, scraped.length())));
  }

  @Test
  void apiAnswers_areNeitherSniffedNorCached() {
    Api anon = new Api(url());
    String name = Api.unique("headers");
    List<Api.Reply> replies = new ArrayList<>();
    replies.add(anon.post("users", json("username", name, "password", "password-1")).expect(201));
    Api.Reply login = anon.post("sessions", json("username", name, "password", "password-1")).expect(201);
    replies.add(login);
    Api user = anon.as(login.object().getString("token"));
    replies.add(user.get("users/me").expect(200));
    replies.add(user.get("queues").expect(200));
    replies.add(anon.get("users/me").expect(401));
    for (Api.Reply reply : replies) {
      assertEquals("nosniff", reply.header("X-Content-Type-Options"), reply.http().uri().toString());
      assertEquals("no-store", reply.header("Cache-Control"), reply.http().uri().toString());
    }
  }
}
