package dev.ztna.policy.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.DecisionInput;
import dev.ztna.policy.service.GeoIp;
import dev.ztna.policy.service.GeoIpDatabase;
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

    private final GeoIpDatabase geo;

    public DecisionGrpcService(PolicyEvaluator evaluator, PolicyChanges changes, GeoIpDatabase geo) {
        this.geo = geo;
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

    /** The request checked field by field (names prefixed with {@code prefix}), as the engine's subject. */
    static CompiledPolicy.Subject validated(DecideRequest request, String prefix, GeoIp geo) {
        if (!request.hasSubject()) {
            throw Errors.invalidArgument(prefix + "subject", "is required");
        }
        if (!NAME.matcher(request.getSubject().getUsername()).matches()) {
            throw Errors.invalidArgument(prefix + "subject.username", "must be 1..128 characters of letters, digits and . _ @ -");
        }
        if (!NAME.matcher(request.getApp()).matches()) {
            throw Errors.invalidArgument(prefix + "app", "must be 1..128 characters of letters, digits and . _ @ -");
        }
        if (request.getRequestId().length() > 128) {
            throw Errors.invalidArgument(prefix + "request_id", "must be at most 128 characters");
        }
        try {
            return DecisionInput.subject(request, geo);
        } catch (DecisionInput.BadInput e) {
            throw Errors.invalidArgument(prefix + e.field(), e.getMessage());
        }
    }

    @Override
    public Uni<DecideResponse> decide(DecideRequest request) {
        Caller caller = CallerContext.requireRole("broker");
        CompiledPolicy.Subject subject = validated(request, "", geo.current());
        // answered on the call's own event loop once the decision record is durable (never written from elsewhere);
        // a plain emitter rather than an operator chain: this is the hottest path of the suite, and each Mutiny
        // operator adds context-propagation wrappers per call
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> evaluator.decide(subject, request.getApp(), request.getRequestId(),
                caller.name(), request).whenComplete((evaluated, failure) -> {
                    Runnable answer = () -> {
                        if (failure != null) {
                            // fail closed: an unrecorded decision is no decision
                            emitter.fail(io.grpc.Status.UNAVAILABLE
                                    .withDescription("decisions cannot be recorded right now; retry").asRuntimeException());
                        } else {
                            emitter.complete(response(evaluated));
                        }
                    };
                    if (context == null) {
                        answer.run();
                    } else {
                        context.runOnContext(ignored -> answer.run());
                    }
                }));
    }

    private static DecideResponse response(PolicyEvaluator.Evaluated evaluated) {
        return DecideResponse.newBuilder()
                .setEffect(evaluated.decision().allowed() ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                .setRuleId(evaluated.decision().ruleId())
                .setReason(evaluated.decision().reason())
                .setPolicyVersion(evaluated.decision().version())
                .setObligations(obligations(evaluated.decision().obligations()))
                .addAllUnmetConditions(evaluated.unmet())
                .build();
    }
}
