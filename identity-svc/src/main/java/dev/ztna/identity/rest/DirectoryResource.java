package dev.ztna.identity.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.rest.Problems;
import dev.ztna.identity.grpc.DirectoryGrpcService;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.DisableUserRequest;
import dev.ztna.proto.identity.v1.EnableUserRequest;
import dev.ztna.proto.identity.v1.ListUsersRequest;
import dev.ztna.proto.identity.v1.UpdateUserRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.concurrent.Callable;

/**
 * The directory admin API over REST (role admin, see {@link AdminAuthFilter}): the same calls, checks and answers as
 * DirectoryService over gRPC — JSON bodies are the gRPC messages with their proto field names — and errors as
 * problem+json naming the field.
 */
@Path("/api/v1/directory/users")
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private final DirectoryGrpcService directory;

    public DirectoryResource(@io.quarkus.grpc.GrpcService DirectoryGrpcService directory) {
        this.directory = directory;
    }

    @GET
    public Response list(@QueryParam("page_size") @DefaultValue("0") String pageSize,
                         @QueryParam("page_token") @DefaultValue("") String pageToken,
                         @Context ContainerRequestContext request) {
        int size;
        try {
            size = Integer.parseInt(pageSize);
        } catch (NumberFormatException e) {
            return Problems.of(400, "invalid-argument", "page_size must be a number 0..1000", "page_size");
        }
        ListUsersRequest list = ListUsersRequest.newBuilder().setPageSize(size).setPageToken(pageToken).build();
        return json(200, request, () -> directory.listUsers(list));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body, @Context ContainerRequestContext request) {
        CreateUserRequest.Builder create = CreateUserRequest.newBuilder();
        Response bad = parse(body, create);
        return bad != null ? bad : json(201, request, () -> directory.createUser(create.build()));
    }

    @PATCH
    @Path("/{username}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("username") String username, String body,
                           @Context ContainerRequestContext request) {
        UpdateUserRequest.Builder update = UpdateUserRequest.newBuilder();
        Response bad = parse(body, update);
        if (bad != null) {
            return bad;
        }
        if (!update.getUsername().isEmpty() && !update.getUsername().equals(username)) {
            return Problems.of(400, "invalid-argument", "the body's username differs from the path's", "username");
        }
        update.setUsername(username);
        return json(200, request, () -> directory.updateUser(update.build()));
    }

    @POST
    @Path("/{username}/disable")
    public Response disable(@PathParam("username") String username, @QueryParam("reason") @DefaultValue("") String reason,
                            @Context ContainerRequestContext request) {
        return json(200, request, () -> directory.disableUser(DisableUserRequest.newBuilder().setUsername(username)
                .setReason(reason).build()));
    }

    @POST
    @Path("/{username}/enable")
    public Response enable(@PathParam("username") String username, @Context ContainerRequestContext request) {
        return json(200, request, () -> directory.enableUser(EnableUserRequest.newBuilder().setUsername(username).build()));
    }

    private static Response parse(String body, Message.Builder into) {
        if (body == null || body.isBlank()) {
            return Problems.of(400, "invalid-argument", "a JSON body is required", null);
        }
        try {
            PARSER.merge(body, into);
            return null;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return Problems.of(400, "invalid-argument", "the body is not a valid request: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), null);
        }
    }

    /** Runs the gRPC method as the REST caller; its StatusRuntimeException becomes problem+json (StatusProblemMapper). */
    private static Response json(int status, ContainerRequestContext request, Callable<Uni<? extends Message>> call) {
        Caller caller = (Caller) request.getProperty(AdminAuthFilter.CALLER);
        try {
            Message answer = CallerContext.callAs(caller, () -> call.call().await().indefinitely());
            return Response.status(status).entity(PRINTER.print(answer)).build();
        } catch (io.grpc.StatusRuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
