/**
 * Wires one node together: configuration, the datasource, Flyway, the replica state and the write
 * path, started once when the application starts; and the services the API calls ({@link
 * org.quipu.node.CommandService}, {@link org.quipu.node.Receiver}).
 */
package org.quipu.node;
