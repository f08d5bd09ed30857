package org.quipu.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-user-name limits on logins and registrations in this node: a token bucket per name
 * (Bucket4j), so a password guesser gets a burst and then a steady trickle, answered 429 with
 * {@code Retry-After} before any password is hashed.
 *
 * <p>Only <em>failed</em> logins use up the login budget: an attempt takes a token up front (so
 * concurrent guesses cannot all slip past a check) and a successful login gives it back, so a
 * user who logs in often is never throttled by their own success. Registrations always take one.
 * Names are folded to lower case, as user names are unique ignoring case.
 *
 * <p>The buckets live in a Caffeine cache bounded in size and idle time: a flood of invented names
 * evicts old buckets instead of growing the heap. Per client address limits belong to NGINX in
 * front (its {@code limit_req}), which sees the real address.
 */
@ApplicationScoped
public class AttemptLimits {

  private static final int MAX_TRACKED_NAMES = 100_000;

  @Inject
  @ConfigProperty(name = "quipu.ratelimit.login.burst")
  int loginBurst;

  @Inject
  @ConfigProperty(name = "quipu.ratelimit.login.per.minute")
  int loginPerMinute;

  @Inject
  @ConfigProperty(name = "quipu.ratelimit.register.burst")
  int registerBurst;

  @Inject
  @ConfigProperty(name = "quipu.ratelimit.register.per.minute")
  int registerPerMinute;

  private Cache<String, Bucket> logins;
  private Cache<String, Bucket> registrations;

  @PostConstruct
  void init() {
    logins = cache(loginBurst, loginPerMinute);
    registrations = cache(registerBurst, registerPerMinute);
  }

  /** A bucket that is full again after {@code idle} holds nothing worth keeping. */
  private static Cache<String, Bucket> cache(int burst, int perMinute) {
    Duration refillToFull = Duration.ofMillis(60_000L * burst / Math.max(1, perMinute));
    return Caffeine.newBuilder()
        .maximumSize(MAX_TRACKED_NAMES)
        .expireAfterAccess(refillToFull.plusMinutes(1))
        .build();
  }

  private static Bucket bucket(int burst, int perMinute) {
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(burst)
            .refillGreedy(Math.max(1, perMinute), Duration.ofMinutes(1)).build())
        .build();
  }

  /**
   * Takes one login attempt for {@code username}, or throws {@link RateLimitedException}. The
   * returned handle gives the attempt back when the login succeeds.
   */
  public Attempt login(String username) {
    Bucket bucket = logins.get(fold(username), n -> bucket(loginBurst, loginPerMinute));
    take(bucket, "too many failed logins for this user name");
    return () -> bucket.addTokens(1);
  }

  /** Takes one registration attempt for {@code username}, or throws {@link RateLimitedException}. */
  public void register(String username) {
    take(registrations.get(fold(username), n -> bucket(registerBurst, registerPerMinute)),
        "too many registrations of this user name");
  }

  private static void take(Bucket bucket, String why) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      throw new RateLimitedException(why + "; try again in " + seconds + " s", seconds);
    }
  }

  private static String fold(String username) {
    return username == null ? "" : username.toLowerCase(Locale.ROOT);
  }

  /** One attempt taken; {@link #succeeded} returns it. */
  @FunctionalInterface
  public interface Attempt {
    void succeeded();
  }
}
