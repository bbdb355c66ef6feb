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
import dev.ztna.policy.service.GeoIpDatabase;
import dev.ztna.policy.service.ShadowPolicy;
import dev.ztna.proto.policy.v1.DeleteShadowPolicyRequest;
import dev.ztna.proto.policy.v1.DeleteShadowPolicyResponse;
import dev.ztna.proto.policy.v1.GetShadowSummaryRequest;
import dev.ztna.proto.policy.v1.GetShadowSummaryResponse;
import dev.ztna.proto.policy.v1.PutShadowPolicyRequest;
import dev.ztna.proto.policy.v1.PutShadowPolicyResponse;
import dev.ztna.proto.policy.v1.ShadowCount;
import dev.ztna.proto.policy.v1.ShadowExample;
import dev.ztna.policy.service.PolicyStore;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.GetPolicyRequest;
import dev.ztna.proto.policy.v1.GetPolicyResponse;
import dev.ztna.proto.policy.v1.PolicyAdminService;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import dev.ztna.proto.policy.v1.PutPolicyResponse;
import dev.ztna.policy.config.PolicyConfig;
import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.RecordedDecisions;
import dev.ztna.policy.service.Simulator;
import dev.ztna.policy.service.PolicyDiff;
import dev.ztna.proto.policy.v1.DiffPolicyRequest;
import dev.ztna.proto.policy.v1.DiffPolicyResponse;
import dev.ztna.proto.policy.v1.ListPolicyVersionsRequest;
import dev.ztna.proto.policy.v1.ListPolicyVersionsResponse;
import dev.ztna.proto.policy.v1.PolicyVersionInfo;
import dev.ztna.proto.policy.v1.RollbackPolicyRequest;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.ExplainRequest;
import dev.ztna.proto.policy.v1.ExplainResponse;
import dev.ztna.proto.policy.v1.RuleEvaluation;
import dev.ztna.proto.policy.v1.SimulateRequest;
import dev.ztna.proto.policy.v1.SimulateResponse;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.Instant;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

@GrpcService
public class PolicyAdminGrpcService implements PolicyAdminService {

    static final Duration MAX_WINDOW = Duration.ofDays(90);
    private final PolicyStore store;
    private final RecordedDecisions recorded;
    private final PolicyConfig config;

    private final GeoIpDatabase geo;
    private final ShadowPolicy shadow;

    public PolicyAdminGrpcService(PolicyStore store, RecordedDecisions recorded, PolicyConfig config, GeoIpDatabase geo,
                                  ShadowPolicy shadow) {
        this.geo = geo;
        this.shadow = shadow;
        this.store = store;
        this.recorded = recorded;
        this.config = config;
    }

    @Override
    @Blocking
    public Uni<PutPolicyResponse> putPolicy(PutPolicyRequest request) {
        Caller caller = CallerContext.requireRole("policy-admin");
        PolicyCompiler.Format format = format(request.getFormat());
        try {
            long version = store.put(request.getDocument(), format, caller.name());
            return Uni.createFrom().item(PutPolicyResponse.newBuilder().setVersion(version).build());
        } catch (PolicyCompiler.InvalidPolicyException e) {
            throw rejected(e, "policy rejected, the live version is unchanged: ");
        }
    }

