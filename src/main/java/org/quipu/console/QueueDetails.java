package org.quipu.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.quipu.core.state.Message;
import org.quipu.core.state.MessageContent;
import org.quipu.core.state.QueueView;
import org.quipu.service.Reads;
import org.quipu.node.RateHistory;
import org.quipu.security.Caller;

/**
 * The model of a queue's page: attributes, counters, current rate, and for its managers one page
 * of the messages a search matches and the redrives to propose. Both the page itself and a refused
 * send (which shows the page again with the form as typed) build it here.
 */
@ApplicationScoped
class QueueDetails {

  @Inject Reads reads;
  @Inject RateHistory rates;

  Map<String, Object> model(Caller caller, String name, String search, String pageParam) {
    long now = System.currentTimeMillis();
    String user = caller.username();
    QueueView view = reads.query(b -> b.queueFor(name, user, now));
    boolean manager = view.definition().owner().equals(user) || caller.isAdmin();
    String needle = search == null ? "" : search.strip();
    Map<String, Object> model = new HashMap<>();
    model.put("section", "queues");
    model.put("queue", view.definition());
    model.put("counters", view.counters());
    model.put("rate", rates.currentRate(name));
    model.put("manager", manager);
    model.put("search", needle);
    model.put("sendErrors", FieldErrors.none());
    model.put("sendValues", Map.of());
    int slash = name.indexOf('/');
    model.put("topicName", slash < 0 ? null : name.substring(0, slash)); // a subscription's queue
    if (manager) {
      // Contents are in the store, not in memory: a search reads the queue's once, a page only
      // the contents of the messages it shows.
      Set<String> byContent = needle.isEmpty() ? Set.of()
          : reads.contents().matching(name, c -> matches(c, needle));
      var found = reads.query(b -> b.browse(name, user,
          m -> needle.isEmpty() || m.id().equals(needle) || byContent.contains(m.id()),
          Integer.MAX_VALUE));
      Paged<Message> shown = Paged.of(found, pageParam);
      Map<String, MessageContent> contents =
          reads.contents().now(shown.items().stream().map(Message::id).toList());
      List<ShownMessage> messages = new ArrayList<>();
      for (Message m : shown.items()) {
        MessageContent c = contents.get(m.id());
        if (c != null) { // else removed since the browse
          messages.add(new ShownMessage(m, c));
        }
      }
      model.put("matching", found.size());
      model.put("messages", messages);
      model.put("paged", shown);
      model.put("redrive", redriveProposals(name, user));
      model.put("now", now);
    }
    return model;
  }

  /**
   * A message matches a search by its id (see {@link #model}), a header name or value, a text in
   * its body, or a header written as the messages table shows it ({@code name=value}) or as the
   * send form takes it ({@code name: value}).
   */
  static boolean matches(MessageContent m, String needle) {
    if (m.body().contains(needle)) {
      return true;
    }
    int split = Forms.headerSplit(needle);
    if (split > 0) {
      String value = m.headers().get(needle.substring(0, split).strip());
      if (value != null && value.contains(needle.substring(split + 1).strip())) {
        return true;
      }
    }
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      if (h.getKey().contains(needle) || h.getValue().contains(needle)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Dead-lettered messages in this queue by the queue they came from (still existing), which is
   * where the console proposes to move them back.
   */
  private Map<String, Integer> redriveProposals(String name, String user) {
    return reads.query(b -> {
      Map<String, Integer> sources = new TreeMap<>();
      for (Message m : b.browse(name, user, x -> x.deadLetteredFrom() != null
          && !x.deadLetteredFrom().equals(name), Integer.MAX_VALUE)) {
        if (b.queue(m.deadLetteredFrom(), 0).isPresent()) {
          sources.merge(m.deadLetteredFrom(), 1, Integer::sum);
        }
      }
      return sources;
    });
  }
}
