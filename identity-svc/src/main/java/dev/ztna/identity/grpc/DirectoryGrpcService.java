package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.common.crypto.Totp;
import dev.ztna.identity.service.UserDirectory;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.CreateUserResponse;
import dev.ztna.proto.identity.v1.DirectoryService;
import dev.ztna.proto.identity.v1.DisableUserRequest;
import dev.ztna.proto.identity.v1.DisableUserResponse;
import dev.ztna.proto.identity.v1.EnableUserRequest;
import dev.ztna.proto.identity.v1.EnableUserResponse;
import dev.ztna.proto.identity.v1.RevokeUserSessionsRequest;
import dev.ztna.proto.identity.v1.RevokeUserSessionsResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.LinkedHashSet;
import java.util.Set;

@GrpcService
public class DirectoryGrpcService implements DirectoryService {

    private final UserDirectory directory;

    public DirectoryGrpcService(UserDirectory directory) {
        this.directory = directory;
    }

    @Override
    @Blocking
    public Uni<CreateUserResponse> createUser(CreateUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        String password = Inputs.newPassword(request.getPassword());
        Set<String> groups = new LinkedHashSet<>();
        request.getGroupsList().forEach(g -> groups.add(Inputs.group(g)));
        try {
            UserDirectory.Created created = directory.create(admin.name(), username, password, groups, Set.of(), null);
            return Uni.createFrom().item(CreateUserResponse.newBuilder()
                    .setUserId(created.id().toString())
                    .setTotpUri(Totp.uri("ZTNA", username, created.totpSecret()))
                    .build());
        } catch (UserDirectory.UsernameTaken e) {
            throw Errors.alreadyExists("USERNAME_TAKEN", "username already exists");
        }
    }

    @Override
    @Blocking
    public Uni<DisableUserResponse> disableUser(DisableUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        String reason = Inputs.reason(request.getReason());
        change(() -> directory.disable(admin.name(), username, reason));
        return Uni.createFrom().item(DisableUserResponse.getDefaultInstance());
    }

    @Override
    @Blocking
    public Uni<EnableUserResponse> enableUser(EnableUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        change(() -> directory.enable(admin.name(), username));
        return Uni.createFrom().item(EnableUserResponse.getDefaultInstance());
    }

    @Override
    @Blocking
    public Uni<RevokeUserSessionsResponse> revokeUserSessions(RevokeUserSessionsRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        String reason = Inputs.reason(request.getReason());
        change(() -> directory.revokeSessions(admin.name(), username, reason));
        return Uni.createFrom().item(RevokeUserSessionsResponse.getDefaultInstance());
    }

    private static void change(Runnable change) {
        try {
            change.run();
        } catch (UserDirectory.NoSuchUser e) {
            throw Errors.notFound("USER_NOT_FOUND", "no such user");
        } catch (UserDirectory.AlreadyInState e) {
            throw Errors.failedPrecondition("USER_STATE", e.getMessage());
        }
    }
}
