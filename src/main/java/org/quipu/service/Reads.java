package org.quipu.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Function;
import org.quipu.core.state.Broker;
import org.quipu.node.Node;
import org.quipu.store.MessageContents;

/**
 * Reads for the API and the console: {@link #query} this node's applied state under its read
 * lock, and {@link #contents} for message bodies and headers, which that state does not hold.
 */
@ApplicationScoped
public class Reads {

  @Inject Node node;

  public <T> T query(Function<Broker, T> read) {
    return node.state().read(read);
  }

  /** Bodies and headers of messages, which {@link #query} does not see. */
  public MessageContents contents() {
    return node.contents();
  }

  public long appliedSeq() {
    return node.state().appliedSeq();
  }
}
