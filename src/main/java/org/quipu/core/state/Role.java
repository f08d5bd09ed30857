package org.quipu.core.state;

/** What a user may do: admins manage users and every queue; users manage what they own. */
public enum Role {
  ADMIN,
  USER;

  /** The lower-case name used in the API and the database. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Role fromWire(String value) {
    return Role.valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
