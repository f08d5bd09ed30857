/**
 * Persistence: the JDBC implementation of the log and the state tables ({@link
 * org.quipu.store.JdbcLogStore}) and the Flyway migrations that create them. Only this package
 * touches the database.
 */
package org.quipu.store;
