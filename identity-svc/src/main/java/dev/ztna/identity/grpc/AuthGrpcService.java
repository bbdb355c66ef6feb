package dev.ztna.identity.grpc;

import com.google.protobuf.Timestamp;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.domain.Revocation;
import dev.ztna.identity.service.Devices;
import dev.ztna.identity.service.RefreshTokens;
import dev.ztna.proto.identity.v1.RefreshRequest;
import dev.ztna.proto.identity.v1.StepUpRequest;
import dev.ztna.proto.identity.v1.StepUpResponse;
import dev.ztna.proto.identity.v1.RefreshResponse;
import dev.ztna.identity.service.Revocations;
import dev.ztna.proto.identity.v1.IntrospectRequest;
import dev.ztna.proto.identity.v1.IntrospectResponse;
import dev.ztna.proto.identity.v1.LogoutRequest;
import dev.ztna.proto.identity.v1.LogoutResponse;
import dev.ztna.proto.identity.v1.RevocationEvent;
import dev.ztna.proto.identity.v1.RevocationKind;
import dev.ztna.proto.identity.v1.WatchRevocationsRequest;
import dev.ztna.proto.identity.v1.WatchRevocationsResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import dev.ztna.common.grpc.SourceAddress;
import dev.ztna.identity.service.AuthenticationFailure;
import dev.ztna.identity.service.Authenticator;
import dev.ztna.identity.service.LoginThrottle;
import dev.ztna.identity.service.TokenIssuer;
import dev.ztna.identity.service.WebLogins;
import dev.ztna.proto.identity.v1.RedeemWebLoginRequest;
import dev.ztna.proto.identity.v1.RedeemWebLoginResponse;
import dev.ztna.proto.identity.v1.AuthService;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.LoginResponse;
import dev.ztna.proto.identity.v1.MfaMethod;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import dev.ztna.identity.federation.DeviceLogins;
import dev.ztna.identity.federation.FederationConfig;
import dev.ztna.identity.federation.FederationRefused;

import java.time.Instant;

@GrpcService
public class AuthGrpcService implements AuthService {

    private static final int MAX_TOKEN = 8192;
    private final Authenticator authenticator;
    private final Revocations revocations;
    private final TokenVerifier verifier;
    private final RefreshTokens refreshTokens;
    private final DeviceLogins deviceLogins;
    private final FederationConfig federation;
    private final dev.ztna.identity.federation.StartLimiter startLimiter;
    private final WebLogins webLogins;

    public AuthGrpcService(Authenticator authenticator, Revocations revocations, TokenVerifier verifier,
                           RefreshTokens refreshTokens, DeviceLogins deviceLogins, FederationConfig federation,
                           dev.ztna.identity.federation.StartLimiter startLimiter, WebLogins webLogins) {
        this.authenticator = authenticator;
        this.webLogins = webLogins;
        this.startLimiter = startLimiter;
        this.deviceLogins = deviceLogins;
        this.federation = federation;
        this.refreshTokens = refreshTokens;
        this.revocations = revocations;
        this.verifier = verifier;
    }

    @Override
    @Blocking
    public Uni<RefreshResponse> refresh(RefreshRequest request) {
        String token = request.getRefreshToken();
        if (token.isEmpty() || token.length() > 128) {
            throw Errors.invalidArgument("refresh_token", "must be the refresh token VerifyMfa or Refresh returned");
        }
        TokenIssuer.Issued issued = refreshTokens.refresh(token, SourceAddress.current());
        return Uni.createFrom().item(RefreshResponse.newBuilder().setAccessToken(issued.token()).setTokenType("Bearer")
                .setExpireTime(timestamp(issued.expiresAt())).setRefreshToken(issued.refreshToken()).build());
    }

