package dev.ztna.cli;

import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.ReauthenticateRequest;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.StepUpRequest;
import dev.ztna.proto.identity.v1.StepUpResponse;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Step-up: prove MFA again for this login; with --session, resume a session paused for re-authentication. */
@Command(name = "reauth", mixinStandardHelpOptions = true,
        description = "Re-verify MFA for this login (fresh auth_time), and resume a session paused by its policy's "
                + "re-authentication interval.")
final class ReauthCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Option(names = "--totp", description = "A code from your authenticator (asked for when omitted)")
    String totp;

    @Option(names = "--recovery-code", description = "One of your recovery codes, instead of a TOTP code")
    String recoveryCode;

    @Option(names = "--session", description = "The paused session to resume (as `ztna connect` printed it)")
    String sessionId;

    @Override
    public Integer call() throws Exception {
        StepUpRequest.Builder request = StepUpRequest.newBuilder();
        if (recoveryCode != null) {
            request.setRecoveryCode(recoveryCode.trim());
        } else {
            String code = totp;
            if (code == null) {
                code = System.console() != null ? System.console().readLine("TOTP code: ")
                        : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            request.setTotpCode(code == null ? "" : code.trim());
        }
        ManagedChannel identity = endpoints.channel(endpoints.identity);
        StepUpResponse stepped;
        try {
            stepped = AuthServiceGrpc.newBlockingStub(identity).withCallCredentials(endpoints.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).stepUp(request.build());
        } finally {
            identity.shutdownNow();
        }
        endpoints.saveToken(stepped.getAccessToken());
        endpoints.savePrivate(Endpoints.REFRESH_FILE, stepped.getRefreshToken());
        System.out.println("MFA re-verified.");
        if (sessionId != null) {
            ManagedChannel broker = endpoints.channel(endpoints.broker);
            try {
                AccessServiceGrpc.newBlockingStub(broker).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .reauthenticate(ReauthenticateRequest.newBuilder().setSessionId(sessionId).build());
                System.out.println("Session " + sessionId + " resumed: new connections go through again.");
            } finally {
                broker.shutdownNow();
            }
        }
        return 0;
    }
}
