package org.quipu.api;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code limit} and {@code cursor} for the lists that the node holds whole in memory (users,
 * sessions, topics): items in key order, after the cursor's key, at most {@code limit} (1..1000,
 * 100 by default, as for queues).
 */
final class Paging {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private Paging() {}

  static <T, R> Page<R> page(String list, List<T> items, Function<T, String> key,
      Predicate<String> validKey, String limitParam, String cursor, Function<T, R> view) {
    int limit = limit(limitParam);
    String after = Cursor.after(list, cursor, validKey);
    List<T> rest = items.stream()
        .filter(t -> after == null || key.apply(t).compareTo(after) > 0)
        .sorted(Comparator.comparing(key))
        .limit(limit + 1L)
        .toList();
    String next = null;
    if (rest.size() > limit) {
      rest = rest.subList(0, limit);
      next = Cursor.issue(list, key.apply(rest.get(limit - 1)));
    }
    return new Page<>(rest.stream().map(view).toList(), next);
  }

  static int limit(String limitParam) {
    return QueryLimits.intParam("limit", limitParam, DEFAULT_LIMIT, 1, MAX_LIMIT);
  }
}