    @Override
    @Blocking
    public Uni<StepUpResponse> stepUp(StepUpRequest request) {
        Caller caller = CallerContext.current();
        if (caller.service() || caller.sessionId() == null) {
            throw Errors.failedPrecondition("NOT_A_USER_SESSION", "only a user's login session can be stepped up");
        }
        Inputs.Code code = Inputs.oneCode(request.getTotpCode(), request.getRecoveryCode(), "totp_code");
        TokenIssuer.Issued token = authenticating(() -> authenticator.stepUp(caller.subject(), caller.sessionId(),
                code.totp(), code.recovery(), SourceAddress.current()));
        return Uni.createFrom().item(StepUpResponse.newBuilder().setAccessToken(token.token())
                .setExpireTime(timestamp(token.expiresAt())).setRefreshToken(token.refreshToken()).build());
    }

    @Override
    @Blocking
    public Uni<LogoutResponse> logout(LogoutRequest request) {
        Caller caller = CallerContext.current();
        if (caller.service() || caller.sessionId() == null) {
            throw Errors.failedPrecondition("NOT_A_USER_SESSION", "only a user's login session can log out");
        }
        revocations.logout(caller);
        return Uni.createFrom().item(LogoutResponse.getDefaultInstance());
    }

    /**
     * Replays what the subscriber missed, then pushes each revocation as it commits. Subscribing to live events
     * before reading the log, and skipping anything at or below the last sequence sent, means nothing falls between.
     */
    @Override
    public Multi<WatchRevocationsResponse> watchRevocations(WatchRevocationsRequest request) {
        CallerContext.requireRole("broker", "admin");
        if (request.getAfterSequence() < 0) {
            throw Errors.invalidArgument("after_sequence", "must be 0 or a sequence this server sent");
        }
        return Multi.createFrom().<WatchRevocationsResponse>emitter(emitter -> {
            long[] last = {request.getAfterSequence()};
            java.util.List<Revocation> early = new java.util.ArrayList<>();
            boolean[] replayed = {false};
            Object lock = new Object();
            Runnable unsubscribe = revocations.subscribe(r -> {
                synchronized (lock) {
                    if (!replayed[0]) {
                        early.add(r);
                    } else if (r.sequence > last[0]) {
                        last[0] = r.sequence;
                        emitter.emit(WatchRevocationsResponse.newBuilder().addRevocations(event(r)).build());
                    }
                }
            });
            emitter.onTermination(unsubscribe);
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    java.util.List<Revocation> missed = revocations.after(request.getAfterSequence());
                    synchronized (lock) {
                        WatchRevocationsResponse.Builder first = WatchRevocationsResponse.newBuilder().setCaughtUp(true);
                        for (Revocation r : missed) {
                            first.addRevocations(event(r));
                            last[0] = Math.max(last[0], r.sequence);
                        }
                        emitter.emit(first.build());
                        for (Revocation r : early) {
                            if (r.sequence > last[0]) {
                                last[0] = r.sequence;
                                emitter.emit(WatchRevocationsResponse.newBuilder().addRevocations(event(r)).build());
                            }
                        }
                        replayed[0] = true;
                    }
                } catch (RuntimeException e) {
                    emitter.fail(Errors.unavailable("REVOCATIONS_UNAVAILABLE", "revocations cannot be read right now"));
                }
            });
        });
    }

    @Override
    @Blocking
    public Uni<IntrospectResponse> introspect(IntrospectRequest request) {
        CallerContext.requireRole("broker", "admin");
        if (request.getToken().isEmpty() || request.getToken().length() > MAX_TOKEN) {
            throw Errors.invalidArgument("token", "must be an access token (1.." + MAX_TOKEN + " characters)");
        }
        try {
            Caller subject = verifier.verify(request.getToken());
            if (revocations.isRevoked(subject) || (!subject.service() && !authenticator.isEnabled(subject.subject()))) {
                return Uni.createFrom().item(IntrospectResponse.getDefaultInstance());
            }
            IntrospectResponse.Builder out = IntrospectResponse.newBuilder().setActive(true).setSubject(subject.subject())
                    .setUsername(subject.name()).addAllGroups(subject.groups()).addAllRoles(subject.roles())
                    .addAllAmr(subject.amr());
            if (subject.sessionId() != null) {
                out.setSessionId(subject.sessionId());
            }
            return Uni.createFrom().item(out.build());
        } catch (TokenVerifier.InvalidTokenException e) {
            return Uni.createFrom().item(IntrospectResponse.getDefaultInstance());
        }
    }

    private static RevocationEvent event(Revocation r) {
        RevocationEvent.Builder e = RevocationEvent.newBuilder().setSequence(r.sequence)
                .setKind(Revocation.SESSION.equals(r.kind) ? RevocationKind.REVOCATION_KIND_SESSION : RevocationKind.REVOCATION_KIND_USER)
                .setUserId(r.userId.toString()).setUsername(r.username).setReason(r.reason)
                .setRevokeTime(timestamp(r.revokedAt));
        if (r.sessionId != null) {
            e.setSessionId(r.sessionId.toString());
        }
        return e.build();
    }

    @Override
    @Blocking
    public Uni<LoginResponse> login(LoginRequest request) {
        String username = Inputs.username(request.getUsername());
        String password = Inputs.password(request.getPassword());
        Authenticator.Challenge challenge = authenticating(() -> authenticator.login(username, password, SourceAddress.current()));
        return Uni.createFrom().item(LoginResponse.newBuilder()
                .setChallengeId(challenge.id())
                .addMethods(MfaMethod.MFA_METHOD_TOTP)
                .addMethods(MfaMethod.MFA_METHOD_RECOVERY_CODE)
                .setExpireTime(timestamp(challenge.expiresAt()))
                .build());
    }

    @Override
    @Blocking
    public Uni<VerifyMfaResponse> verifyMfa(VerifyMfaRequest request) {
        String challengeId = Inputs.challengeId(request.getChallengeId());
        Inputs.Code code = Inputs.atMostOneCode(request.getTotpCode(), request.getRecoveryCode());
        byte[] deviceKey = null;
        if (!request.getDevicePublicKey().isEmpty() || !request.getDeviceProof().isEmpty()) {
            if (request.getDevicePublicKey().size() > 1024 || request.getDeviceProof().size() > 256) {
                throw Errors.invalidArgument("device_public_key", "is too large for an EC P-256 key and signature");
            }
            deviceKey = request.getDevicePublicKey().toByteArray();
            // before the code is spent: a login that cannot prove its device fails without burning the code
            Devices.checkProof(deviceKey, request.getDeviceProof().toByteArray(), challengeId);
        }
        byte[] device = deviceKey;
        TokenIssuer.Issued token = authenticating(() -> authenticator.verifyMfa(challengeId, code.totp(), code.recovery(),
                SourceAddress.current(), device));
        VerifyMfaResponse.Builder out = VerifyMfaResponse.newBuilder()
                .setAccessToken(token.token())
                .setTokenType("Bearer")
                .setExpireTime(timestamp(token.expiresAt()));
        if (token.deviceId() != null) {
            out.setDeviceId(token.deviceId());
        }
        if (token.refreshToken() != null) {
            out.setRefreshToken(token.refreshToken());
        }
        return Uni.createFrom().item(out.build());
    }

    @Override
    @Blocking
    public Uni<RedeemWebLoginResponse> redeemWebLogin(RedeemWebLoginRequest request) {
        Caller broker = CallerContext.requireRole("broker");
        if (request.getCode().isEmpty() || request.getCode().length() > 128) {
            throw Errors.invalidArgument("code", "must be the code the login sent to the callback");
        }
        if (request.getRedirectUri().isEmpty() || request.getRedirectUri().length() > 512) {
            throw Errors.invalidArgument("redirect_uri", "must be the callback URI the code was sent to");
        }
        WebLogins.Redeemed redeemed = webLogins.redeem(request.getCode(), request.getRedirectUri(), broker.name())
                .orElseThrow(() -> Errors.failedPrecondition("WEB_CODE_INVALID",
                        "the login code is unknown, used, expired or for another app; log in again"));
        return Uni.createFrom().item(RedeemWebLoginResponse.newBuilder().setAccessToken(redeemed.token())
                .setExpiresAt(timestamp(redeemed.expiresAt())).build());
    }

    @Override
    @Blocking
    public Uni<dev.ztna.proto.identity.v1.StartFederatedLoginResponse> startFederatedLogin(
            dev.ztna.proto.identity.v1.StartFederatedLoginRequest request) {
        requireFederation();
        java.time.Duration wait = startLimiter.acquire(SourceAddress.current(), Instant.now());
        if (!wait.isZero()) {
            throw Errors.tooManyAttempts("too many SSO logins started from this address; try again later", wait);
        }
        DeviceLogins.Started started = federating(deviceLogins::start);
        return Uni.createFrom().item(dev.ztna.proto.identity.v1.StartFederatedLoginResponse.newBuilder()
                .setLoginId(started.loginId()).setUserCode(started.userCode())
                .setVerificationUri(started.verificationUri())
                .setVerificationUriComplete(started.verificationUriComplete())
                .setExpireTime(timestamp(started.expiresAt())).setIntervalSeconds(started.intervalSeconds()).build());
    }

    @Override
    @Blocking
    public Uni<dev.ztna.proto.identity.v1.PollFederatedLoginResponse> pollFederatedLogin(
            dev.ztna.proto.identity.v1.PollFederatedLoginRequest request) {
        requireFederation();
        String loginId = request.getLoginId();
        if (loginId.isEmpty() || loginId.length() > 4096 || !loginId.matches("[A-Za-z0-9_-]+")) {
            throw Errors.invalidArgument("login_id", "must be the login_id StartFederatedLogin returned");
        }
        DeviceLogins.Polled polled = federating(() -> deviceLogins.poll(loginId, SourceAddress.current()));
        var out = dev.ztna.proto.identity.v1.PollFederatedLoginResponse.newBuilder();
        if (polled.challenge() == null) {
            return Uni.createFrom().item(out.setPending(true).setIntervalSeconds(polled.intervalSeconds()).build());
        }
        out.setChallengeId(polled.challenge().id()).setExpireTime(timestamp(polled.challenge().expiresAt()))
                .setUsername(polled.username());
        if (!polled.challenge().mfaSatisfied()) {
            out.addMethods(MfaMethod.MFA_METHOD_TOTP).addMethods(MfaMethod.MFA_METHOD_RECOVERY_CODE);
        }
        return Uni.createFrom().item(out.build());
    }

    private void requireFederation() {
        if (!federation.enabled()) {
            throw Errors.failedPrecondition("FEDERATION_DISABLED", "SSO federation is not configured on this server");
        }
    }

    /** Runs a federation step, answering its refusals as gRPC errors. */
    static <T> T federating(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (FederationRefused e) {
            throw Errors.permissionDenied(e.reason(), e.getMessage());
        } catch (DeviceLogins.LoginOver e) {
            throw Errors.failedPrecondition(e.reason(), e.getMessage());
        } catch (DeviceLogins.UpstreamUnavailable e) {
            throw Errors.unavailable("UPSTREAM_UNAVAILABLE", e.getMessage());
        }
    }

    /** Runs an authentication step, answering its refusals as gRPC errors (a lockout with when to retry). */
    static <T> T authenticating(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (AuthenticationFailure e) {
            if (e.reason().equals("MFA_CODE_REQUIRED") || e.reason().equals("MFA_CODE_UNEXPECTED")) {
                throw Errors.invalidArgument("totp_code", e.getMessage());
            }
            throw Errors.unauthenticated(e.reason(), e.getMessage());
        } catch (LoginThrottle.LockedOut e) {
            throw Errors.tooManyAttempts(e.getMessage(), e.retryAfter());
        }
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
