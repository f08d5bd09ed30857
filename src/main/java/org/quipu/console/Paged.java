package org.quipu.console;

import java.util.List;

/**
 * One page of a list the server filtered and sorted: the console's lists show {@value #SIZE} rows
 * a page, so a page costs the same with 50 or 10,000 items behind it.
 *
 * @param items the rows of this page
 * @param page this page's number, from 1
 * @param pages how many pages there are (at least 1)
 * @param total how many items all pages hold
 */
public record Paged<T>(List<T> items, int page, int pages, int total) {

  static final int SIZE = 50;

  /** The page {@code pageParam} asks for (the first when it is missing or not a number). */
  static <T> Paged<T> of(List<T> all, String pageParam) {
    int pages = Math.max(1, (all.size() + SIZE - 1) / SIZE);
    int page = Math.min(pages, Math.max(1, parse(pageParam)));
    List<T> items = List.copyOf(all.subList((page - 1) * SIZE, Math.min(all.size(), page * SIZE)));
    return new Paged<>(items, page, pages, all.size());
  }

  /** The position of this page's first item in the whole list, from 1. */
  public int first() {
    return items.isEmpty() ? 0 : (page - 1) * SIZE + 1;
  }

  /** The position of this page's last item in the whole list. */
  public int last() {
    return (page - 1) * SIZE + items.size();
  }

  private static int parse(String value) {
    try {
      return value == null ? 1 : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
