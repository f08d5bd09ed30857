/**
 * Identity: password hashing, bearer tokens (random, stored only as SHA-256 hashes), and the filter
 * that turns a token into a {@link org.quipu.security.Caller} on every API request.
 */
package org.quipu.security;
