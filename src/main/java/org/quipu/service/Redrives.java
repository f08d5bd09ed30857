package org.quipu.service;

import org.quipu.core.command.RedriveMessages;

/** How much one redrive moves, the same from the API and from the console. */
public final class Redrives {

  /** A redrive that names no {@code max} moves up to this many messages (API.md). */
  public static final int DEFAULT_MAX = 10_000;
  /** The most one redrive may move. */
  public static final int MAX = 100_000;

  private Redrives() {}

  /** @param max as asked, or null for {@link #DEFAULT_MAX} */
  public static RedriveMessages command(String queue, String user, String toQueue, Integer max) {
    return new RedriveMessages(queue, user, toQueue, max == null ? DEFAULT_MAX : max);
  }
}
