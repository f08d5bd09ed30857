package org.quipu.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import org.quipu.api.StrictJson;
import org.quipu.core.state.Message;

/** Formatting helpers the templates call as {@code ${fmt.time(millis)}} and so on. */
public final class Formats {

  static final Formats INSTANCE = new Formats();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final int PREVIEW_CHARS = 80;

  private Formats() {}

  /** A UTC time to the second; a dash for none. */
  public String time(Long millis) {
    return millis == null || millis == 0 ? "—" : TIME.format(Instant.ofEpochMilli(millis));
  }

  /** The exact RFC 3339 time, for a tooltip or a {@code <time datetime>}. */
  public String iso(Long millis) {
    return millis == null ? "" : Instant.ofEpochMilli(millis).toString();
  }

  /** A duration in milliseconds as people read it: 30 s, 5 min, 4 d. */
  public String duration(long millis) {
    long s = millis / 1000;
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return (s / 60) + " min";
    }
    if (s < 172_800) {
      return (s / 3600) + " h";
    }
    return (s / 86_400) + " d";
  }

  /** Ready, in flight (leased to a consumer) or delayed, as of {@code now}. */
  public String state(Message m, long now) {
    if (m.visibleAtMillis() <= now) {
      return "ready";
    }
    return m.leased() ? "in flight" : "delayed";
  }

  /**
   * A name as one URL path segment: a subscription's queue ({@code topic/subscription}) has a
   * slash, which must travel as {@code %2F}. Use it as {@code @{|/console/queues/${fmt.segment(q)}|}}.
   */
  public String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Headers in name order. */
  public Map<String, String> sorted(Map<String, String> headers) {
    return new TreeMap<>(headers);
  }

  /** Messages per second with one decimal. */
  public String rate(double perSecond) {
    return perSecond == 0 ? "0" : String.format("%.1f", perSecond);
  }

  /** The first characters of a body on one line. */
  public String preview(String body) {
    String line = body.replaceAll("\\s+", " ").strip();
    return line.length() <= PREVIEW_CHARS ? line : line.substring(0, PREVIEW_CHARS) + "…";
  }

  /**
   * The body pretty-printed when it is a JSON object or array that the API's strict parser
   * accepts; null when it is not (malformed, a duplicate member, too deeply nested), so the page
   * shows it as it is.
   */
  public String prettyJson(String body) {
    String trimmed = body.strip();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      return null;
    }
    return StrictJson.prettyPrinted(trimmed).orElse(null);
  }
}
