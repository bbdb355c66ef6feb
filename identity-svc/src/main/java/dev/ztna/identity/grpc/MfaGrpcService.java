package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import com.google.protobuf.ByteString;
import dev.ztna.common.grpc.SourceAddress;
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
        Inputs.Code code = Inputs.oneCode(request.getCurrentTotpCode(), request.getRecoveryCode(), "current_totp_code");
        TotpEnrolment.Pending pending = AuthGrpcService.authenticating(() -> enrolment.enroll(caller, code.totp(),
                code.recovery(), SourceAddress.current()));
        return Uni.createFrom().item(EnrollTotpResponse.newBuilder().setOtpauthUri(pending.uri())
                .setQrPng(ByteString.copyFrom(pending.qrPng())).setExpireTime(AuthGrpcService.timestamp(pending.expiresAt()))
                .build());
    }

    @Override
    @Blocking
    public Uni<ConfirmTotpResponse> confirmTotp(ConfirmTotpRequest request) {
        Caller caller = user();
        String code = Inputs.totpCode(request.getTotpCode());
        AuthGrpcService.authenticating(() -> {
            enrolment.confirm(caller, code, SourceAddress.current());
            return null;
        });
        return Uni.createFrom().item(ConfirmTotpResponse.getDefaultInstance());
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
