package dev.ztna.policy.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.proto.audit.v1.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Map;
import java.util.TreeSet;

/** Decides against the live policy and records every decision with its full input, for audit and later replay. */
@ApplicationScoped
public class PolicyEvaluator {

    private final PolicyStore store;
    private final AuditOutbox audit;

    public PolicyEvaluator(PolicyStore store, AuditOutbox audit) {
        this.store = store;
        this.audit = audit;
    }

    @Transactional
    public CompiledPolicy.Decision decide(CompiledPolicy.Subject subject, String app, String requestId, String caller) {
        CompiledPolicy.Decision decision = store.live().decide(subject, app);
        audit.record(audit.event("policy.decision", subject.username(),
                        decision.allowed() ? Outcome.OUTCOME_SUCCESS : Outcome.OUTCOME_FAILURE, decision.reason())
                .setApp(app)
                .putAllAttributes(Map.of(
                        "effect", decision.allowed() ? "allow" : "deny",
                        "rule_id", decision.ruleId(),
                        "policy_version", Long.toString(decision.version()),
                        "request_id", requestId,
                        "requested_by", caller,
                        "input.groups", String.join(",", new TreeSet<>(subject.groups())),
                        "input.roles", String.join(",", new TreeSet<>(subject.roles()))))
                .build());
        return decision;
    }
}
