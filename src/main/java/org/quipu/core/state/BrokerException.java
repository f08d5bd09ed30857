package org.quipu.core.state;

/**
 * A command or query refused by the broker's rules. Thrown before anything is changed, so a
 * refused command leaves the state as it was, on every node alike.
 */
public final class BrokerException extends RuntimeException {

  /** Why the broker refused; the API maps each kind to one HTTP status. */
  public enum Kind {
    INVALID,
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    GONE
  }

  private final Kind kind;

  public BrokerException(Kind kind, String detail) {
    super(detail, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static BrokerException notFound(String detail) {
    return new BrokerException(Kind.NOT_FOUND, detail);
  }

  public static BrokerException conflict(String detail) {
    return new BrokerException(Kind.CONFLICT, detail);
  }

  public static BrokerException forbidden(String detail) {
    return new BrokerException(Kind.FORBIDDEN, detail);
  }

  public static BrokerException invalid(String detail) {
    return new BrokerException(Kind.INVALID, detail);
  }
}
