package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.quipu.core.state.QueueView;
import org.quipu.node.MemoryAlarm;
import org.quipu.node.RateHistory;

/** The cluster at a glance: its nodes, totals over what the caller may see, and message rates. */
@Path("")
@RequestScoped
public class OverviewPage extends ConsoleResource {

  @Inject RateHistory rates;

  /**
   * Totals over what the caller may see. {@code ready}, {@code inFlight} and {@code delayed} count
   * the messages in queues; {@code subscriptionBacklog} counts the messages pending in
   * subscriptions' own queues (a subscription that delivers into a queue of its choosing adds to
   * that queue's counts instead), so a published message is not counted twice.
   */
  public record Totals(int queues, int topics, long ready, long inFlight, long delayed,
      long subscriptionBacklog, int users, int sessions) {}

  /** This node's heap after the last collection and its memory alarm (see MemoryAlarm). */
  public record Memory(boolean alarm, long usedPercent, long watermarkPercent) {}

  @GET
  public Response overview() {
    long now = System.currentTimeMillis();
    boolean admin = caller().isAdmin();
    Totals totals = reads.query(b -> {
      int queues = 0;
      long ready = 0;
      long inFlight = 0;
      long delayed = 0;
      long backlog = 0;
      for (QueueView q : b.visibleQueues(user(), true, now)) {
        if (q.definition().name().indexOf('/') >= 0) { // a subscription's own queue
          backlog += q.counters().pending();
          continue;
        }
        queues++;
        ready += q.counters().ready();
        inFlight += q.counters().inFlight();
        delayed += q.counters().delayed();
      }
      return new Totals(queues, b.topics().size(), ready, inFlight, delayed, backlog,
          admin ? b.users().size() : 0, admin ? b.sessions().size() : 0);
    });
    MemoryAlarm alarm = node.memoryAlarm();
    Memory memory = new Memory(alarm.raised(), Math.round(alarm.usedAfterGc() * 100),
        Math.round(alarm.highWatermark() * 100));
    return page("overview", Map.of("section", "overview", "cluster", node.cluster(),
        "totals", totals, "memory", memory));
  }

  /** The node's message rates over the last ten minutes, for the overview's chart. */
  @GET
  @Path("rates")
  @Produces(MediaType.APPLICATION_JSON)
  public RateSeries nodeRates() {
    return RateSeries.of(rates.nodeRates());
  }
}
