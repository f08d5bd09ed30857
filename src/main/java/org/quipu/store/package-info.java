/**
 * Persistence: the JDBC command log ({@link org.quipu.store.JdbcCommandLog}), the state tables
 * ({@link org.quipu.store.JdbcStateStore}) and the Flyway migrations that create them. Only this
 * package touches the database.
 */
package org.quipu.store;
