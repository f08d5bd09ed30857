package org.quipu.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quipu.core.command.QueuePatch;
import org.quipu.core.command.UpdateQueue;
import org.quipu.core.state.QueueAttributes;

class CommandCodecTest {

  @Test
  void updateQueue_roundTripsItsPatch() {
    var command = new UpdateQueue("q", "alice", new QueuePatch(5_000L, null, null, null, 7, false, true, false));
    assertEquals(command, CommandCodec.fromProto(CommandCodec.toProto(command)));
  }

  @Test
  void updateQueue_writtenBeforePatches_decodesAsAPatchThatSetsEveryAttribute() {
    var old = org.quipu.proto.command.v1.Command.newBuilder().setUpdateQueue(
        org.quipu.proto.command.v1.UpdateQueue.newBuilder().setName("q").setActor("alice")
            .setAttributes(org.quipu.proto.command.v1.QueueAttributes.newBuilder()
                .setVisibilityTimeoutMillis(1_000).setRetentionMillis(60_000).setShared(true)))
        .build();

    var decoded = (UpdateQueue) CommandCodec.fromProto(old);

    QueueAttributes before = new QueueAttributes(30_000, 3, "dlq", 90_000, 10, false);
    assertEquals(new QueueAttributes(1_000, null, null, 60_000, null, true),
        decoded.patch().applyTo(before));
  }
}
