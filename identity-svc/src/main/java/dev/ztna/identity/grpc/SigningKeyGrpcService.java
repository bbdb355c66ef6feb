package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.service.SigningKeys;
import dev.ztna.proto.identity.v1.ListSigningKeysRequest;
import dev.ztna.proto.identity.v1.ListSigningKeysResponse;
import dev.ztna.proto.identity.v1.RetireSigningKeyRequest;
import dev.ztna.proto.identity.v1.RetireSigningKeyResponse;
import dev.ztna.proto.identity.v1.RotateSigningKeyRequest;
import dev.ztna.proto.identity.v1.RotateSigningKeyResponse;
import dev.ztna.proto.identity.v1.SigningKeyInfo;
import dev.ztna.proto.identity.v1.SigningKeyService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** Operators (role admin) rotate and retire the token signing keys. */
@GrpcService
public class SigningKeyGrpcService implements SigningKeyService {

    private final SigningKeys keys;

    public SigningKeyGrpcService(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    @Blocking
    public Uni<ListSigningKeysResponse> listSigningKeys(ListSigningKeysRequest request) {
        CallerContext.requireRole("admin");
        ListSigningKeysResponse.Builder out = ListSigningKeysResponse.newBuilder();
        keys.list().forEach(k -> out.addKeys(info(k)));
        return Uni.createFrom().item(out.build());
    }

    @Override
    @Blocking
    public Uni<RotateSigningKeyResponse> rotateSigningKey(RotateSigningKeyRequest request) {
        Caller caller = CallerContext.requireRole("admin");
        return Uni.createFrom().item(RotateSigningKeyResponse.newBuilder().setKey(info(keys.rotate(caller.name()))).build());
    }

    @Override
    @Blocking
    public Uni<RetireSigningKeyResponse> retireSigningKey(RetireSigningKeyRequest request) {
        Caller caller = CallerContext.requireRole("admin");
        if (request.getKid().isEmpty() || request.getKid().length() > 64) {
            throw Errors.invalidArgument("kid", "must be a key id as listed by ListSigningKeys");
        }
        switch (keys.retire(caller.name(), request.getKid())) {
            case NO_SUCH_KEY -> throw Errors.notFound("NO_SUCH_KEY", "no published signing key " + request.getKid());
            case STILL_NEEDED -> throw Errors.failedPrecondition("KEY_STILL_NEEDED", "this key signs, or tokens it "
                    + "signed may still be valid: retire it once its successor has signed for the configured "
                    + "ztna.identity.key-retire-after");
            default -> { }
        }
        return Uni.createFrom().item(RetireSigningKeyResponse.getDefaultInstance());
    }

    private static SigningKeyInfo info(SigningKeys.KeyInfo k) {
        SigningKeyInfo.Builder info = SigningKeyInfo.newBuilder().setKid(k.kid()).setSigning(k.signing())
                .setCreateTime(AuthGrpcService.timestamp(k.createdAt())).setActivateTime(AuthGrpcService.timestamp(k.activatesAt()));
        if (k.retiredAt() != null) {
            info.setRetireTime(AuthGrpcService.timestamp(k.retiredAt()));
        }
        return info.build();
    }
}
