package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.service.RecoveryCodes;
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

    public MfaGrpcService(RecoveryCodes recoveryCodes) {
        this.recoveryCodes = recoveryCodes;
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
