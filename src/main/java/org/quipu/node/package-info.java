/**
 * Wires one node together: configuration, the datasource, Flyway, the replica state and the write
 * path, started once when the application starts; the memory alarm, metrics and health
 * checks. It holds no service the API or the console calls: those are in {@code org.quipu.service}.
 */
package org.quipu.node;
