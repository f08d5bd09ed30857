/**
 * Persistence: the JDBC command log ({@link org.quipu.store.JdbcCommandLog}) and its base after
 * compaction, the state tables as JPA entities ({@link org.quipu.store.entity}, written and
 * restored by {@link org.quipu.store.JpaStateStore}, which also writes and installs snapshots of
 * them), message contents ({@link org.quipu.store.MessageContents}) and the Flyway migrations that
 * create the tables. Only this package touches the database.
 */
package org.quipu.store;
