package org.quipu.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.quipu.core.command.CreateTopic;
import org.quipu.core.command.DeleteTopic;
import org.quipu.core.command.Publish;
import org.quipu.core.command.Subscribe;
import org.quipu.core.command.Unsubscribe;
import org.quipu.core.state.BrokerException;
import org.quipu.core.state.Outcome;
import org.quipu.core.state.TopicDefinition;
import org.quipu.core.state.TopicView;
import org.quipu.service.Writes;
import org.quipu.service.Reads;
import org.quipu.node.NodeConfig;

/**
 * {@code /topics}: topics, durable subscriptions and publishing. One instance serves every
 * request; the caller arrives as a parameter.
 */
@Path("topics")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class TopicsResource {

  @Inject Writes writes;
  @Inject Reads reads;
  @Inject NodeConfig config;
  @Inject IdempotencyKey idempotencyKey;

  @PUT
  @Path("{t}")
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> create(@PathParam("t") String name,
      @Context SecurityContext security) {
    Names.require("topic", name);
    String user = user(security);
    return writes.execute(idempotencyKey.protect(user, new CreateTopic(name, user)))
        .thenApply(c -> {
          var created = (Outcome.TopicCreated) c.outcome();
          return Response.status(created.created() ? 201 : 200).entity(view(name)).build();
        });
  }

  @GET
  public Page<TopicViews.TopicSummary> list(
      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return Paging.page("topics", reads.query(b -> b.topics()), TopicDefinition::name,
        Cursor::isName, limit, cursor, TopicViews.TopicSummary::of);
  }

  @GET
  @Path("{t}")
  public TopicViews.TopicBody get(@PathParam("t") String name) {
    return view(name);
  }

  @DELETE
  @Path("{t}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> delete(@PathParam("t") String name,
      @QueryParam("force") String forceParam, @Context SecurityContext security) {
    boolean force = QueryLimits.flag("force", forceParam);
    String user = user(security);
    return writes.execute(idempotencyKey.protect(user, new DeleteTopic(name, user, force)))
        .thenApply(c -> Response.noContent().build());
  }

  @PUT
  @Path("{t}/subscriptions/{s}")
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> subscribe(
      @PathParam("t") String topic,
      @PathParam("s") String name,
      @Context SecurityContext security, TopicRequests.Subscribe r) {
    Names.require("subscription", name);
    String bindingKey = r.bindingKey() == null ? "#" : r.bindingKey();
    var command = new Subscribe(topic, name, user(security), bindingKey, r.queue());
    return writes.execute(idempotencyKey.protect(user(security), command)).thenApply(c -> {
      var subscribed = (Outcome.Subscribed) c.outcome();
      var body = view(topic).subscriptions().stream()
          .filter(s -> s.name().equals(name))
          .findFirst()
          .orElseThrow(() -> BrokerException.notFound("subscription '" + name + "' is gone"));
      return Response.status(subscribed.created() ? 201 : 200).entity(body).build();
    });
  }

  @DELETE
  @Path("{t}/subscriptions/{s}")
  @Produces({MediaType.APPLICATION_JSON, Problem.PROBLEM_JSON_TYPE})
  public CompletionStage<Response> unsubscribe(@PathParam("t") String topic,
      @PathParam("s") String name, @Context SecurityContext security) {
    String user = user(security);
    return writes.execute(idempotencyKey.protect(user, new Unsubscribe(topic, name, user)))
        .thenApply(c -> Response.noContent().build());
  }

  @POST
  @Path("{t}/messages")
  @Consumes(MediaType.APPLICATION_JSON)
  public CompletionStage<Response> publish(@PathParam("t") String topic,
      @Context SecurityContext security, TopicRequests.Publish r) {
    BodyLimit.check(r.body(), config.maxBodyBytes());
    Map<String, String> headers = r.headers() == null ? Map.of() : r.headers();
    var command = new Publish(topic, user(security), UUID.randomUUID().toString(), r.body(),
        r.routingKey() == null ? "" : r.routingKey(), headers);
    return writes.execute(idempotencyKey.protect(user(security), command)).thenApply(c -> {
      var published = (Outcome.Published) c.outcome();
      return Response.status(201)
          .entity(new TopicViews.Published(published.id(), published.deliveredTo(), c.seq()))
          .build();
    });
  }

  private TopicViews.TopicBody view(String name) {
    long now = System.currentTimeMillis();
    TopicView view = reads.query(b -> b.topic(name, now))
        .orElseThrow(() -> BrokerException.notFound("topic '" + name + "' does not exist"));
    return TopicViews.TopicBody.of(view);
  }

  private static String user(SecurityContext security) {
    return QueuesResource.caller(security).username();
  }
}
