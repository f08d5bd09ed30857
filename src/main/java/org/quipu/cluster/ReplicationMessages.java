package org.quipu.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HexFormat;
import java.util.List;
import org.quipu.core.command.Command;
import org.quipu.proto.replication.v1.AppendRequest;
import org.quipu.proto.replication.v1.Caller;
import org.quipu.proto.replication.v1.ContactReply;
import org.quipu.proto.replication.v1.ContactRequest;
import org.quipu.proto.replication.v1.FetchReply;
import org.quipu.proto.replication.v1.FetchRequest;
import org.quipu.proto.replication.v1.SnapshotReply;
import org.quipu.proto.replication.v1.ForwardReply;
import org.quipu.proto.replication.v1.ForwardRequest;
import org.quipu.proto.replication.v1.NewEpochRequest;
import org.quipu.proto.replication.v1.PromiseReply;
import org.quipu.replication.Append;
import org.quipu.replication.AppendReply;
import org.quipu.replication.CommandCodec;
import org.quipu.replication.Committed;
import org.quipu.replication.Contact;
import org.quipu.replication.Contacted;
import org.quipu.replication.Fetch;
import org.quipu.replication.Fetched;
import org.quipu.replication.LogPosition;
import org.quipu.replication.SnapshotChunk;
import org.quipu.replication.SnapshotId;
import org.quipu.replication.SnapshotReceived;
import org.quipu.replication.LogEntry;
import org.quipu.replication.NewEpoch;
import org.quipu.replication.OutcomeCodec;
import org.quipu.replication.Promise;

/**
 * The one translation between the replication package's messages and {@code
 * quipu.replication.v1}, used by both ends ({@link GrpcReplicationTransport} and {@link
 * ReplicationService}): {@code fromProto(toProto(m))} equals {@code m}. A request's group, sender
 * and epoch travel in its {@link Caller}. Reading a message that this version cannot understand
 * (an unknown command or outcome, an unspecified append result) throws {@link
 * IllegalStateException}. Also the one place that marks and recognises a leader's refusal to
 * commit a forwarded command ({@link #notCommitted}). The proto {@code AppendReply} shares its
 * name with the record, so it is written out in full.
 */
final class ReplicationMessages {

  private ReplicationMessages() {}

  // ---- NewEpoch -----------------------------------------------------------------------------

  static NewEpochRequest toProto(NewEpoch request) {
    return NewEpochRequest.newBuilder()
        .setCaller(caller(request.group(), request.leaderId(), request.epoch()))
        .build();
  }

  static NewEpoch fromProto(NewEpochRequest request) {
    Caller c = request.getCaller();
    return new NewEpoch(c.getGroup(), c.getNodeId(), c.getEpoch());
  }

  static PromiseReply toProto(Promise reply) {
    return PromiseReply.newBuilder()
        .setNodeId(reply.nodeId())
        .setGranted(reply.granted())
        .setPromisedEpoch(reply.promisedEpoch())
        .setLastEpoch(reply.lastEpoch())
        .setLastSeq(reply.lastSeq())
        .setAppliedSeq(reply.appliedSeq())
        .build();
  }

  static Promise fromProto(PromiseReply reply) {
    return new Promise(reply.getNodeId(), reply.getGranted(), reply.getPromisedEpoch(),
        reply.getLastEpoch(), reply.getLastSeq(), reply.getAppliedSeq());
  }

  // ---- Contact ------------------------------------------------------------------------------

  static ContactRequest toProto(Contact request) {
    return ContactRequest.newBuilder()
        .setCaller(caller(request.group(), request.leaderId(), request.epoch()))
        .setLeaseMillis(request.leaseMillis())
        .build();
  }

  static Contact fromProto(ContactRequest request) {
    Caller c = request.getCaller();
    return new Contact(c.getGroup(), c.getNodeId(), c.getEpoch(), request.getLeaseMillis());
  }

  static ContactReply toProto(Contacted reply) {
    return ContactReply.newBuilder()
        .setNodeId(reply.nodeId())
        .setPromisedEpoch(reply.promisedEpoch())
        .build();
  }

