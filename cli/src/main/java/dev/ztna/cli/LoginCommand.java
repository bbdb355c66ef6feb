package dev.ztna.cli;

import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.LoginResponse;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "login", mixinStandardHelpOptions = true, description = "Log in with password and TOTP code; keeps a short-lived token for the other commands.")
final class LoginCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Parameters(index = "0", description = "Your username")
    String username;

    @Option(names = "--totp", description = "The 6-digit code from your authenticator app (asked for when omitted)")
    String totp;

    @Option(names = "--recovery-code", description = "One of your single-use recovery codes, instead of a TOTP code")
    String recoveryCode;

    @Option(names = "--no-device", description = "Do not bind this login to this machine's device key (no posture "
            + "reports: rules that require a device posture will not allow it)")
    boolean noDevice;

    @Override
    public Integer call() throws Exception {
        Console console = System.console();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String password = console != null ? new String(console.readPassword("Password: ")) : readLine(stdin, "password");
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        try {
            AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            LoginResponse challenge = auth.login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build());
            VerifyMfaRequest.Builder mfa = VerifyMfaRequest.newBuilder().setChallengeId(challenge.getChallengeId());
            if (recoveryCode != null) {
                mfa.setRecoveryCode(recoveryCode.trim());
            } else {
                String code = totp != null ? totp : console != null ? console.readLine("TOTP code: ") : readLine(stdin, "TOTP code");
                mfa.setTotpCode(code.trim());
            }
            DeviceAgent device = noDevice ? null : DeviceAgent.load(endpoints);
            if (device != null) {
                mfa.setDevicePublicKey(ByteString.copyFrom(device.publicKey())).setDeviceProof(ByteString.copyFrom(
                        device.sign(challenge.getChallengeId().getBytes(StandardCharsets.UTF_8))));
            }
            VerifyMfaResponse tokens = auth.verifyMfa(mfa.build());
            endpoints.saveToken(tokens.getAccessToken());
            if (!tokens.getRefreshToken().isEmpty()) {
                endpoints.savePrivate(Endpoints.REFRESH_FILE, tokens.getRefreshToken());
            }
            System.out.println("Logged in as " + username + " until "
                    + Instant.ofEpochSecond(tokens.getExpireTime().getSeconds()) + ".");
            if (device != null) {
                endpoints.savePrivate(DeviceAgent.ID_FILE, tokens.getDeviceId());
                try {
                    device.report(tokens.getDeviceId(), DeviceAgent.collect(Map.of()), endpoints.credentials());
                    System.out.println("Device " + tokens.getDeviceId() + ": posture reported (`ztna posture` shows it).");
                } catch (StatusRuntimeException | IOException e) {
                    System.err.println("Device posture could not be reported: " + e.getMessage());
                }
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    private static String readLine(BufferedReader in, String what) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("no " + what + " on standard input");
        }
        return line;
    }
}
