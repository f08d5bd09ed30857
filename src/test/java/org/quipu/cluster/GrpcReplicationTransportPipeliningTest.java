package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quipu.cluster.TransportCalls.answer;
import static org.quipu.cluster.TransportCalls.unreachable;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.PeerUnreachableException;

/**
 * The transport's appends against a scripted member over gRPC on loopback: the member records each
 * append as it arrives and answers only when the test says, so the test sees what is in flight on
 * the wire — which a real member, answering as fast as it can, hides.
 */
class GrpcReplicationTransportPipeliningTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final ClusterPaths GROUP = new ClusterPaths(3);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  /** Records the appends of every Replicate stream opened to it; answers none by itself. */
  private static final class ScriptedMember extends ReplicationGrpc.ReplicationImplBase {

    record Arrived(int stream, AppendRequest request) {}

    final BlockingQueue<Arrived> arrived = new LinkedBlockingQueue<>();
    final List<StreamObserver<org.quipu.proto.replication.v1.AppendReply>> streams =
        new CopyOnWriteArrayList<>();
    final List<Integer> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public synchronized StreamObserver<AppendRequest> replicate(
        StreamObserver<org.quipu.proto.replication.v1.AppendReply> replies) {
      int stream = streams.size();
      streams.add(replies);
      ((ServerCallStreamObserver<?>) replies).setOnCancelHandler(() -> cancelled.add(stream));
      return new StreamObserver<>() {
        @Override
        public void onNext(AppendRequest request) {
          arrived.add(new Arrived(stream, request));
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          replies.onCompleted();
        }
      };
    }

    /** The next append to arrive, on whichever stream. */
    Arrived next() throws InterruptedException {
      Arrived next = arrived.poll(10, TimeUnit.SECONDS);
      assertNotNull(next, "no append arrived within 10 s");
      return next;
    }

    /** Accepts {@code append} on its stream: matched at its own last seq. */
    void accept(Arrived append) {
      long lastSeq = append.request().getPrevSeq() + append.request().getEntriesCount();
      streams.get(append.stream()).onNext(org.quipu.proto.replication.v1.AppendReply.newBuilder()
          .setNodeId("node-2")
          .setResult(org.quipu.proto.replication.v1.AppendReply.Result.ACCEPTED)
          .setPromisedEpoch(append.request().getCaller().getEpoch())
          .setMatchSeq(lastSeq)
          .setLastSeq(lastSeq)
          .build());
    }
  }

  private final ScriptedMember member = new ScriptedMember();
  private Server server;
  private GrpcReplicationTransport transport;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(member, SECRET.guard()))
        .build()
        .start();
    transport = new GrpcReplicationTransport("node-1", GROUP, SECRET, NodeTls.plaintext(),
        Map.of("node-2", "127.0.0.1:" + server.getPort()));
  }

  @AfterEach
  void stop() throws Exception {
    transport.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Append heartbeat(long prevSeq) {
    return new Append(3, "node-1", 9, prevSeq, 9, List.of(), 119);
  }

  @Test
  void appendsSentBackToBack_allReachTheMemberBeforeAnyIsAnswered_andEachGetsItsOwnReply()
      throws Exception {
    List<CompletableFuture<AppendReply>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(transport.append("node-2", heartbeat(120 + i), DEADLINE));
    }
    List<ScriptedMember.Arrived> arrived = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      arrived.add(member.next()); // one at a time, these would wait for the reply before them
    }
    assertEquals(List.of(120L, 121L, 122L, 123L, 124L),
        arrived.stream().map(a -> a.request().getPrevSeq()).toList());
    assertEquals(List.of(0, 0, 0, 0, 0), arrived.stream().map(a -> a.stream()).toList());
    assertTrue(replies.stream().noneMatch(CompletableFuture::isDone));

    for (int i = 0; i < 5; i++) {
      member.accept(arrived.get(i));
      assertEquals(120L + i, answer(replies.get(i)).matchSeq());
    }
  }

  @Test
  void anAppendUnansweredAtItsDeadline_cancelsItsStream_failingTheAppendsBehindIt_andTheNextOpensANewOne()
      throws Exception {
    long start = System.nanoTime();
    var late = transport.append("node-2", heartbeat(120), Duration.ofMillis(300));
    var behind = transport.append("node-2", heartbeat(121), DEADLINE);
    var alsoBehind = transport.append("node-2", heartbeat(122), DEADLINE);
    member.next();
    member.next();
    member.next();

    for (var failed : List.of(late, behind, alsoBehind)) {
      PeerUnreachableException e = unreachable(failed);
      assertTrue(e.getMessage().contains("node-2 did not answer Replicate: DEADLINE_EXCEEDED"),
          e.getMessage());
    }
    long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(failedAfterMillis < DEADLINE.toMillis(),
        failedAfterMillis + " ms: the appends behind failed at their own deadline");
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> member.cancelled.equals(List.of(0)));

    var next = transport.append("node-2", heartbeat(123), DEADLINE);
    ScriptedMember.Arrived onNewStream = member.next();
    assertEquals(1, onNewStream.stream());
    member.accept(onNewStream);
    assertEquals(123L, answer(next).matchSeq());
  }

  @Test
  void aStreamTheMemberEnds_failsEveryAppendStillUnansweredOnIt() throws Exception {
    var answered = transport.append("node-2", heartbeat(120), DEADLINE);
    var unanswered = transport.append("node-2", heartbeat(121), DEADLINE);
    member.accept(member.next());
    member.next();
    assertEquals(120L, answer(answered).matchSeq());

    member.streams.get(0).onError(io.grpc.Status.UNAVAILABLE
        .withDescription("the node is stopping").asRuntimeException());
    PeerUnreachableException failed = unreachable(unanswered);
    assertTrue(failed.getMessage().contains("UNAVAILABLE (the node is stopping)"),
        failed.getMessage());
  }
}
