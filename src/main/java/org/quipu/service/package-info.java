/**
 * The services the API and the console share: {@link org.quipu.service.Writes} (every command, and
 * the memory alarm's refusal), {@link org.quipu.service.Reads} (the applied state and message
 * contents), {@link org.quipu.service.Receiver} (long polls) and {@link
 * org.quipu.service.Redrives} (the one rule for how much a redrive moves). Both front ends build
 * their commands here or with these rules, so they cannot drift apart.
 */
package org.quipu.service;
