package dev.ztna.cli;

import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.LoginResponse;
import dev.ztna.proto.identity.v1.PollFederatedLoginRequest;
import dev.ztna.proto.identity.v1.PollFederatedLoginResponse;
import dev.ztna.proto.identity.v1.StartFederatedLoginRequest;
import dev.ztna.proto.identity.v1.StartFederatedLoginResponse;
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

@Command(name = "login", mixinStandardHelpOptions = true, description = "Log in with password and TOTP code, or "
        + "through your organisation's identity provider (--sso) and TOTP; keeps a short-lived token for the other commands.")
final class LoginCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Parameters(index = "0", arity = "0..1", description = "Your username (not with --sso: the identity provider says who you are)")
    String username;

    @Option(names = "--sso", description = "Log in at the identity provider in a browser (on any device): prints a "
            + "link and a code, waits until you have logged in there, then asks for your TOTP code")
    boolean sso;

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
        if (sso == (username != null)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    sso ? "--sso takes no username: the identity provider says who you are"
                            : "Missing required parameter: '<username>' (or use --sso)");
        }
        String password = sso ? null
                : console != null ? new String(console.readPassword("Password: ")) : readLine(stdin, "password");
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        try {
            AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            String challengeId;
            boolean codeNeeded = true;
            if (sso) {
                PollFederatedLoginResponse upstream = ssoLogin(channel);
                challengeId = upstream.getChallengeId();
                codeNeeded = upstream.getMethodsCount() > 0;
                username = upstream.getUsername();
            } else {
                LoginResponse challenge = auth.login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build());
                challengeId = challenge.getChallengeId();
            }
            VerifyMfaRequest.Builder mfa = VerifyMfaRequest.newBuilder().setChallengeId(challengeId);
            if (!codeNeeded) {
                System.out.println("Your identity provider's MFA is accepted here; no code needed.");
            } else if (recoveryCode != null) {
                mfa.setRecoveryCode(recoveryCode.trim());
            } else {
                String code = totp != null ? totp : console != null ? console.readLine("TOTP code: ") : readLine(stdin, "TOTP code");
                mfa.setTotpCode(code.trim());
            }
            DeviceAgent device = noDevice ? null : DeviceAgent.load(endpoints);
            if (device != null) {
                mfa.setDevicePublicKey(ByteString.copyFrom(device.publicKey())).setDeviceProof(ByteString.copyFrom(
                        device.sign(challengeId.getBytes(StandardCharsets.UTF_8))));
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

    /** The device authorization grant, run by identity-svc against the IdP: show the link, wait for the user. */
    private static PollFederatedLoginResponse ssoLogin(ManagedChannel channel) throws InterruptedException {
        AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
        StartFederatedLoginResponse start = auth.withDeadlineAfter(30, TimeUnit.SECONDS)
                .startFederatedLogin(StartFederatedLoginRequest.getDefaultInstance());
        String link = start.getVerificationUriComplete().isEmpty() ? start.getVerificationUri()
                : start.getVerificationUriComplete();
        System.out.println("Open " + link + " in a browser and log in;");
        System.out.println("check that it shows the code " + start.getUserCode() + ". Waiting until "
                + Instant.ofEpochSecond(start.getExpireTime().getSeconds()) + "...");
        PollFederatedLoginRequest poll = PollFederatedLoginRequest.newBuilder().setLoginId(start.getLoginId()).build();
        int interval = Math.max(1, start.getIntervalSeconds());
        while (true) {
            Thread.sleep(interval * 1000L);
            PollFederatedLoginResponse answer = auth.withDeadlineAfter(30, TimeUnit.SECONDS).pollFederatedLogin(poll);
            if (!answer.getPending()) {
                System.out.println("Identity provider login done: you are " + answer.getUsername() + ".");
                return answer;
            }
            interval = Math.max(interval, answer.getIntervalSeconds());
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
