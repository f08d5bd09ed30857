package org.quipu.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.Contact;
import org.quipu.replication.Contacted;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.Promise;
import org.quipu.replication.ReplicaEndpoint;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotReceived;

/**
 * A node-2 that answers every replication call yes and counts the calls that reach it
 * ({@link #calls}): a call its server refuses must never get here.
 */
final class CountingEndpoint implements ReplicaEndpoint {

  /** Calls that reached the endpoint; a test's forward target may count its own here too. */
  final AtomicInteger calls = new AtomicInteger();

  @Override
  public Promise newEpoch(NewEpoch request) {
    calls.incrementAndGet();
    return new Promise("node-2", true, request.epoch(), 6, 120, 118);
  }

  @Override
  public AppendReply append(Append request) {
    calls.incrementAndGet();
    return new AppendReply("node-2", AppendReply.Result.ACCEPTED, request.epoch(),
        request.lastSeq(), request.lastSeq());
  }

  @Override
  public Fetched fetch(Fetch request) {
    calls.incrementAndGet();
    return new Fetched("node-2", true, request.epoch(), java.util.List.of(), 0);
  }

  @Override
  public Contacted contact(Contact request) {
    calls.incrementAndGet();
    return new Contacted("node-2", request.epoch());
  }

  @Override
  public SnapshotReceived installSnapshot(SnapshotChunk chunk) {
    calls.incrementAndGet();
    return new SnapshotReceived("node-2", true, chunk.epoch(), 0, false, 0);
  }
}
