package org.quipu.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quipu.cluster.TransportCalls.answer;
import static org.quipu.cluster.TransportCalls.unreachable;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quipu.core.command.SendMessages;
import org.quipu.core.state.Outcome;
import org.quipu.proto.replication.v1.ForwardReply;
import org.quipu.proto.replication.v1.ForwardRequest;
import org.quipu.proto.replication.v1.ReplicationGrpc;
import org.quipu.replication.Committed;
import org.quipu.replication.ForwardTarget;
import org.quipu.replication.PeerUnreachableException;

/**
 * Forwards on a ForwardStream, over real gRPC on loopback, against a server whose calls are
 * counted by method: many forwards share one stream and are answered by id in the order they
 * commit, a forward past its deadline fails alone, a leader that stops fails the unanswered ones
 * as unknown and the next forward opens a new stream, and a leader of a version without the
 * stream gets unary Forwards.
 */
class ForwardPipelineTest {

  private static final ClusterSecret SECRET = new ClusterSecret("s".repeat(32));
  private static final ClusterPaths GROUP = new ClusterPaths(0);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  /** Calls the server was sent, by full method name. */
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private GrpcReplicationTransport follower;

  @AfterEach
  void stop() {
    if (follower != null) {
      follower.close();
    }
    servers.forEach(Server::shutdownNow);
  }

  /** A leader at {@code port} (0: any) serving {@code service}, its calls counted. */
  private int serve(int port, BindableService service) throws Exception {
    ServerInterceptor counting = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        calls.computeIfAbsent(call.getMethodDescriptor().getBareMethodName(),
            m -> new AtomicInteger()).incrementAndGet();
        return next.startCall(call, headers);
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(ServerInterceptors.intercept(service, SECRET.guard(), counting))
        .build().start();
    servers.add(server);
    return server.getPort();
  }

  /** The node's own service, handing forwarded commands to {@code leader}. */
  private static ReplicationService leaderService(ForwardTarget leader) {
    return new ReplicationService(GROUP, false, () -> new NodeStatus("node-1", 9, 0, 0, true),
        null, leader);
  }

  private void followerOf(int port) {
    follower = new GrpcReplicationTransport("node-2", GROUP, SECRET, NodeTls.plaintext(),
        Map.of("node-1", "127.0.0.1:" + port));
  }

  private static SendMessages send(String id) {
    return new SendMessages("orders", "alice",
        List.of(new SendMessages.NewMessage(id, "body of " + id, Map.of(), 0)));
  }

  private static String idOf(org.quipu.core.command.Command command) {
    return ((SendMessages) command).messages().get(0).id();
  }

  private int count(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  @Test
  void thirtyForwards_goOnOneStream_andEachGetsItsOwnAnswerWhateverOrderTheyCommitIn()
      throws Exception {
    Map<String, CompletableFuture<Committed>> commits = new ConcurrentHashMap<>();
    followerOf(serve(0, leaderService(command -> commits.computeIfAbsent(idOf(command),
        id -> new CompletableFuture<>()))));
    List<CompletableFuture<Committed>> replies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      replies.add(follower.forward("node-1", send("m-" + i), DEADLINE));
    }
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> commits.size() == 30);

    for (int i = 29; i >= 0; i--) { // the last sent commits first
      commits.get("m-" + i).complete(
          new Committed(100 + i, new Outcome.MessagesSent(List.of("m-" + i))));
    }

    for (int i = 0; i < 30; i++) {
      assertEquals(new Committed(100 + i, new Outcome.MessagesSent(List.of("m-" + i))),
          answer(replies.get(i)));
    }
    assertEquals(1, count("ForwardStream"));
    assertEquals(0, count("Forward"));
  }

  @Test
  void aForwardPastItsDeadline_failsAlone_andTheStreamGoesOn() throws Exception {
    CompletableFuture<Committed> never = new CompletableFuture<>();
    followerOf(serve(0, leaderService(command -> idOf(command).equals("slow") ? never
        : CompletableFuture.completedFuture(new Committed(7, new Outcome.Done())))));

    CompletableFuture<Committed> slow =
        follower.forward("node-1", send("slow"), Duration.ofMillis(300));
    PeerUnreachableException late = unreachable(slow);
    Committed after = answer(follower.forward("node-1", send("m-1"), DEADLINE));

    assertTrue(late.getMessage().contains("DEADLINE_EXCEEDED"), late.getMessage());
    assertEquals(7, after.seq());
    assertEquals(1, count("ForwardStream"));
  }

  @Test
  void aLeaderThatStops_failsTheUnansweredAsUnknown_andTheNextForwardOpensANewStream()
      throws Exception {
    int port = serve(0, leaderService(command -> new CompletableFuture<>()));
    followerOf(port);
    CompletableFuture<Committed> unanswered = follower.forward("node-1", send("m-1"), DEADLINE);
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> count("ForwardStream") == 1);

    servers.get(0).shutdownNow();
    PeerUnreachableException lost = unreachable(unanswered);
    servers.get(0).awaitTermination(5, TimeUnit.SECONDS);
    serve(port, leaderService(
        command -> CompletableFuture.completedFuture(new Committed(9, new Outcome.Done()))));
    Committed next = answer(follower.forward("node-1", send("m-2"), DEADLINE));

    assertFalse(lost.getMessage().contains("could not commit"), lost.getMessage());
    assertEquals(9, next.seq());
    assertEquals(2, count("ForwardStream"));
  }

  @Test
  void aLeaderWithoutForwardStream_getsEveryForwardAsAUnaryCall() throws Exception {
    List<String> forwarded = new CopyOnWriteArrayList<>();
    BindableService older = new ReplicationGrpc.ReplicationImplBase() {
      @Override
      public void forward(ForwardRequest request, StreamObserver<ForwardReply> answer) {
        int seq;
        synchronized (forwarded) {
          forwarded.add(request.getCommand().toString());
          seq = forwarded.size();
        }
        answer.onNext(ReplicationMessages.toProto(new Committed(seq, new Outcome.Done())));
        answer.onCompleted();
      }
    };
    followerOf(serve(0, older));

    CompletableFuture<Committed> first = follower.forward("node-1", send("m-1"), DEADLINE);
    CompletableFuture<Committed> second = follower.forward("node-1", send("m-2"), DEADLINE);
    CompletableFuture<Committed> third = follower.forward("node-1", send("m-3"), DEADLINE);
    Set<Long> seqs = Set.of(answer(first).seq(), answer(second).seq(), answer(third).seq());

    assertEquals(Set.of(1L, 2L, 3L), seqs);
    assertEquals(3, count("Forward"));
    assertEquals(1, count("ForwardStream"), "asked once, then never again");
  }
}
