package dev.ztna.policy.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.policy.domain.PolicyVersion;
import dev.ztna.policy.service.PolicyCompiler;
import dev.ztna.policy.service.PolicyStore;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.GetPolicyRequest;
import dev.ztna.proto.policy.v1.GetPolicyResponse;
import dev.ztna.proto.policy.v1.PolicyAdminService;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import dev.ztna.proto.policy.v1.PutPolicyResponse;
import io.grpc.protobuf.StatusProto;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

@GrpcService
public class PolicyAdminGrpcService implements PolicyAdminService {

    private final PolicyStore store;

    public PolicyAdminGrpcService(PolicyStore store) {
        this.store = store;
    }

    @Override
    @Blocking
    public Uni<PutPolicyResponse> putPolicy(PutPolicyRequest request) {
        Caller caller = CallerContext.requireRole("policy-admin");
        PolicyCompiler.Format format = switch (request.getFormat()) {
            case DOCUMENT_FORMAT_YAML -> PolicyCompiler.Format.YAML;
            case DOCUMENT_FORMAT_JSON -> PolicyCompiler.Format.JSON;
            default -> throw Errors.invalidArgument("format", "must be DOCUMENT_FORMAT_YAML or DOCUMENT_FORMAT_JSON");
        };
        try {
            long version = store.put(request.getDocument(), format, caller.name());
            return Uni.createFrom().item(PutPolicyResponse.newBuilder().setVersion(version).build());
        } catch (PolicyCompiler.InvalidPolicyException e) {
            BadRequest.Builder violations = BadRequest.newBuilder();
            e.errors().forEach(err -> violations.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField(err.location() + "." + err.field()).setDescription(err.message())));
            throw StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT.getNumber())
                    .setMessage("policy rejected, the live version is unchanged: " + e.errors().get(0)
                            + (e.errors().size() > 1 ? " (and " + (e.errors().size() - 1) + " more)" : ""))
                    .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("POLICY_INVALID").setDomain(Errors.DOMAIN).build()))
                    .addDetails(Any.pack(violations.build()))
                    .build());
        }
    }

    @Override
    @Blocking
    public Uni<GetPolicyResponse> getPolicy(GetPolicyRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        PolicyVersion version = store.latest()
                .orElseThrow(() -> Errors.notFound("NO_POLICY", "no policy has been stored yet"));
        return Uni.createFrom().item(GetPolicyResponse.newBuilder()
                .setVersion(version.version)
                .setDocument(version.document)
                .setFormat("json".equals(version.format) ? DocumentFormat.DOCUMENT_FORMAT_JSON : DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setAuthor(version.author)
                .setCreateTime(Timestamp.newBuilder().setSeconds(version.createdAt.getEpochSecond()))
                .build());
    }
}
