package org.quipu.console;

/** A console request that cannot go on, shown to the user as a page with this status. */
public final class ConsoleException extends RuntimeException {

  private final int status;

  public ConsoleException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
