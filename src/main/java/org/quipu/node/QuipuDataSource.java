package org.quipu.node;

/**
 * The node's database: a pool defined in {@code WEB-INF/glassfish-resources.xml} from
 * MicroProfile Config ({@code QUIPU_DB_URL}, {@code QUIPU_DB_USER}, {@code QUIPU_DB_PASSWORD}),
 * used by the command log, Flyway and the JPA unit {@code quipu}.
 */
public final class QuipuDataSource {
  public static final String JNDI_NAME = "java:app/jdbc/quipu";

  private QuipuDataSource() {}
}
