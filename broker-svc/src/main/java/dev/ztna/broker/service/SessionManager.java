package dev.ztna.broker.service;

import dev.ztna.broker.client.PolicyClient;
import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.broker.domain.AccessSession;
import dev.ztna.broker.repository.AccessSessionRepository;
import dev.ztna.broker.tunnel.ConnectorRegistry;
import dev.ztna.broker.tunnel.LiveSession;
import dev.ztna.broker.tunnel.TunnelBroker;
import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.error.Errors;
import dev.ztna.common.grpc.SourceAddress;
import dev.ztna.proto.audit.v1.Outcome;
import dev.ztna.proto.policy.v1.DecideResponse;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.Obligations;
import io.grpc.Status;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Opens sessions only on an ALLOW from policy-svc, keeps them in memory for the data path, records and audits them. */
@ApplicationScoped
public class SessionManager implements TunnelBroker.SessionLookup {

    private static final Logger LOG = Logger.getLogger(SessionManager.class);

    private final PolicyClient policy;
    private final ConnectorRegistry connectors;
    private final AccessSessionRepository repository;
    private final AuditOutbox audit;
    private final BrokerConfig config;
    private final ConcurrentHashMap<UUID, LiveSession> live = new ConcurrentHashMap<>();

    public SessionManager(PolicyClient policy, ConnectorRegistry connectors, AccessSessionRepository repository,
                          AuditOutbox audit, BrokerConfig config) {
        this.policy = policy;
        this.connectors = connectors;
        this.repository = repository;
        this.audit = audit;
        this.config = config;
    }

    @Transactional
    void onStart(@Observes StartupEvent event) {
        int stale = repository.closeAllOpen(Instant.now(), "broker restarted");
        if (stale > 0) {
            LOG.infof("closed %d sessions left open by a previous run", stale);
        }
    }

    /** The apps the caller may reach right now: online, and allowed by policy. */
    public List<String> reachableApps(Caller caller, String requestId) {
        List<String> apps = new ArrayList<>();
        for (String app : connectors.onlineApps()) {
            if (policy.decide(caller, app, requestId).getEffect() == Effect.EFFECT_ALLOW) {
                apps.add(app);
            }
        }
        return apps;
    }

    /**
     * Policy is asked whether or not the app exists, so a forbidden, an unknown and an offline app take the same
     * path and get the same answer.
     */
    @Transactional
    public LiveSession open(Caller caller, String app, String requestId, String justification) {
        String source = SourceAddress.current();
        DecideResponse decision = policy.decide(caller, app, requestId, source);
        boolean online = connectors.isOnline(app);
        if (decision.getEffect() != Effect.EFFECT_ALLOW || !online) {
            throw Errors.notFound("APP_NOT_FOUND", "app not found");
        }
        Obligations obligations = decision.getObligations();
        if (obligations.getJustificationRequired() && justification.isEmpty()) {
            // the app is visible to this user (allowed and online), so saying what is missing leaks nothing
            throw Errors.failedPrecondition("JUSTIFICATION_REQUIRED",
                    "access to " + app + " requires a justification (ztna connect --justification \"…\")");
        }
        Instant now = Instant.now();
        AccessSession session = new AccessSession();
        session.id = UUID.randomUUID();
        session.userId = caller.subject();
        session.username = caller.name();
        session.app = app;
        session.ruleId = decision.getRuleId();
        session.policyVersion = decision.getPolicyVersion();
        session.openedAt = now;
        repository.persist(session);
        audit.record(audit.event("session.open", caller.name(), Outcome.OUTCOME_SUCCESS, decision.getReason())
                .setApp(app).setSessionId(session.id.toString())
                .putAllAttributes(Map.of("rule_id", decision.getRuleId(),
                        "policy_version", Long.toString(decision.getPolicyVersion()), "request_id", requestId,
                        "justification", justification,
                        "obligations", obligationsText(obligations)))
                .build());
        LiveSession liveSession = new LiveSession(session.id, caller, source, app, now,
                duration(obligations.hasMaxSessionDuration(), obligations.getMaxSessionDuration()),
                duration(obligations.hasIdleTimeout(), obligations.getIdleTimeout()));
        live.put(session.id, liveSession);
        return liveSession;
    }

    @Transactional
    public void close(String sessionId, Caller caller, String reason) {
        LiveSession session = find(sessionId, caller)
                .orElseThrow(() -> Errors.notFound("SESSION_NOT_FOUND", "session not found"));
        live.remove(session.id());
        session.cutAll(Status.UNAVAILABLE.withDescription("session closed: " + reason));
        AccessSession stored = repository.findById(session.id());
        stored.closedAt = Instant.now();
        stored.closeReason = reason;
        audit.record(audit.event("session.close", caller.name(), Outcome.OUTCOME_SUCCESS, reason)
                .setApp(session.app()).setSessionId(sessionId).build());
    }

