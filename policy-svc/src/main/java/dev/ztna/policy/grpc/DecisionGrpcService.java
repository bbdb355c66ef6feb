package dev.ztna.policy.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.DecisionInput;
import com.google.protobuf.Timestamp;
import dev.ztna.policy.service.PolicyChanges;
import dev.ztna.policy.service.PolicyEvaluator;
import dev.ztna.proto.policy.v1.WatchPolicyChangesRequest;
import dev.ztna.proto.policy.v1.WatchPolicyChangesResponse;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecideResponse;
import dev.ztna.proto.policy.v1.DecisionService;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.Obligations;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.regex.Pattern;

@GrpcService
public class DecisionGrpcService implements DecisionService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private final PolicyEvaluator evaluator;
    private final PolicyChanges changes;

    public DecisionGrpcService(PolicyEvaluator evaluator, PolicyChanges changes) {
        this.evaluator = evaluator;
        this.changes = changes;
    }

    @Override
    public Multi<WatchPolicyChangesResponse> watchPolicyChanges(WatchPolicyChangesRequest request) {
        CallerContext.requireRole("broker");
        return changes.watch().map(c -> WatchPolicyChangesResponse.newBuilder()
                .setPolicyVersion(c.version())
                .setChangeTime(Timestamp.newBuilder().setSeconds(c.at().getEpochSecond()).setNanos(c.at().getNano()))
                .build());
    }

    static Obligations obligations(CompiledPolicy.Obligations o) {
        Obligations.Builder out = Obligations.newBuilder().setJustificationRequired(o.justificationRequired());
        if (o.maxSession() != null) {
            out.setMaxSessionDuration(duration(o.maxSession()));
        }
        if (o.idleTimeout() != null) {
            out.setIdleTimeout(duration(o.idleTimeout()));
        }
        if (o.reauthEvery() != null) {
            out.setReauthInterval(duration(o.reauthEvery()));
        }
        return out.build();
    }

    private static com.google.protobuf.Duration duration(java.time.Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    @Override
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
        CompiledPolicy.Subject subject;
        try {
            subject = DecisionInput.subject(request);
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument(e.getMessage(), "must be an IPv4 or IPv6 address");
        }
        // answered on the call's own event loop once the decision record is durable (never written from elsewhere)
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        java.util.concurrent.Executor onCallContext = context == null ? Runnable::run
                : task -> context.runOnContext(ignored -> task.run());
        return Uni.createFrom().completionStage(
                        evaluator.decide(subject, request.getApp(), request.getRequestId(), caller.name(), request))
                .emitOn(onCallContext)
                .map(decision -> DecideResponse.newBuilder()
                        .setEffect(decision.allowed() ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                        .setRuleId(decision.ruleId())
                        .setReason(decision.reason())
                        .setPolicyVersion(decision.version())
                        .setObligations(obligations(decision.obligations()))
                        .build())
                // fail closed: an unrecorded decision is no decision
                .onFailure().transform(e -> io.grpc.Status.UNAVAILABLE
                        .withDescription("decisions cannot be recorded right now; retry").asRuntimeException());
    }
}
