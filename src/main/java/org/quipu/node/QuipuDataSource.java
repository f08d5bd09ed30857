package org.quipu.node;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The node's database, from MicroProfile Config ({@code QUIPU_DB_URL}, {@code QUIPU_DB_USER},
 * {@code QUIPU_DB_PASSWORD}). Payara validates a connection before lending it, so the pool heals by
 * itself when MySQL restarts.
 */
@DataSourceDefinition(
    name = QuipuDataSource.JNDI_NAME,
    className = "com.mysql.cj.jdbc.MysqlDataSource",
    url = "${MPCONFIG=quipu.db.url}",
    user = "${MPCONFIG=quipu.db.user}",
    password = "${MPCONFIG=quipu.db.password}",
    minPoolSize = 2,
    maxPoolSize = 32,
    transactional = false,
    properties = {
      "fish.payara.is-connection-validation-required=true",
      "fish.payara.connection-validation-method=custom-validation",
      "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.MySQLConnectionValidation",
      "fish.payara.fail-all-connections=true",
      "fish.payara.connection-creation-retry-attempts=0"
    })
@ApplicationScoped
public class QuipuDataSource {
  public static final String JNDI_NAME = "java:app/jdbc/quipu";
}
