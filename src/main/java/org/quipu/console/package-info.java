/**
 * The admin console at {@code /console}: server-rendered Thymeleaf pages over the same state and
 * commands as the REST API. A second JAX-RS application with its own providers: a session cookie
 * that holds an ordinary API token ({@link org.quipu.console.ConsoleSessionFilter}), CSRF tokens on
 * every form ({@link org.quipu.console.Csrf}), and errors rendered as pages ({@link
 * org.quipu.console.ConsoleErrors}). Each page area is one resource class; templates live in
 * {@code src/main/webapp/WEB-INF/templates}.
 */
package org.quipu.console;
