package org.quipu.store;

import com.mysql.cj.jdbc.MysqlDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * The database the store's integration tests share ({@code QUIPU_STORE_IT_DB_URL}, made by {@code
 * ./quipu test}), as StateStoreIT uses it: a data source, the JPA unit on it, and a wipe that
 * migrates it afresh.
 */
final class StoreDatabase implements AutoCloseable {

  final MysqlDataSource dataSource;
  final EntityManagerFactory entities;

  StoreDatabase() {
    dataSource = new MysqlDataSource();
    dataSource.setURL(required("QUIPU_STORE_IT_DB_URL"));
    dataSource.setUser(required("QUIPU_DB_USER"));
    dataSource.setPassword(required("QUIPU_DB_PASSWORD"));
    entities = StateEntities.open(dataSource);
  }

  /** Drops every table and migrates the schema afresh: an empty node's database. */
  void wipe() {
    Flyway flyway = Flyway.configure().dataSource(dataSource).cleanDisabled(false)
        .locations("classpath:db/migration").load();
    flyway.clean();
    flyway.migrate();
  }

  /** The one number {@code sql} selects. */
  long count(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() {
    entities.close();
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set: run this through ./quipu test");
    }
    return value;
  }
}