    /**
     * Asks policy again about every live session and cuts those now denied, each with a receipt in the audit log
     * (cause, when the cause happened, when the last byte flowed, when the session was cut). A session whose
     * re-decision cannot be obtained keeps running, at most for the policy outage grace.
     */
    public synchronized int reverifyAll(String cause, Instant causeTime) {
        int cut = 0;
        for (LiveSession session : List.copyOf(live.values())) {
            DecideResponse decision;
            try {
                decision = policy.decide(session.caller(), session.app(), "reverify-" + UUID.randomUUID(), session.source());
            } catch (io.grpc.StatusRuntimeException e) {
                LOG.warnf("could not re-verify session %s (%s); it keeps running at most for the policy outage grace",
                        session.id(), e.getStatus().getCode());
                continue;
            }
            if (decision.getEffect() != Effect.EFFECT_ALLOW) {
                revoke(session, cause + ": " + decision.getReason(), causeTime);
                cut++;
            }
        }
        if (cut > 0) {
            LOG.infof("re-verification after %s cut %d session(s)", cause, cut);
        }
        return cut;
    }

    /** The live sessions on this broker, oldest first; an empty filter matches every user or app. */
    public List<LiveSession> liveSessions(String username, String app) {
        return live.values().stream()
                .filter(s -> username.isEmpty() || username.equals(s.username()))
                .filter(s -> app.isEmpty() || app.equals(s.app()))
                .sorted(java.util.Comparator.comparing(LiveSession::openedAt)).toList();
    }

    /** An operator cuts one session; false when no such session is live here. */
    public boolean revokeByOperator(UUID sessionId, String operator, String reason) {
        LiveSession session = live.get(sessionId);
        if (session == null) {
            return false;
        }
        revoke(session, "revoked by " + operator + (reason.isEmpty() ? "" : ": " + reason), Instant.now());
        return true;
    }

    private void revoke(LiveSession session, String cause, Instant causeTime) {
        if (live.remove(session.id()) == null) {
            return;
        }
        Instant lastByte = session.lastByteAt();
        session.cutAll(Status.PERMISSION_DENIED.withDescription("access revoked: " + cause));
        Instant closed = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            AccessSession stored = repository.findById(session.id());
            stored.closedAt = closed;
            stored.closeReason = truncate("revoked: " + cause, 256);
            audit.record(audit.event("session.revoke", session.username(), Outcome.OUTCOME_SUCCESS, cause)
                    .setApp(session.app()).setSessionId(session.id().toString())
                    .putAllAttributes(Map.of(
                            "cause_time", causeTime.toString(),
                            "last_byte_time", lastByte.toString(),
                            "close_time", closed.toString(),
                            "latency_ms", Long.toString(Math.max(0, closed.toEpochMilli() - causeTime.toEpochMilli()))))
                    .build());
        });
    }

    /**
     * Cuts every session that broke an obligation of its policy rule (maximum duration, idle timeout), and every
     * session once policy-svc has been unreachable for longer than the grace (fail closed).
     */
    @io.quarkus.scheduler.Scheduled(every = "${ztna.broker.obligation-check-interval:1s}",
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void enforceObligations() {
        Instant now = Instant.now();
        Optional<Instant> outage = policy.unreachableSince();
        if (outage.isPresent() && !now.isBefore(outage.get().plus(config.policyOutageGrace()))) {
            for (LiveSession session : List.copyOf(live.values())) {
                revoke(session, "policy-svc unreachable since " + outage.get() + " (grace " + config.policyOutageGrace()
                        + "): the session can no longer be verified", outage.get().plus(config.policyOutageGrace()));
            }
            return;
        }
        for (LiveSession session : List.copyOf(live.values())) {
            LiveSession.Breach breach = session.breach(now);
            if (breach != null) {
                revoke(session, breach.cause(), breach.since());
            }
        }
    }

    private static java.time.Duration duration(boolean set, com.google.protobuf.Duration d) {
        return set ? java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()) : null;
    }

    private static String obligationsText(Obligations o) {
        List<String> parts = new ArrayList<>();
        if (o.hasMaxSessionDuration()) {
            parts.add("max_session=" + duration(true, o.getMaxSessionDuration()));
        }
        if (o.hasIdleTimeout()) {
            parts.add("idle_timeout=" + duration(true, o.getIdleTimeout()));
        }
        if (o.hasReauthInterval()) {
            parts.add("reauth_every=" + duration(true, o.getReauthInterval()));
        }
        if (o.getJustificationRequired()) {
            parts.add("justification=required");
        }
        return String.join(",", parts);
    }

    /** Backstop: every session is re-decided on a schedule, even if no change was pushed. */
    @io.quarkus.scheduler.Scheduled(every = "${ztna.broker.reverify-interval:60s}",
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void periodicReverification() {
        if (!live.isEmpty()) {
            reverifyAll("periodic re-verification", Instant.now());
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public Optional<LiveSession> find(String sessionId, Caller caller) {
        UUID id;
        try {
            id = UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        LiveSession session = live.get(id);
        if (session == null || !session.userId().equals(caller.subject())) {
            return Optional.empty();
        }
        return Optional.of(session);
    }
}
