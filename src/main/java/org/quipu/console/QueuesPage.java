package org.quipu.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quipu.api.Names;
import org.quipu.core.command.CreateQueue;
import org.quipu.core.command.DeleteQueue;
import org.quipu.core.command.PurgeQueue;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.QueueAttributes;
import org.quipu.core.state.QueueView;
import org.quipu.node.RateHistory;
import org.quipu.service.Redrives;

/**
 * Queues: the list (filtered, sorted and paged on the server), creating one with every attribute,
 * a queue's page with its attributes, counters and rate chart, editing attributes, purging,
 * deleting (each after a page that says what will be lost) and moving dead-lettered messages back.
 * Messages are on {@link QueueMessagesPage}.
 */
@Path("queues")
@RequestScoped
public class QueuesPage extends ConsoleResource {

  private static final Map<String, Comparator<Row>> SORTS = Map.of(
      "name", Comparator.comparing(Row::name),
      "owner", Comparator.comparing(Row::owner).thenComparing(Row::name),
      "ready", Comparator.comparingInt(Row::ready).thenComparing(Row::name),
      "inFlight", Comparator.comparingInt(Row::inFlight).thenComparing(Row::name),
      "delayed", Comparator.comparingInt(Row::delayed).thenComparing(Row::name),
      "published", Comparator.comparingDouble(Row::published).thenComparing(Row::name),
      "delivered", Comparator.comparingDouble(Row::delivered).thenComparing(Row::name),
      "created", Comparator.comparingLong(Row::createdAt).thenComparing(Row::name));

  /** Numeric columns sort largest first on the first click, as people look for the busiest. */
  private static final Set<String> LARGEST_FIRST = Set.of("ready", "inFlight", "delayed",
      "published", "delivered");

  /** A column of the list: its sort key, heading, CSS class, and the direction of a first click. */
  public record Column(String key, String label, String css, String firstDir) {
    Column(String key, String label, String css) {
      this(key, label, css, LARGEST_FIRST.contains(key) ? "desc" : "asc");
    }
  }

  private static final List<Column> COLUMNS = List.of(new Column("name", "Name", ""),
      new Column("owner", "Owner", "hide-narrow"), new Column("ready", "Ready", "num"),
      new Column("inFlight", "In flight", "num"), new Column("delayed", "Delayed", "num hide-narrow"),
      new Column("published", "In/s", "num"), new Column("delivered", "Out/s", "num hide-narrow"),
      new Column("created", "Created", "hide-narrow"));

  @Inject RateHistory rates;
  @Inject QueueDetails details;

  /** One line of the list. */
  public record Row(String name, String owner, boolean shared, int ready, int inFlight,
      int delayed, double published, double delivered, long createdAt) {}

  @GET
  public Response list(@QueryParam("filter") String filter, @QueryParam("sort") String sort,
      @QueryParam("dir") String dir, @QueryParam("page") String pageParam) {
    String key = sort != null && SORTS.containsKey(sort) ? sort : "name";
    boolean descending = "desc".equals(dir);
    String needle = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    List<QueueView> visible = reads.query(b -> b.visibleQueues(user(), false, now));
    List<Row> rows = new ArrayList<>();
    for (QueueView q : visible) {
      String name = q.definition().name();
      if (!needle.isEmpty() && !name.toLowerCase(Locale.ROOT).contains(needle)
          && !q.definition().owner().toLowerCase(Locale.ROOT).contains(needle)) {
        continue;
      }
      RateHistory.Rate rate = rates.currentRate(name);
      rows.add(new Row(name, q.definition().owner(), q.definition().attributes().shared(),
          q.counters().ready(), q.counters().inFlight(), q.counters().delayed(),
          RateSeries.round(rate.published()), RateSeries.round(rate.delivered()), q.definition().createdAtMillis()));
    }
    Comparator<Row> order = SORTS.get(key);
    rows.sort(descending ? order.reversed() : order);
    Paged<Row> shown = Paged.of(rows, pageParam);
    Map<String, Object> model = new HashMap<>();
    model.put("section", "queues");
    model.put("rows", shown.items());
    model.put("paged", shown);
    model.put("matching", rows.size());
    model.put("total", visible.size());
    model.put("filter", filter == null ? "" : filter.strip());
    model.put("sort", key);
    model.put("dir", descending ? "desc" : "asc");
    model.put("columns", COLUMNS);
    return page("queues", model);
  }

