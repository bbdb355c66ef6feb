package dev.ztna.policy.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.policy.v1.ChangeCount;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionChange;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.SimulateResponse;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays recorded decisions against a candidate policy: each recorded input, at its recorded evaluation time,
 * compared with what was actually decided. Feed it events with {@link #replay}, then read {@link #result}.
 */
public final class Simulator {

    public static final int MAX_CHANGES = 1000;
    static final String DEFAULT_DENY = "(default deny)";

    private final CompiledPolicy candidate;
    private final SimulateResponse.Builder result = SimulateResponse.newBuilder();
    private final Map<String, long[]> byUser = new TreeMap<>();
    private final Map<String, long[]> byApp = new TreeMap<>();
    private final Map<String, long[]> byRule = new TreeMap<>();

    private final GeoIp geo;

    public Simulator(CompiledPolicy candidate) {
        this(candidate, GeoIp.NONE);
    }

    /** Countries of replayed source addresses come from {@code geo} (today's database, not the one of the time). */
    public Simulator(CompiledPolicy candidate, GeoIp geo) {
        this.candidate = candidate;
        this.geo = geo;
    }

    /** One recorded `policy.decision` event; others, and events without an input snapshot, are counted as skipped. */
    public void replay(AuditEvent event) {
        Map<String, String> attributes = event.getAttributesMap();
        String input = attributes.get("input");
        String time = attributes.get("input.time");
        String effect = attributes.get("effect");
        if (!"policy.decision".equals(event.getType()) || input == null || time == null || effect == null) {
            result.setSkipped(result.getSkipped() + 1);
            return;
        }
        DecideRequest request;
        Instant at;
        CompiledPolicy.Subject subject;
        try {
            DecideRequest.Builder parsed = DecideRequest.newBuilder();
            JsonFormat.parser().merge(input, parsed);
            request = parsed.build();
            at = Instant.parse(time);
            subject = DecisionInput.subject(request, geo);
        } catch (InvalidProtocolBufferException | DateTimeParseException | IllegalArgumentException e) {
            result.setSkipped(result.getSkipped() + 1);
            return;
        }
        result.setReplayed(result.getReplayed() + 1);
        boolean wasAllowed = effect.equals("allow");
        CompiledPolicy.Decision now = candidate.decide(subject, request.getApp(), at);
        if (now.allowed() == wasAllowed) {
            result.setUnchanged(result.getUnchanged() + 1);
            return;
        }
        String recordedRule = attributes.getOrDefault("rule_id", "");
        int column = now.allowed() ? 0 : 1;
        if (now.allowed()) {
            result.setNewlyAllowed(result.getNewlyAllowed() + 1);
        } else {
            result.setNewlyDenied(result.getNewlyDenied() + 1);
        }
        // the rule that makes the difference: the candidate's deciding rule, else the recorded allow that is gone
        String rule = !now.ruleId().isEmpty() ? now.ruleId() : !recordedRule.isEmpty() ? recordedRule : DEFAULT_DENY;
        byUser.computeIfAbsent(subject.username(), k -> new long[2])[column]++;
        byApp.computeIfAbsent(request.getApp(), k -> new long[2])[column]++;
        byRule.computeIfAbsent(rule, k -> new long[2])[column]++;
        if (result.getChangesCount() >= MAX_CHANGES) {
            result.setTruncated(true);
            return;
        }
        result.addChanges(DecisionChange.newBuilder()
                .setUsername(subject.username())
                .setApp(request.getApp())
                .setTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                .setRequestId(request.getRequestId())
                .setRecordedEffect(wasAllowed ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                .setRecordedRuleId(recordedRule)
                .setRecordedPolicyVersion(parseLong(attributes.get("policy_version")))
                .setCandidateEffect(now.allowed() ? Effect.EFFECT_ALLOW : Effect.EFFECT_DENY)
                .setCandidateRuleId(now.ruleId()));
    }

    public SimulateResponse result() {
        SimulateResponse.Builder out = result.clone();
        byUser.forEach((k, v) -> out.addByUser(count(k, v)));
        byApp.forEach((k, v) -> out.addByApp(count(k, v)));
        byRule.forEach((k, v) -> out.addByRule(count(k, v)));
        return out.build();
    }

    private static ChangeCount count(String key, long[] counts) {
        return ChangeCount.newBuilder().setKey(key).setNewlyAllowed(counts[0]).setNewlyDenied(counts[1]).build();
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
