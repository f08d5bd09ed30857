package org.quipu.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.quipu.core.state.Change;
import org.quipu.core.state.MessageContent;
import org.quipu.store.entity.DroppedMessagesRow;
import org.quipu.store.entity.MessageRow;

/**
 * Message bodies and headers, which the broker's memory does not hold: they are written with each
 * message's row (by the applier, {@link JpaStateStore}) and read back here by id for the messages
 * a receive, a browse or the console shows. A cache bounded by bytes keeps the content of recent
 * sends, so consumers that keep up are answered from memory and a backlog costs the heap only its
 * metadata; content older than the cache is one indexed read of the messages table per answer.
 */
public final class MessageContents {

  /** Ids per {@code IN (...)} read. */
  private static final int READ_CHUNK = 500;
  /** Rows per page of a search through a queue's contents. */
  private static final int SEARCH_PAGE = 1_000;

  private final EntityManagerFactory entities;
  private final Executor readers;
  private final Cache<String, Cached> recent;

  /**
   * A cached content, with the queue and order its message was sent with, so that a bound below
   * which a queue's messages are dropped drops theirs.
   */
  private record Cached(String queue, long order, MessageContent content) {}

  /**
   * @param cacheBytes roughly the most heap the cache of recent contents takes
   * @param readers runs reads that miss the cache, off the threads that answer commits
   */
  public MessageContents(EntityManagerFactory entities, long cacheBytes, Executor readers) {
    this.entities = entities;
    this.readers = readers;
    this.recent = Caffeine.newBuilder()
        // Eviction runs on the thread that stored (the applier), not handed to the common pool:
        // that hand-off was a wake-up of a pool thread for every batch applied (about 11,000
        // context switches per node in 25 s of single sends).
        .executor(Runnable::run)
        .maximumWeight(cacheBytes)
        .weigher((String id, Cached c) -> c.content().weight())
        .build();
  }

  /** Called once a batch's changes are stored: remembers new contents, forgets deleted ones. */
  void stored(List<Change> changes) {
    for (Change change : changes) {
      if (change instanceof Change.MessageInserted inserted) {
        recent.put(inserted.message().id(),
            new Cached(inserted.message().queue(), inserted.message().order(),
                inserted.content()));
      } else if (change instanceof Change.MessageDeleted deleted) {
        recent.invalidate(deleted.id());
      } else if (change instanceof Change.MessagesDropped dropped) {
        // A deleted, purged or expired queue's: one pass over the bounded cache. A message moved
        // since it was sent (kept by a purge, or to another queue) is read from the table again
        // if it is asked for.
        recent.asMap().values().removeIf(c -> c.queue().equals(dropped.queue())
            && c.order() < dropped.messagesBelow());
      }
    }
  }

  /**
   * Forgets every content held: the tables were replaced by a snapshot's, in which a message's id
   * may name other content than the cache holds (another node's send under the same id).
   */
  void forgetAll() {
    recent.invalidateAll();
  }

  /**
   * The content of each message that is still stored, by id; a message deleted since its ids were
   * taken (its queue purged or deleted meanwhile) has none. Answered at once from the cache when it
   * holds them all, otherwise read on the readers' threads.
   */
  public CompletionStage<Map<String, MessageContent>> of(Collection<String> ids) {
    Map<String, MessageContent> cached = present(ids);
    if (cached.size() == ids.size()) {
      return CompletableFuture.completedFuture(cached);
    }
    return CompletableFuture.supplyAsync(() -> withMissingRead(ids, cached), readers);
  }

  /** As {@link #of}, on the calling thread (for pages that are rendered there). */
  public Map<String, MessageContent> now(Collection<String> ids) {
    return withMissingRead(ids, present(ids));
  }

  /** {@code found} (from the cache) with what it lacks of {@code ids} read from the table. */
  private Map<String, MessageContent> withMissingRead(
      Collection<String> ids, Map<String, MessageContent> found) {
    if (found.size() < ids.size()) {
      found.putAll(read(ids.stream().filter(id -> !found.containsKey(id)).toList()));
    }
    return found;
  }

  private Map<String, MessageContent> present(Collection<String> ids) {
    Map<String, MessageContent> found = new HashMap<>();
    recent.getAllPresent(ids).forEach((id, c) -> found.put(id, c.content()));
    return found;
  }

  /**
   * The ids of the messages of {@code queue} whose content passes {@code test}: one pass over the
   * queue's rows, a page at a time, for the console's search (memory holds no content to search).
   */
  public Set<String> matching(String queue, Predicate<MessageContent> test) {
    Set<String> ids = new HashSet<>();
    EntityManager em = entities.createEntityManager();
    try {
      // Rows below a deleted queue's bound are its messages, not this queue's (DroppedMessages).
      long after = em.createQuery(DroppedMessagesRow.BOUND_OF, Long.class)
          .setParameter("queue", queue)
          .getResultStream().findFirst().orElse(Long.MIN_VALUE + 1) - 1;
      List<Object[]> page;
      do {
        page = em.createQuery(MessageRow.CONTENTS_AFTER, Object[].class)
            .setParameter("queue", queue)
            .setParameter("after", after)
            .setMaxResults(SEARCH_PAGE)
            .getResultList();
        for (Object[] row : page) {
          if (test.test(MessageRow.content(row, 2))) {
            ids.add((String) row[1]);
          }
          after = (Long) row[0];
        }
        em.clear(); // a queue's bodies need not fit in the heap
      } while (page.size() == SEARCH_PAGE);
    } catch (PersistenceException e) {
      throw new ContentUnavailableException(e);
    } finally {
      em.close();
    }
    return ids;
  }

  private Map<String, MessageContent> read(List<String> ids) {
    Map<String, MessageContent> found = new HashMap<>();
    EntityManager em = entities.createEntityManager();
    try {
      for (int from = 0; from < ids.size(); from += READ_CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + READ_CHUNK));
        for (Object[] row : em.createQuery(MessageRow.CONTENTS_OF, Object[].class)
            .setParameter("ids", chunk)
            .getResultList()) {
          found.put((String) row[0], MessageRow.content(row, 1));
        }
      }
    } catch (PersistenceException e) {
      throw new ContentUnavailableException(e);
    } finally {
      em.close();
    }
    return found;
  }

  /** The store could not be read; the API answers 503 with {@code Retry-After}. */
  public static final class ContentUnavailableException extends RuntimeException {
    ContentUnavailableException(PersistenceException cause) {
      super("message contents cannot be read from the store right now", cause);
    }
  }
}