  @GET
  @Path("_new")
  public Response createForm() {
    return page("queue-form", formModel(null, Map.of(), FieldErrors.none()));
  }

  @POST
  public Response create(@BeanParam QueueForm form) {
    String queue = form.name();
    Map<String, String> values = form.values(queue);
    FieldErrors errors = FieldErrors.none();
    if (!queue.matches(Names.PATTERN)) {
      errors.add("name", "Name: " + Forms.NAME_RULE + ".");
    }
    var request = form.request(errors);
    validate(request, errors);
    if (!errors.isEmpty()) {
      return page(400, "queue-form", formModel(null, values, errors));
    }
    try {
      var created = (Outcome.QueueCreated) commit(new CreateQueue(queue, user(), request.toAttributes()))
          .outcome();
      return redirect("queues/" + encode(queue),
          created.created() ? "Created queue " + queue + "." : "Queue " + queue + " already exists with these attributes.");
    } catch (BrokerException refused) {
      Forms.refusal(refused.getMessage(), errors);
      return page(status(refused), "queue-form", formModel(null, values, errors));
    }
  }

  @GET
  @Path("{q}")
  public Response queue(@PathParam("q") String name, @QueryParam("search") String search,
      @QueryParam("page") String pageParam) {
    return page("queue", details.model(caller(), name, search, pageParam));
  }

  @GET
  @Path("{q}/rates")
  @Produces(MediaType.APPLICATION_JSON)
  public RateSeries queueRates(@PathParam("q") String name) {
    reads.query(b -> b.queueFor(name, user(), 0)); // 404 or 403 as for the page
    return RateSeries.of(rates.queueRates(name));
  }

  @GET
  @Path("{q}/edit")
  public Response editForm(@PathParam("q") String name) {
    QueueView view = managed(name, "change");
    QueueAttributes a = view.definition().attributes();
    Map<String, String> values = new HashMap<>();
    values.put("name", name);
    values.put("visibilityTimeoutSeconds", String.valueOf(a.visibilityTimeoutMillis() / 1000));
    values.put("maxReceiveCount", a.maxReceiveCount() == null ? "" : a.maxReceiveCount().toString());
    values.put("deadLetterQueue", a.deadLetterQueue() == null ? "" : a.deadLetterQueue());
    values.put("retentionSeconds", String.valueOf(a.retentionMillis() / 1000));
    values.put("maxLength", a.maxLength() == null ? "" : a.maxLength().toString());
    values.put("shared", a.shared() ? "on" : "");
    return page("queue-form", formModel(name, values, FieldErrors.none()));
  }

  @POST
  @Path("{q}/edit")
  public Response edit(@PathParam("q") String name, @BeanParam QueueForm form) {
    Map<String, String> values = form.values(name);
    FieldErrors errors = FieldErrors.none();
    var request = form.request(errors);
    validate(request, errors);
    if (!errors.isEmpty()) {
      return page(400, "queue-form", formModel(name, values, errors));
    }
    try {
      commit(new UpdateQueue(name, user(), QueuePatch.replacing(request.toAttributes())));
      return redirect("queues/" + encode(name), "Saved the attributes of " + name + ".");
    } catch (BrokerException refused) {
      Forms.refusal(refused.getMessage(), errors);
      return page(status(refused), "queue-form", formModel(name, values, errors));
    }
  }

