package dev.ztna.policy.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.PolicyEvaluator;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecideResponse;
import dev.ztna.proto.policy.v1.DecisionService;
import dev.ztna.proto.policy.v1.Effect;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.Set;
import java.util.regex.Pattern;

@GrpcService
public class DecisionGrpcService implements DecisionService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private final PolicyEvaluator evaluator;

    public DecisionGrpcService(PolicyEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Override
    @Blocking
    public Uni<DecideResponse> decide(DecideRequest request) {
        Caller caller = CallerContext.requireRole("broker");
        if (!request.hasSubject()) {
            throw Errors.invalidArgument("subject", "is required");
        }
        String username = request.getSubject().getUsername();
        if (!NAME.matcher(username).matches()) {
            throw Errors.invalidArgument("subject.username", "must be 1..128 characters of letters, digits and . _ @ -");
        }
        if (!NAME.matcher(request.getApp()).matches()) {
            throw Errors.invalidArgument("app", "must be 1..128 characters of letters, digits and . _ @ -");
        }
        if (request.getRequestId().length() > 128) {
            throw Errors.invalidArgument("request_id", "must be at most 128 characters");
        }
        CompiledPolicy.Subject subject = new CompiledPolicy.Subject(username,
                Set.copyOf(request.getSubject().getGroupsList()), Set.copyOf(request.getSubject().getRolesList()));
        CompiledPolicy.Decision decision = evaluator.decide(subject, request.getApp(), request.getRequestId(), caller.name());
        return Uni.createFrom().item(DecideResponse.newBuilder()
                .setEffect(decision.allowed() ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                .setRuleId(decision.ruleId())
                .setReason(decision.reason())
                .setPolicyVersion(decision.version())
                .build());
    }
}
