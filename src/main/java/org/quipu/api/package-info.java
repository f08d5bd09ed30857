/**
 * The REST API of {@code API.md}: JAX-RS resources that validate a request record, build a command
 * or a query, call {@link org.quipu.service.Writes} or {@link org.quipu.service.Reads} and map the result; the records they read
 * and write; and the mappers that turn every error into RFC 9457 problem+json.
 */
package org.quipu.api;