  static Contacted fromProto(ContactReply reply) {
    return new Contacted(reply.getNodeId(), reply.getPromisedEpoch());
  }

  // ---- Append -------------------------------------------------------------------------------

  static AppendRequest toProto(Append request) {
    return AppendRequest.newBuilder()
        .setCaller(caller(request.group(), request.leaderId(), request.epoch()))
        .setPrevSeq(request.prevSeq())
        .setPrevEpoch(request.prevEpoch())
        .addAllEntries(request.entries().stream().map(CommandCodec::toProto).toList())
        .setCommitSeq(request.commitSeq())
        .setLeaseMillis(request.leaseMillis())
        .build();
  }

  static Append fromProto(AppendRequest request) {
    Caller c = request.getCaller();
    return new Append(c.getGroup(), c.getNodeId(), c.getEpoch(), request.getPrevSeq(),
        request.getPrevEpoch(), entries(request.getEntriesList()), request.getCommitSeq(),
        request.getLeaseMillis());
  }

  static org.quipu.proto.replication.v1.AppendReply toProto(AppendReply reply) {
    return org.quipu.proto.replication.v1.AppendReply.newBuilder()
        .setNodeId(reply.nodeId())
        .setResult(switch (reply.result()) {
          case ACCEPTED -> org.quipu.proto.replication.v1.AppendReply.Result.ACCEPTED;
          case STALE_EPOCH -> org.quipu.proto.replication.v1.AppendReply.Result.STALE_EPOCH;
          case MISMATCH -> org.quipu.proto.replication.v1.AppendReply.Result.MISMATCH;
        })
        .setPromisedEpoch(reply.promisedEpoch())
        .setMatchSeq(reply.matchSeq())
        .setLastSeq(reply.lastSeq())
        .setAppliedSeq(reply.appliedSeq())
        .build();
  }

  static AppendReply fromProto(org.quipu.proto.replication.v1.AppendReply reply) {
    AppendReply.Result result = switch (reply.getResult()) {
      case ACCEPTED -> AppendReply.Result.ACCEPTED;
      case STALE_EPOCH -> AppendReply.Result.STALE_EPOCH;
      case MISMATCH -> AppendReply.Result.MISMATCH;
      default -> throw new IllegalStateException("append reply without a known result: "
          + reply.getResultValue());
    };
    return new AppendReply(reply.getNodeId(), result, reply.getPromisedEpoch(),
        reply.getMatchSeq(), reply.getLastSeq(), reply.getAppliedSeq());
  }

  // ---- Fetch --------------------------------------------------------------------------------

  static FetchRequest toProto(Fetch request) {
    return FetchRequest.newBuilder()
        .setCaller(caller(request.group(), request.leaderId(), request.epoch()))
        .setAfterSeq(request.afterSeq())
        .setLimit(request.limit())
        .build();
  }

  static Fetch fromProto(FetchRequest request) {
    Caller c = request.getCaller();
    return new Fetch(c.getGroup(), c.getNodeId(), c.getEpoch(), request.getAfterSeq(),
        request.getLimit());
  }

  static FetchReply toProto(Fetched reply) {
    return FetchReply.newBuilder()
        .setNodeId(reply.nodeId())
        .setGranted(reply.granted())
        .setPromisedEpoch(reply.promisedEpoch())
        .addAllEntries(reply.entries().stream().map(CommandCodec::toProto).toList())
        .setCompactedThrough(reply.compactedThrough())
        .build();
  }

  static Fetched fromProto(FetchReply reply) {
    return new Fetched(reply.getNodeId(), reply.getGranted(), reply.getPromisedEpoch(),
        entries(reply.getEntriesList()), reply.getCompactedThrough());
  }

  // ---- InstallSnapshot ----------------------------------------------------------------------

