package dev.ztna.audit.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.ztna.audit.domain.TreeHead;
import dev.ztna.audit.service.AuditTree;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.proto.audit.v1.AuditQueryService;
import dev.ztna.proto.audit.v1.GetTreeHeadRequest;
import dev.ztna.proto.audit.v1.GetTreeHeadResponse;
import dev.ztna.proto.audit.v1.ProveConsistencyRequest;
import dev.ztna.proto.audit.v1.ProveConsistencyResponse;
import dev.ztna.proto.audit.v1.ProveInclusionRequest;
import dev.ztna.proto.audit.v1.ProveInclusionResponse;
import dev.ztna.proto.audit.v1.SignedTreeHead;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

@GrpcService
public class AuditQueryGrpcService implements AuditQueryService {

    private final AuditTree tree;

    public AuditQueryGrpcService(AuditTree tree) {
        this.tree = tree;
    }

    @Override
    @Blocking
    public Uni<GetTreeHeadResponse> getTreeHead(GetTreeHeadRequest request) {
        CallerContext.requireRole("auditor", "admin");
        TreeHead head = request.getFresh() ? tree.signHead()
                : tree.latestHead().orElseGet(tree::signHead);
        return Uni.createFrom().item(GetTreeHeadResponse.newBuilder().setTreeHead(toProto(head)).build());
    }

    @Override
    @Blocking
    public Uni<ProveInclusionResponse> proveInclusion(ProveInclusionRequest request) {
        CallerContext.requireRole("auditor", "admin");
        UUID id;
        try {
            id = UUID.fromString(request.getEventId());
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument("event_id", "must be a UUID");
        }
        if (request.getTreeSize() < 0) {
            throw Errors.invalidArgument("tree_size", "must not be negative");
        }
        try {
            AuditTree.Inclusion proof = tree.proveInclusion(id, request.getTreeSize());
            ProveInclusionResponse.Builder out = ProveInclusionResponse.newBuilder()
                    .setLeafIndex(proof.leafIndex()).setTreeSize(proof.treeSize())
                    .setLeafHash(ByteString.copyFrom(proof.leafHash())).setPayload(ByteString.copyFrom(proof.payload()));
            proof.path().forEach(h -> out.addAuditPath(ByteString.copyFrom(h)));
            return Uni.createFrom().item(out.build());
        } catch (AuditTree.ProofUnavailable e) {
            throw Errors.notFound("PROOF_UNAVAILABLE", e.getMessage());
        }
    }

    @Override
    @Blocking
    public Uni<ProveConsistencyResponse> proveConsistency(ProveConsistencyRequest request) {
        CallerContext.requireRole("auditor", "admin");
        if (request.getFirstTreeSize() < 1) {
            throw Errors.invalidArgument("first_tree_size", "must be at least 1");
        }
        if (request.getSecondTreeSize() < request.getFirstTreeSize()) {
            throw Errors.invalidArgument("second_tree_size", "must not be smaller than first_tree_size");
        }
        try {
            ProveConsistencyResponse.Builder out = ProveConsistencyResponse.newBuilder();
            tree.proveConsistency(request.getFirstTreeSize(), request.getSecondTreeSize())
                    .forEach(h -> out.addProof(ByteString.copyFrom(h)));
            return Uni.createFrom().item(out.build());
        } catch (AuditTree.ProofUnavailable e) {
            throw Errors.notFound("PROOF_UNAVAILABLE", e.getMessage());
        }
    }

    static SignedTreeHead toProto(TreeHead head) {
        return SignedTreeHead.newBuilder()
                .setTreeSize(head.treeSize)
                .setRootHash(ByteString.copyFrom(head.rootHash))
                .setIssueTime(Timestamp.newBuilder().setSeconds(head.issuedAt.getEpochSecond()).setNanos(head.issuedAt.getNano()))
                .setKeyId(head.keyId)
                .setSignature(ByteString.copyFrom(head.signature))
                .build();
    }
}