  private Map<String, Object> formModel(String editing, Map<String, String> values, FieldErrors errors) {
    Map<String, Object> model = new HashMap<>();
    model.put("section", "queues");
    model.put("editing", editing);
    Map<String, String> v = new HashMap<>(values);
    v.putIfAbsent("shared", editing == null && values.isEmpty() ? "on" : "");
    model.put("values", v);
    model.put("errors", errors);
    model.put("deadLetterChoices", deadLetterChoices(editing, v.get("deadLetterQueue")));
    return model;
  }

  /**
   * The queues the dead-letter field offers: those the caller may send to (the state machine asks
   * the same of a dead-letter queue), not the queue itself nor a subscription's own queue, and
   * the current choice even when it is none of these.
   */
  private Set<String> deadLetterChoices(String editing, String current) {
    Set<String> names = new TreeSet<>();
    for (QueueView q : reads.query(b -> b.visibleQueues(user(), false, System.currentTimeMillis()))) {
      names.add(q.definition().name());
    }
    if (editing != null) {
      names.remove(editing);
    }
    if (current != null && !current.isBlank()) {
      names.add(current.strip());
    }
    return names;
  }

  @GET
  @Path("{q}/purge")
  public Response confirmPurge(@PathParam("q") String name) {
    QueueView view = managed(name, "purge");
    return page("confirm-queue", Map.of("section", "queues", "queue", view.definition(),
        "counters", view.counters(), "action", "purge", "deadLetterOf", List.of()));
  }

  /**
   * A queue the caller manages (owner or admin), for the pages that lead to owner-only actions;
   * the command checks it again when it is applied.
   */
  private QueueView managed(String name, String verb) {
    QueueView view = reads.query(b -> b.queueFor(name, user(), System.currentTimeMillis()));
    if (!view.definition().owner().equals(user()) && !caller().isAdmin()) {
      throw new ConsoleException(403,
          "Only the owner of queue " + name + " or an admin may " + verb + " it.");
    }
    if (name.indexOf('/') >= 0 && !verb.equals("purge")) {
      throw new ConsoleException(409, "Queue " + name + " belongs to a subscription: it goes"
          + " when the subscription is unsubscribed, and its attributes are fixed.");
    }
    return view;
  }

  @POST
  @Path("{q}/purge")
  public Response purge(@PathParam("q") String name) {
    var purged = (Outcome.Purged) commit(new PurgeQueue(name, user())).outcome();
    return redirect("queues/" + encode(name), "Purged " + purged.purged() + " messages from " + name + ".");
  }

  @GET
  @Path("{q}/delete")
  public Response confirmDelete(@PathParam("q") String name) {
    QueueView view = managed(name, "delete");
    return page("confirm-queue", Map.of("section", "queues", "queue", view.definition(),
        "counters", view.counters(), "action", "delete", "deadLetterOf", deadLetterOf(name)));
  }

  /**
   * The queues that name {@code name} as their dead-letter queue, as this user may learn of them.
   * The state machine refuses to delete it while there are any (a queue created later under its
   * name would receive their poison messages), so the confirmation says so instead of offering it.
   */
  private List<String> deadLetterOf(String name) {
    return reads.query(b -> b.deadLetterSourcesAsSeenBy(name, user()));
  }

  @POST
  @Path("{q}/delete")
  public Response delete(@PathParam("q") String name) {
    // The confirmation page said what would be lost, so the delete discards pending messages.
    try {
      commit(new DeleteQueue(name, user(), true));
    } catch (BrokerException refused) { // e.g. a queue named it as dead-letter queue meanwhile
      return redirectWithError("queues/" + encode(name),
          sentence(Forms.inFormWords(refused.getMessage())));
    }
    return redirect("queues", "Deleted queue " + name + ".");
  }

  @POST
  @Path("{q}/redrive")
  public Response redrive(@PathParam("q") String name, @FormParam("toQueue") String toQueue) {
    String target = Forms.optional(toQueue);
    var moved = (Outcome.Redriven) commit(Redrives.command(name, user(), target, null))
        .outcome();
    return redirect("queues/" + encode(name), "Moved " + moved.moved() + " messages back"
        + (target == null ? "" : " to " + target) + ".");
  }
}
