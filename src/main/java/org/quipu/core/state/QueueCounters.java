package org.quipu.core.state;

/** Ready, in-flight and delayed message counts of one queue at one instant. */
public record QueueCounters(int ready, int inFlight, int delayed) {

  public int pending() {
    return ready + inFlight + delayed;
  }
}