    @Override
    @Blocking
    public Uni<SimulateResponse> simulate(SimulateRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        PolicyCompiler.Format format = format(request.getFormat());
        Instant to = request.hasTo() ? instant(request.getTo()) : Instant.now();
        Instant from = request.hasFrom() ? instant(request.getFrom()) : to.minus(Duration.ofDays(7));
        if (!from.isBefore(to)) {
            throw Errors.invalidArgument("from", "must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw Errors.invalidArgument("to", "the window may span at most " + MAX_WINDOW.toDays() + " days");
        }
        CompiledPolicy candidate;
        try {
            candidate = PolicyCompiler.compile(request.getDocument(), format, 0);
        } catch (PolicyCompiler.InvalidPolicyException e) {
            throw rejected(e, "candidate policy is invalid: ");
        }
        Simulator simulator = new Simulator(candidate, geo.current());
        boolean complete;
        try {
            complete = recorded.forEach(from, to, config.simulationMaxDecisions(), simulator::replay);
        } catch (RecordedDecisions.Unavailable e) {
            throw Status.UNAVAILABLE.withDescription("recorded decisions cannot be read from audit-svc: " + e.getMessage())
                    .asRuntimeException();
        }
        if (!complete) {
            throw Status.FAILED_PRECONDITION.withDescription("the window holds more than "
                    + config.simulationMaxDecisions() + " recorded decisions; narrow from/to").asRuntimeException();
        }
        return Uni.createFrom().item(simulator.result());
    }

    @Override
    public Uni<ExplainResponse> explain(ExplainRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        CompiledPolicy.Subject subject = DecisionGrpcService.validated(request.getRequest(), "request.", geo.current());
        Instant at = request.hasTime() ? instant(request.getTime()) : Instant.now();
        CompiledPolicy live = store.live();
        String app = request.getRequest().getApp();
        CompiledPolicy.Decision decision = live.decide(subject, app, at);
        ExplainResponse.Builder out = ExplainResponse.newBuilder()
                .setEffect(decision.allowed() ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                .setRuleId(decision.ruleId()).setReason(decision.reason()).setPolicyVersion(decision.version());
        for (CompiledPolicy.RuleEvaluation rule : live.explain(subject, app, at)) {
            out.addRules(RuleEvaluation.newBuilder().setRuleId(rule.ruleId())
                    .setEffect(rule.allow() ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                    .setApplies(rule.applies()).addAllUnmet(rule.unmet()));
        }
        return Uni.createFrom().item(out.build());
    }

    private static PolicyCompiler.Format format(DocumentFormat format) {
        return switch (format) {
            case DOCUMENT_FORMAT_YAML -> PolicyCompiler.Format.YAML;
            case DOCUMENT_FORMAT_JSON -> PolicyCompiler.Format.JSON;
            default -> throw Errors.invalidArgument("format", "must be DOCUMENT_FORMAT_YAML or DOCUMENT_FORMAT_JSON");
        };
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** INVALID_ARGUMENT with every located error as a field violation. */
    @Override
    @Blocking
    public Uni<PutShadowPolicyResponse> putShadowPolicy(PutShadowPolicyRequest request) {
        Caller caller = CallerContext.requireRole("policy-admin");
        PolicyCompiler.Format format = format(request.getFormat());
        try {
            Instant since = shadow.put(request.getDocument(), format, caller.name());
            return Uni.createFrom().item(PutShadowPolicyResponse.newBuilder().setStartTime(timestamp(since)).build());
        } catch (PolicyCompiler.InvalidPolicyException e) {
            throw rejected(e, "shadow policy rejected: ");
        }
    }

    @Override
    @Blocking
    public Uni<GetShadowSummaryResponse> getShadowSummary(GetShadowSummaryRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        GetShadowSummaryResponse.Builder out = GetShadowSummaryResponse.newBuilder();
        shadow.current().ifPresent(s -> {
            out.setActive(true).setStartTime(timestamp(s.since())).setAuthor(s.author()).setCompared(s.compared())
                    .setNewlyDenied(s.newlyDenied()).setNewlyAllowed(s.newlyAllowed());
            counts(s.byUser()).forEach(out::addByUser);
            counts(s.byApp()).forEach(out::addByApp);
            counts(s.byRule()).forEach(out::addByRule);
            for (ShadowPolicy.Example e : s.recent()) {
                out.addRecent(ShadowExample.newBuilder().setTime(timestamp(e.time())).setUsername(e.username())
                        .setApp(e.app()).setLiveEffect(effect(e.liveAllowed())).setLiveRuleId(e.liveRule())
                        .setShadowEffect(effect(e.shadowAllowed())).setShadowRuleId(e.shadowRule()));
            }
        });
        return Uni.createFrom().item(out.build());
    }

    @Override
    @Blocking
    public Uni<DeleteShadowPolicyResponse> deleteShadowPolicy(DeleteShadowPolicyRequest request) {
        Caller caller = CallerContext.requireRole("policy-admin");
        if (!shadow.delete(caller.name())) {
            throw Errors.notFound("NO_SHADOW_POLICY", "no shadow policy is being evaluated");
        }
        return Uni.createFrom().item(DeleteShadowPolicyResponse.getDefaultInstance());
    }

    private static java.util.List<ShadowCount> counts(java.util.List<ShadowPolicy.Count> counts) {
        return counts.stream().map(c -> ShadowCount.newBuilder().setKey(c.key()).setNewlyDenied(c.newlyDenied())
                .setNewlyAllowed(c.newlyAllowed()).build()).toList();
    }

    private static Effect effect(boolean allowed) {
        return allowed ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY;
    }

    private static RuntimeException rejected(PolicyCompiler.InvalidPolicyException e, String prefix) {
        BadRequest.Builder violations = BadRequest.newBuilder();
        e.errors().forEach(err -> violations.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                .setField(err.location() + "." + err.field()).setDescription(err.message())));
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT.getNumber())
                .setMessage(prefix + e.errors().get(0)
                        + (e.errors().size() > 1 ? " (and " + (e.errors().size() - 1) + " more)" : ""))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("POLICY_INVALID").setDomain(Errors.DOMAIN).build()))
                .addDetails(Any.pack(violations.build()))
                .build());
    }

    @Override
    @Blocking
    public Uni<GetPolicyResponse> getPolicy(GetPolicyRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        if (request.getVersion() < 0) {
            throw Errors.invalidArgument("version", "must be a stored version, or 0 for the live one");
        }
        PolicyVersion version = (request.getVersion() == 0 ? store.latest() : store.version(request.getVersion()))
                .orElseThrow(() -> Errors.notFound("NO_POLICY", request.getVersion() == 0
                        ? "no policy has been stored yet" : "no policy version " + request.getVersion()));
        return Uni.createFrom().item(GetPolicyResponse.newBuilder()
                .setVersion(version.version)
                .setDocument(version.document)
                .setFormat("json".equals(version.format) ? DocumentFormat.DOCUMENT_FORMAT_JSON : DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setAuthor(version.author)
                .setCreateTime(Timestamp.newBuilder().setSeconds(version.createdAt.getEpochSecond()))
                .build());
    }

    @Override
    @Blocking
    public Uni<ListPolicyVersionsResponse> listPolicyVersions(ListPolicyVersionsRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        int size = request.getPageSize() == 0 ? 50 : request.getPageSize();
        if (size < 1 || size > 500) {
            throw Errors.invalidArgument("page_size", "must be 1..500 (0 for the default of 50)");
        }
        if (request.getBeforeVersion() < 0) {
            throw Errors.invalidArgument("before_version", "must not be negative");
        }
        long live = store.live().version();
        ListPolicyVersionsResponse.Builder out = ListPolicyVersionsResponse.newBuilder();
        for (PolicyVersion v : store.versions(request.getBeforeVersion(), size)) {
            out.addVersions(PolicyVersionInfo.newBuilder().setVersion(v.version).setAuthor(v.author)
                    .setCreateTime(Timestamp.newBuilder().setSeconds(v.createdAt.getEpochSecond()))
                    .setLive(v.version == live));
        }
        return Uni.createFrom().item(out.build());
    }

    @Override
    @Blocking
    public Uni<DiffPolicyResponse> diffPolicy(DiffPolicyRequest request) {
        CallerContext.requireRole("policy-admin", "auditor");
        PolicyVersion from = stored("from_version", request.getFromVersion());
        PolicyVersion to = stored("to_version", request.getToVersion());
        PolicyDiff.Result diff = PolicyDiff.of(from.version, from.document, to.version, to.document);
        return Uni.createFrom().item(DiffPolicyResponse.newBuilder().setUnifiedDiff(diff.unified())
                .setLinesAdded(diff.added()).setLinesRemoved(diff.removed()).build());
    }

    @Override
    @Blocking
    public Uni<PutPolicyResponse> rollbackPolicy(RollbackPolicyRequest request) {
        Caller caller = CallerContext.requireRole("policy-admin");
        if (request.getVersion() < 1) {
            throw Errors.invalidArgument("version", "must be a stored version (1 or more)");
        }
        try {
            long version = store.rollback(request.getVersion(), caller.name())
                    .orElseThrow(() -> Errors.notFound("NO_POLICY", "no policy version " + request.getVersion()));
            return Uni.createFrom().item(PutPolicyResponse.newBuilder().setVersion(version).build());
        } catch (PolicyCompiler.InvalidPolicyException e) {
            throw rejected(e, "version " + request.getVersion() + " cannot be made live again: ");
        }
    }

    private PolicyVersion stored(String field, long version) {
        if (version < 1) {
            throw Errors.invalidArgument(field, "must be a stored version (1 or more)");
        }
        return store.version(version).orElseThrow(() -> Errors.notFound("NO_POLICY", "no policy version " + version));
    }
}
