package org.quipu.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.quipu.fault.Workload.Ack;
import org.quipu.fault.Workload.Delivery;
import org.quipu.fault.Workload.Outcome;
import org.quipu.fault.Workload.Send;

/**
 * Judges a {@link Workload}'s history, once its queue was drained, against DESIGN.md's invariants
 * for delivery. Each violation is written down with the operations that show it, so a failure
 * reads as evidence rather than a count:
 * <ul>
 *   <li><b>no acknowledged send lost</b>: every send answered 201 was delivered at least once;
 *   <li><b>no send stored twice</b>: one body (one idempotency key) is never two messages;
 *   <li><b>acked messages never come back</b>: no delivery of a message starts after an ack of
 *       it was answered 204;
 *   <li><b>one lease at a time</b>: a message is not handed to a consumer while another
 *       consumer's lease on it (the visibility timeout, counted from before that receive was
 *       sent) still runs;
 *   <li><b>nothing from nowhere</b>: every delivered message was sent by this workload;
 *   <li><b>no send refused</b>: a 4xx for a well-formed send with a live token is a bug (503s
 *       are retried with the same key, and may end unknown, never refused).
 * </ul>
 */
final class Checker {

  private Checker() {}

  static List<String> violations(Workload workload) {
    List<String> violations = new ArrayList<>();
    Map<String, Send> sentByBody = new HashMap<>();
    for (Send send : workload.sends) {
      sentByBody.put(send.body(), send);
    }
    Map<String, List<Delivery>> byId = new HashMap<>();
    Map<String, Set<String>> idsByBody = new HashMap<>();
    for (Delivery delivery : workload.deliveries) {
      byId.computeIfAbsent(delivery.id(), id -> new ArrayList<>()).add(delivery);
      idsByBody.computeIfAbsent(delivery.body(), b -> new HashSet<>()).add(delivery.id());
      if (!sentByBody.containsKey(delivery.body())) {
        violations.add("delivered but never sent: " + delivery);
      }
    }
    for (Send send : workload.sends) {
      if (send.outcome() == Outcome.FAILED) {
        violations.add("send refused with " + send.status() + " (a retry must get 201): " + send);
      }
      if (send.outcome() == Outcome.OK && !byId.containsKey(send.id())) {
        violations.add("acknowledged send lost (201, never delivered): " + send);
      }
    }
    idsByBody.forEach((body, ids) -> {
      if (ids.size() > 1) {
        violations.add("one send stored as " + ids.size() + " messages " + ids + ": "
            + sentByBody.get(body));
      }
    });
    for (Ack ack : workload.acks) {
      if (ack.outcome() != Outcome.OK) {
        continue;
      }
      for (Delivery delivery : byId.getOrDefault(ack.id(), List.of())) {
        if (delivery.invoked() > ack.completed()) {
          violations.add("acked message delivered again: " + ack + " then " + delivery);
        }
      }
    }
    long lease = TimeUnit.SECONDS.toNanos(Workload.VISIBILITY_TIMEOUT_SECONDS);
    for (List<Delivery> ofOne : byId.values()) {
      ofOne.sort(Comparator.comparingLong(Delivery::invoked));
      for (int i = 1; i < ofOne.size(); i++) {
        Delivery earlier = ofOne.get(i - 1);
        Delivery later = ofOne.get(i);
        // The earlier lease runs at least until (its receive's invocation + the timeout); the
        // later receive was decided no later than its answer arrived.
        if (later.completed() < earlier.invoked() + lease && !ackedBetween(workload, earlier,
            later)) {
          violations.add("one message leased twice at once: " + earlier + " and " + later);
        }
      }
    }
    return violations;
  }

  /** Whether the earlier holder acked (so the message was gone) before the later delivery. */
  private static boolean ackedBetween(Workload workload, Delivery earlier, Delivery later) {
    return workload.acks.stream().anyMatch(a -> a.receipt().equals(earlier.receipt())
        && a.outcome() == Outcome.OK && a.completed() < later.invoked());
  }

  /** One line of figures about a history, for the report. */
  static String summary(Workload workload) {
    Map<Outcome, Long> sends = new HashMap<>();
    for (Send send : workload.sends) {
      sends.merge(send.outcome(), 1L, Long::sum);
    }
    Set<String> delivered = new HashSet<>();
    workload.deliveries.forEach(d -> delivered.add(d.id()));
    long acked = workload.acks.stream().filter(a -> a.outcome() == Outcome.OK).count();
    Map<Integer, Long> statuses = new HashMap<>();
    workload.attempts.forEach(a -> statuses.merge(a.status(), 1L, Long::sum));
    return String.format("sends ok %d, unknown %d, refused %d; %d deliveries of %d messages,"
            + " %d acked; HTTP statuses of every attempt %s",
        sends.getOrDefault(Outcome.OK, 0L), sends.getOrDefault(Outcome.UNKNOWN, 0L),
        sends.getOrDefault(Outcome.FAILED, 0L), workload.deliveries.size(), delivered.size(),
        acked, statuses);
  }
}
