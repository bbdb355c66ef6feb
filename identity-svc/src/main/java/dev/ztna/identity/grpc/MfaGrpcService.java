package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import com.google.protobuf.ByteString;
import dev.ztna.common.grpc.SourceAddress;
import dev.ztna.identity.service.LoginThrottle;
import dev.ztna.identity.service.RecoveryCodes;
import dev.ztna.identity.service.TotpEnrolment;
import dev.ztna.proto.identity.v1.ConfirmTotpRequest;
import dev.ztna.proto.identity.v1.ConfirmTotpResponse;
import dev.ztna.proto.identity.v1.EnrollTotpRequest;
import dev.ztna.proto.identity.v1.EnrollTotpResponse;
import dev.ztna.proto.identity.v1.GenerateRecoveryCodesRequest;
import dev.ztna.proto.identity.v1.GenerateRecoveryCodesResponse;
import dev.ztna.proto.identity.v1.MfaService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

@GrpcService
public class MfaGrpcService implements MfaService {

    private final RecoveryCodes recoveryCodes;
    private final TotpEnrolment enrolment;

    public MfaGrpcService(RecoveryCodes recoveryCodes, TotpEnrolment enrolment) {
        this.recoveryCodes = recoveryCodes;
        this.enrolment = enrolment;
    }

    @Override
    @Blocking
    public Uni<EnrollTotpResponse> enrollTotp(EnrollTotpRequest request) {
        Caller caller = user();
        boolean totp = !request.getCurrentTotpCode().isEmpty();
        boolean recovery = !request.getRecoveryCode().isEmpty();
        if (totp == recovery) {
            throw totp ? Errors.invalidArgument("recovery_code", "send either current_totp_code or recovery_code, not both")
                    : Errors.invalidArgument("current_totp_code", "prove the current factor: current_totp_code or recovery_code");
        }
        try {
            TotpEnrolment.Pending pending = enrolment.enroll(caller,
                    totp ? Inputs.totpCode(request.getCurrentTotpCode(), "current_totp_code") : null,
                    recovery ? Inputs.recoveryCode(request.getRecoveryCode()) : null, SourceAddress.current());
            return Uni.createFrom().item(EnrollTotpResponse.newBuilder().setOtpauthUri(pending.uri())
                    .setQrPng(ByteString.copyFrom(pending.qrPng())).setExpireTime(AuthGrpcService.timestamp(pending.expiresAt()))
                    .build());
        } catch (LoginThrottle.LockedOut e) {
            throw Errors.tooManyAttempts(e.getMessage(), e.retryAfter());
        }
    }

    @Override
    @Blocking
    public Uni<ConfirmTotpResponse> confirmTotp(ConfirmTotpRequest request) {
        Caller caller = user();
        String code = Inputs.totpCode(request.getTotpCode());
        try {
            enrolment.confirm(caller, code, SourceAddress.current());
            return Uni.createFrom().item(ConfirmTotpResponse.getDefaultInstance());
        } catch (LoginThrottle.LockedOut e) {
            throw Errors.tooManyAttempts(e.getMessage(), e.retryAfter());
        }
    }

    private static Caller user() {
        Caller caller = CallerContext.current();
        if (caller.service()) {
            throw Errors.permissionDenied("USER_TOKEN_REQUIRED", "authenticators belong to users; use a user token");
        }
        return caller;
    }

    @Override
    @Blocking
    public Uni<GenerateRecoveryCodesResponse> generateRecoveryCodes(GenerateRecoveryCodesRequest request) {
        Caller caller = CallerContext.current();
        if (caller.service()) {
            throw Errors.permissionDenied("USER_TOKEN_REQUIRED", "recovery codes belong to users; use a user token");
        }
        return Uni.createFrom().item(GenerateRecoveryCodesResponse.newBuilder()
                .addAllCodes(recoveryCodes.regenerate(UUID.fromString(caller.subject()), caller.name())).build());
    }
}
