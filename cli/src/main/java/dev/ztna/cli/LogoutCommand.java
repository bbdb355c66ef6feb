package dev.ztna.cli;

import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.LogoutRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Ends the login session at identity-svc (its token dies everywhere, live tunnels are cut) and forgets the token. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "End this login at identity-svc (every broker cuts its sessions) and forget the token kept here.")
final class LogoutCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() throws Exception {
        Path file = endpoints.configDir.resolve("token");
        if (!Files.exists(file)) {
            System.out.println("Not logged in.");
            return 0;
        }
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        String outcome;
        try {
            AuthServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                    .withDeadlineAfter(15, TimeUnit.SECONDS).logout(LogoutRequest.getDefaultInstance());
            outcome = "Logged out: this login's token is revoked everywhere.";
        } catch (StatusRuntimeException e) {
            // an expired or already revoked token needs no revoking; an unreachable identity-svc leaves it to expire
            outcome = switch (e.getStatus().getCode()) {
                case UNAUTHENTICATED -> "Logged out (the token had already expired or been revoked).";
                default -> "Logged out here, but identity-svc could not be told (" + e.getStatus().getCode()
                        + "): the token stays valid until it expires.";
            };
        } finally {
            channel.shutdownNow();
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(endpoints.configDir.resolve(Endpoints.REFRESH_FILE));
        System.out.println(outcome);
        return 0;
    }
}
