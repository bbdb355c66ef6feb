package dev.ztna.policy.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Decides against the live policy and records every decision with its full input, for audit and later replay. */
@ApplicationScoped
public class PolicyEvaluator {

    private final PolicyStore store;
    private final AuditOutbox audit;
    private final DecisionRecorder recorder;
    private final ShadowPolicy shadow;

    public PolicyEvaluator(PolicyStore store, AuditOutbox audit, DecisionRecorder recorder, ShadowPolicy shadow) {
        this.store = store;
        this.audit = audit;
        this.recorder = recorder;
        this.shadow = shadow;
    }

    /**
     * {@code input} is the request exactly as received; it is recorded with the evaluation time, so replaying the
     * recorded snapshot against another policy version asks the very same question. Completes only once the record
     * is durable (group-committed with concurrent decisions by {@link DecisionRecorder}), and fails with
     * {@link DecisionNotRecorded} if it cannot be written. Never blocks: the evaluation is in memory.
     */
    /** A decision and, for a deny, what each allow rule for the app needed that the request did not have. */
    public record Evaluated(CompiledPolicy.Decision decision, List<String> unmet) {
    }

    public CompletionStage<Evaluated> decide(CompiledPolicy.Subject subject, String app, String requestId, String caller,
                                          DecideRequest input) {
        Instant now = Instant.now();
        CompiledPolicy live = store.live();
        CompiledPolicy.Decision decision = live.decide(subject, app, now);
        List<String> unmet = decision.allowed() ? List.of() : live.explain(subject, app, now).stream()
                .filter(r -> r.allow() && !r.applies())
                .flatMap(r -> r.unmet().stream().map(u -> "rule " + r.ruleId() + ": " + u)).toList();
        AuditEvent.Builder record = audit.event("policy.decision", subject.username(),
                        decision.allowed() ? Outcome.OUTCOME_SUCCESS : Outcome.OUTCOME_FAILURE, decision.reason())
                .setApp(app)
                .putAllAttributes(Map.of(
                        "effect", decision.allowed() ? "allow" : "deny",
                        "rule_id", decision.ruleId(),
                        "policy_version", Long.toString(decision.version()),
                        "request_id", requestId,
                        "requested_by", caller,
                        "input", snapshot(input),
                        "input.time", now.toString()));
        // shadow mode: what the candidate would have answered, recorded beside the real decision, never enforced
        shadow.compare(subject, app, now, decision).ifPresent(v -> record
                .putAttributes("shadow_effect", v.allowed() ? "allow" : "deny")
                .putAttributes("shadow_rule_id", v.ruleId()));
        return recorder.record(record.build()).orTimeout(10, TimeUnit.SECONDS)
                .handle((durable, failure) -> {
                    if (failure != null) {
                        throw new DecisionNotRecorded(failure);
                    }
                    return new Evaluated(decision, unmet);
                });
    }

    /** The decision could not be recorded, so it is not given. */
    public static final class DecisionNotRecorded extends RuntimeException {
        DecisionNotRecorded(Throwable cause) {
            super("the decision could not be recorded", cause);
        }
    }

    private static final JsonFormat.Printer SNAPSHOT = JsonFormat.printer().omittingInsignificantWhitespace()
            .preservingProtoFieldNames();

    static String snapshot(DecideRequest input) {
        try {
            return SNAPSHOT.print(input);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a DecideRequest always prints as JSON", e);
        }
    }
}
