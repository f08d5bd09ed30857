/**
 * The command log and the path every write takes through it: {@link
 * org.quipu.replication.GroupCommitter} gathers concurrent commands into one batch, appends it and
 * applies it in one store transaction, then answers every waiting caller. The store plugs in
 * through {@link org.quipu.replication.LogStore}; nothing here knows JDBC or the network.
 */
package org.quipu.replication;