  static org.quipu.proto.replication.v1.SnapshotChunk toProto(SnapshotChunk chunk) {
    SnapshotId id = chunk.snapshot();
    return org.quipu.proto.replication.v1.SnapshotChunk.newBuilder()
        .setCaller(caller(chunk.group(), chunk.leaderId(), chunk.epoch()))
        .setSnapshot(org.quipu.proto.replication.v1.SnapshotId.newBuilder()
            .setSeq(id.at().seq())
            .setEpoch(id.at().epoch())
            .setTimestampMillis(id.at().timestampMillis())
            .setSize(id.size())
            .setSha256(ByteString.copyFrom(HexFormat.of().parseHex(id.sha256Hex()))))
        .setOffset(chunk.offset())
        .setData(ByteString.copyFrom(chunk.data()))
        .build();
  }

  static SnapshotChunk fromProto(org.quipu.proto.replication.v1.SnapshotChunk chunk) {
    Caller c = chunk.getCaller();
    org.quipu.proto.replication.v1.SnapshotId id = chunk.getSnapshot();
    return new SnapshotChunk(c.getGroup(), c.getNodeId(), c.getEpoch(),
        new SnapshotId(new LogPosition(id.getSeq(), id.getEpoch(), id.getTimestampMillis()),
            id.getSize(), HexFormat.of().formatHex(id.getSha256().toByteArray())),
        chunk.getOffset(), chunk.getData().toByteArray());
  }

  static SnapshotReply toProto(SnapshotReceived reply) {
    return SnapshotReply.newBuilder()
        .setNodeId(reply.nodeId())
        .setAccepted(reply.accepted())
        .setPromisedEpoch(reply.promisedEpoch())
        .setReceived(reply.received())
        .setInstalled(reply.installed())
        .setAppliedSeq(reply.appliedSeq())
        .build();
  }

  static SnapshotReceived fromProto(SnapshotReply reply) {
    return new SnapshotReceived(reply.getNodeId(), reply.getAccepted(), reply.getPromisedEpoch(),
        reply.getReceived(), reply.getInstalled(), reply.getAppliedSeq());
  }

  // ---- Forward ------------------------------------------------------------------------------

  /**
   * The trailer that tells a leader's "could not commit it" (UNAVAILABLE with this key) from a
   * connection that failed (UNAVAILABLE without it), after which the outcome is unknown.
   */
  static final Metadata.Key<String> NOT_COMMITTED =
      Metadata.Key.of("quipu-not-committed", Metadata.ASCII_STRING_MARSHALLER);

  /** A forward sent by {@code sender}; its epoch is not checked, so it is sent as 0. */
  static ForwardRequest toProto(int group, String sender, Command command) {
    return ForwardRequest.newBuilder()
        .setCaller(caller(group, sender, 0))
        .setCommand(CommandCodec.toProto(command))
        .build();
  }

  static Command fromProto(ForwardRequest request) {
    return CommandCodec.fromProto(request.getCommand());
  }

  static ForwardReply toProto(Committed committed) {
    return ForwardReply.newBuilder()
        .setSeq(committed.seq())
        .setOutcome(OutcomeCodec.toProto(committed.outcome()))
        .build();
  }

  static Committed fromProto(ForwardReply reply) {
    return new Committed(reply.getSeq(), OutcomeCodec.fromProto(reply.getOutcome()));
  }

  /** The leader's answer when it could not commit a forwarded command, saying why. */
  static StatusRuntimeException notCommitted(String why) {
    Metadata trailers = new Metadata();
    trailers.put(NOT_COMMITTED, "true");
    return Status.UNAVAILABLE.withDescription(why).asRuntimeException(trailers);
  }

  /** Whether a failed Forward is the leader's own "could not commit it" ({@link #notCommitted}). */
  static boolean isNotCommitted(Throwable failed) {
    Metadata trailers = Status.trailersFromThrowable(failed);
    return Status.fromThrowable(failed).getCode() == Status.Code.UNAVAILABLE
        && trailers != null && "true".equals(trailers.get(NOT_COMMITTED));
  }

  // -------------------------------------------------------------------------------------------

  private static Caller caller(int group, String nodeId, long epoch) {
    return Caller.newBuilder().setNodeId(nodeId).setEpoch(epoch).setGroup(group).build();
  }

  private static List<LogEntry> entries(List<org.quipu.proto.command.v1.LogEntry> protos) {
    return protos.stream().map(CommandCodec::fromProto).toList();
  }
}
