package dev.ztna.identity.grpc;

import com.google.protobuf.Timestamp;
import dev.ztna.common.error.Errors;
import dev.ztna.common.grpc.SourceAddress;
import dev.ztna.identity.service.AuthenticationFailure;
import dev.ztna.identity.service.Authenticator;
import dev.ztna.identity.service.LoginThrottle;
import dev.ztna.identity.service.TokenIssuer;
import dev.ztna.proto.identity.v1.AuthService;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.LoginResponse;
import dev.ztna.proto.identity.v1.MfaMethod;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.identity.v1.VerifyMfaResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.time.Instant;

@GrpcService
public class AuthGrpcService implements AuthService {

    private final Authenticator authenticator;

    public AuthGrpcService(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    @Blocking
    public Uni<LoginResponse> login(LoginRequest request) {
        String username = Inputs.username(request.getUsername());
        String password = Inputs.password(request.getPassword());
        try {
            Authenticator.Challenge challenge = authenticator.login(username, password, SourceAddress.current());
            return Uni.createFrom().item(LoginResponse.newBuilder()
                    .setChallengeId(challenge.id())
                    .addMethods(MfaMethod.MFA_METHOD_TOTP)
                    .addMethods(MfaMethod.MFA_METHOD_RECOVERY_CODE)
                    .setExpireTime(timestamp(challenge.expiresAt()))
                    .build());
        } catch (AuthenticationFailure e) {
            throw Errors.unauthenticated(e.reason(), e.getMessage());
        } catch (LoginThrottle.LockedOut e) {
            throw Errors.tooManyAttempts(e.getMessage(), e.retryAfter());
        }
    }

    @Override
    @Blocking
    public Uni<VerifyMfaResponse> verifyMfa(VerifyMfaRequest request) {
        String challengeId = Inputs.challengeId(request.getChallengeId());
        boolean totp = !request.getTotpCode().isEmpty();
        boolean recovery = !request.getRecoveryCode().isEmpty();
        if (totp == recovery) {
            throw totp ? Errors.invalidArgument("recovery_code", "send either totp_code or recovery_code, not both")
                    : Errors.invalidArgument("totp_code", "one of totp_code or recovery_code is required");
        }
        String code = totp ? Inputs.totpCode(request.getTotpCode()) : null;
        String recoveryCode = recovery ? Inputs.recoveryCode(request.getRecoveryCode()) : null;
        try {
            TokenIssuer.Issued token = authenticator.verifyMfa(challengeId, code, recoveryCode, SourceAddress.current());
            return Uni.createFrom().item(VerifyMfaResponse.newBuilder()
                    .setAccessToken(token.token())
                    .setTokenType("Bearer")
                    .setExpireTime(timestamp(token.expiresAt()))
                    .build());
        } catch (AuthenticationFailure e) {
            throw Errors.unauthenticated(e.reason(), e.getMessage());
        } catch (LoginThrottle.LockedOut e) {
            throw Errors.tooManyAttempts(e.getMessage(), e.retryAfter());
        }
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
