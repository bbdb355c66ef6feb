package dev.ztna.broker.service;

import dev.ztna.broker.client.IdentityLink;
import dev.ztna.broker.client.PolicyClient;
import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.broker.domain.AccessSession;
import dev.ztna.broker.repository.AccessSessionRepository;
import dev.ztna.broker.repository.AccessSessionRepository.SessionView;
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
import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens sessions only on an ALLOW from policy-svc and ends them once, with a receipt. Sessions live in the database
 * shared by every broker of the site: a session opened on one broker may carry tunnels through another (which asks
 * policy again before it carries the first one), and whichever broker ends a session tells the others at once. In
 * memory each broker keeps the sessions it is carrying, so the data path never touches the database.
 */
@ApplicationScoped
public class SessionManager implements TunnelBroker.SessionLookup {

    private static final Logger LOG = Logger.getLogger(SessionManager.class);
    /** Presence rows older than this come from a broker that stopped: its tunnels are gone. */
    private static final Duration PRESENCE_FRESHNESS = Duration.ofSeconds(5);

    private final PolicyClient policy;
    private final ConnectorRegistry connectors;
    private final AccessSessionRepository repository;
    private final AuditOutbox audit;
    private final BrokerConfig config;
    private final IdentityLink identity;
    private final String brokerId;
    private final ConcurrentHashMap<UUID, LiveSession> live = new ConcurrentHashMap<>();

    public SessionManager(PolicyClient policy, ConnectorRegistry connectors, AccessSessionRepository repository,
                          AuditOutbox audit, BrokerConfig config, IdentityLink identity) {
        this.policy = policy;
        this.identity = identity;
        this.connectors = connectors;
        this.repository = repository;
        this.audit = audit;
        this.config = config;
        this.brokerId = config.instanceId().orElseGet(SessionManager::defaultInstanceId);
        LOG.infof("broker instance %s", brokerId);
    }

    /** Whether this broker still carries the session (not ended, not moved away). */
    public boolean isLive(LiveSession session) {
        return live.get(session.id()) == session;
    }

    public String brokerId() {
        return brokerId;
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
    public LiveSession open(Caller caller, String app, String requestId, String justification) {
        String source = SourceAddress.current();
        DecideResponse decision = policy.decide(caller, app, requestId, source);
        identity.unreachableSince().ifPresent(since -> {
            throw Errors.unavailable("IDENTITY_UNAVAILABLE",
                    "identity-svc's revocations cannot be followed right now; try again shortly");
        });
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
        Duration maxDuration = duration(obligations.hasMaxSessionDuration(), obligations.getMaxSessionDuration());
        Duration idleTimeout = duration(obligations.hasIdleTimeout(), obligations.getIdleTimeout());
        Duration reauthEvery = duration(obligations.hasReauthInterval(), obligations.getReauthInterval());
        Instant now = Instant.now();
        AccessSession session = new AccessSession();
        session.id = UUID.randomUUID();
        session.userId = caller.subject();
        session.username = caller.name();
        session.app = app;
        session.ruleId = decision.getRuleId();
        session.policyVersion = decision.getPolicyVersion();
        session.openedAt = now;
        session.openedBy = brokerId;
        session.loginSessionId = caller.sessionId();
        session.sourceAddress = truncate(source, 64);
        session.expiresAt = maxDuration == null ? null : now.plus(maxDuration);
        session.idleTimeoutMs = idleTimeout == null ? null : idleTimeout.toMillis();
        session.reauthEveryMs = reauthEvery == null ? null : reauthEvery.toMillis();
        session.authAt = caller.authTime();
        QuarkusTransaction.requiringNew().run(() -> {
            repository.persist(session);
            audit.record(audit.event("session.open", caller.name(), Outcome.OUTCOME_SUCCESS, decision.getReason())
                    .setApp(app).setSessionId(session.id.toString())
                    .putAllAttributes(Map.of("rule_id", decision.getRuleId(),
                            "policy_version", Long.toString(decision.getPolicyVersion()), "request_id", requestId,
                            "justification", justification, "broker", brokerId,
                            "obligations", obligationsText(obligations)))
                    .build());
        });
        LiveSession liveSession = new LiveSession(session.id, caller, source, app, now, maxDuration, idleTimeout, reauthEvery);
        live.put(session.id, liveSession);
        return liveSession;
    }

    /** The user ends their own session, on whichever broker they ask. */
    public void close(String sessionId, Caller caller, String reason) {
        UUID id = parse(sessionId).orElseThrow(() -> Errors.notFound("SESSION_NOT_FOUND", "session not found"));
        boolean closed = QuarkusTransaction.requiringNew().call(() -> {
            AccessSession stored = repository.findById(id);
            if (stored == null || stored.closedAt != null || !stored.userId.equals(caller.subject())) {
                return false;
            }
            if (repository.close(id, Instant.now(), reason, Status.Code.UNAVAILABLE, "session closed: " + reason)) {
                audit.record(audit.event("session.close", caller.name(), Outcome.OUTCOME_SUCCESS, reason)
                        .setApp(stored.app).setSessionId(sessionId).putAttributes("broker", brokerId).build());
            }
            return true;
        });
        if (!closed) {
            throw Errors.notFound("SESSION_NOT_FOUND", "session not found");
        }
        endedElsewhere(id, Status.UNAVAILABLE.withDescription("session closed: " + reason));
    }

    /**
     * Asks policy again about every session this broker carries and cuts those now denied, each with a receipt in the
     * audit log (cause, when the cause happened, when the last byte flowed, when the session was cut). A session whose
     * re-decision cannot be obtained keeps running, at most for the policy outage grace.
     */
    public int reverifyAll(String cause, Instant causeTime) {
        return reverify(cause, causeTime, session -> true);
    }

    /** Re-decides the sessions of logins bound to this device (its posture changed). */
    public int reverifyDevice(String deviceId, String cause, Instant causeTime) {
        return reverify(cause, causeTime, session -> deviceId.equals(session.caller().deviceId()));
    }

    private synchronized int reverify(String cause, Instant causeTime, java.util.function.Predicate<LiveSession> which) {
        int cut = 0;
        for (LiveSession session : live.values().stream().filter(which).toList()) {
            DecideResponse decision;
            try {
                decision = policy.decide(session.caller(), session.app(), "reverify-" + UUID.randomUUID(), session.source());
            } catch (StatusRuntimeException e) {
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

    /** The open sessions of the whole site (every broker), oldest first; an empty filter matches every user or app. */
    public List<SessionView> openSessions(String username, String app) {
        return QuarkusTransaction.requiringNew().call(() ->
                repository.open(username, app, Instant.now().minus(PRESENCE_FRESHNESS)));
    }

    /** An operator cuts one session, wherever it is carried; false when no such session is open. */
    public boolean revokeByOperator(UUID sessionId, String operator, String reason) {
        String cause = "revoked by " + operator + (reason.isEmpty() ? "" : ": " + reason);
        LiveSession session = live.get(sessionId);
        if (session != null) {
            revoke(session, cause, Instant.now());
            return true;
        }
        return revokeStored(sessionId, cause, Instant.now());
    }

    /** Ends a session this broker does not hold in memory; false when it is not open. */
    private boolean revokeStored(UUID sessionId, String cause, Instant causeTime) {
        Instant now = Instant.now();
        return QuarkusTransaction.requiringNew().call(() -> {
            AccessSession stored = repository.findById(sessionId);
            if (stored == null || stored.closedAt != null) {
                return false;
            }
            Instant lastByte = activity(sessionId).lastByte();
            if (repository.close(sessionId, now, "revoked: " + cause, Status.Code.PERMISSION_DENIED, "access revoked: " + cause)) {
                receipt(sessionId, stored.username, stored.app, cause, causeTime,
                        lastByte == null ? stored.openedAt : lastByte, now);
            }
            return true;
        });
    }

    private AccessSessionRepository.Activity activity(UUID id) {
        return repository.activity(id, brokerId, Instant.now().minus(PRESENCE_FRESHNESS));
    }

    private void revoke(LiveSession session, String cause, Instant causeTime) {
        if (live.remove(session.id()) == null) {
            return;
        }
        Instant lastByte = session.lastByteAt();
        session.cutAll(Status.PERMISSION_DENIED.withDescription("access revoked: " + cause));
        Instant closed = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            Instant elsewhere = activity(session.id()).lastByte();
            Instant last = elsewhere != null && elsewhere.isAfter(lastByte) ? elsewhere : lastByte;
            if (repository.close(session.id(), closed, "revoked: " + cause, Status.Code.PERMISSION_DENIED,
                    "access revoked: " + cause)) {
                receipt(session.id(), session.username(), session.app(), cause, causeTime, last, closed);
            }
        });
    }

    /**
     * identity-svc revoked a login session ({@code loginSessionId}) or every token of a user up to {@code at}: the
     * sessions opened with them end, here and on every broker, each with a receipt.
     */
    public int identityRevoked(String loginSessionId, String userId, String reason, Instant at) {
        String cause = "identity revoked: " + reason;
        int cut = 0;
        for (LiveSession session : List.copyOf(live.values())) {
            boolean match = loginSessionId != null ? loginSessionId.equals(session.caller().sessionId())
                    : userId.equals(session.userId()) && (session.caller().authTime() == null
                    || !session.caller().authTime().isAfter(at));
            if (match) {
                revoke(session, cause, at);
                cut++;
            }
        }
        List<UUID> stored = QuarkusTransaction.requiringNew().call(() -> repository.openOf(loginSessionId, userId, at));
        for (UUID id : stored) {
            if (revokeStored(id, cause, at)) {
                cut++;
            }
        }
        return cut;
    }

    /** The receipt of a cut: cause, when it happened, when the last byte flowed, when the session was cut. */
    private void receipt(UUID id, String username, String app, String cause, Instant causeTime, Instant lastByte, Instant closed) {
        audit.record(audit.event("session.revoke", username, Outcome.OUTCOME_SUCCESS, cause)
                .setApp(app).setSessionId(id.toString())
                .putAllAttributes(Map.of(
                        "cause_time", causeTime.toString(),
                        "last_byte_time", lastByte.toString(),
                        "close_time", closed.toString(),
                        "broker", brokerId,
                        "latency_ms", Long.toString(Math.max(0, closed.toEpochMilli() - causeTime.toEpochMilli()))))
                .build());
    }

    private static io.grpc.StatusRuntimeException reauthRequired(LiveSession session) {
        return Errors.failedPrecondition("REAUTH_REQUIRED", "this session needs MFA again every " + session.reauthEvery()
                + ": run `ztna reauth --session " + session.id() + "`, then connect again");
    }

    /** The re-authentication interval ran out: the tunnels stop (the session stays open) until the user re-verifies. */
    private void pause(LiveSession session) {
        int tunnels = session.tunnelCount();
        session.cutAll(reauthRequired(session).getStatus());
        QuarkusTransaction.requiringNew().run(() -> audit.record(audit.event("session.pause", session.username(),
                        Outcome.OUTCOME_SUCCESS, "re-authentication required every " + session.reauthEvery())
                .setApp(session.app()).setSessionId(session.id().toString())
                .putAttributes("broker", brokerId).putAttributes("tunnels_cut", Integer.toString(tunnels)).build()));
    }

    /**
     * The user re-verified MFA (a step-up token): the session resumes, on every broker. The token must be the session
     * owner's, with an auth_time inside the session's re-authentication interval.
     */
    public void reauthenticate(String sessionId, Caller caller) {
        UUID id = parse(sessionId).orElseThrow(() -> Errors.notFound("SESSION_NOT_FOUND", "session not found"));
        Instant now = Instant.now();
        AccessSession stored = QuarkusTransaction.requiringNew().call(() -> repository.findById(id));
        if (stored == null || stored.closedAt != null || !stored.userId.equals(caller.subject())) {
            throw Errors.notFound("SESSION_NOT_FOUND", "session not found");
        }
        if (stored.reauthEveryMs == null) {
            throw Errors.failedPrecondition("NO_REAUTH_OBLIGATION", "this session does not need re-authentication");
        }
        Duration every = Duration.ofMillis(stored.reauthEveryMs);
        if (caller.authTime() == null || !now.isBefore(caller.authTime().plus(every))) {
            throw Errors.failedPrecondition("REAUTH_REQUIRED", "this token's MFA is older than " + every
                    + ": step up first (`ztna reauth`)");
        }
        QuarkusTransaction.requiringNew().run(() -> {
            AccessSession s = repository.findById(id);
            if (s.authAt == null || caller.authTime().isAfter(s.authAt)) {
                s.authAt = caller.authTime();
            }
            audit.record(audit.event("session.resume", caller.name(), Outcome.OUTCOME_SUCCESS, "MFA re-verified")
                    .setApp(stored.app).setSessionId(sessionId).putAttributes("broker", brokerId)
                    .putAttributes("auth_time", caller.authTime().toString()).build());
        });
        LiveSession session = live.get(id);
        if (session != null) {
            session.reauthenticated(caller);
        }
    }

    /** Another broker (or this one) ended the session: the tunnels carried here end now. */
    public void endedElsewhere(UUID id, Status status) {
        LiveSession session = live.remove(id);
        if (session != null) {
            session.cutAll(status);
            LOG.infof("session %s ended: %s", id, status.getDescription());
        }
    }

    /**
     * Cuts every session that broke an obligation of its policy rule (maximum duration, idle timeout), and every
     * session once policy-svc has been unreachable for longer than the grace (fail closed).
     */
    @Scheduled(every = "${ztna.broker.obligation-check-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
        Optional<Instant> identityOutage = identity.unreachableSince();
        if (identityOutage.isPresent() && !now.isBefore(identityOutage.get().plus(config.identityOutageGrace()))) {
            for (LiveSession session : List.copyOf(live.values())) {
                revoke(session, "identity-svc revocations unreachable since " + identityOutage.get() + " (grace "
                        + config.identityOutageGrace() + "): a revocation could go unnoticed",
                        identityOutage.get().plus(config.identityOutageGrace()));
            }
            return;
        }
        for (LiveSession session : List.copyOf(live.values())) {
            if (session.reauthDue(now)) {
                // the user may have re-verified through another broker
                Instant elsewhere = QuarkusTransaction.requiringNew().call(() -> {
                    AccessSession stored = repository.findById(session.id());
                    return stored == null ? null : stored.authAt;
                });
                session.noteAuth(elsewhere);
                if (session.reauthDue(now) && session.pause()) {
                    pause(session);
                }
            }
            LiveSession.Breach breach = session.breach(now, config.unusedSessionTimeout());
            if (breach != null && breach.maybeElsewhere()) {
                // another broker may be carrying this session's bytes and tunnels
                AccessSessionRepository.Activity elsewhere = QuarkusTransaction.requiringNew().call(() -> activity(session.id()));
                if (elsewhere.lastByte() != null) {
                    session.noteActivity(elsewhere.lastByte());
                }
                if (elsewhere.tunnelsElsewhere() > 0) {
                    session.noteUse(now);
                }
                breach = session.breach(now, config.unusedSessionTimeout());
            }
            if (breach != null) {
                revoke(session, breach.cause(), breach.since());
            }
        }
    }

    /**
     * Shares what this broker carries (so any broker lists the site's sessions and sees their activity), picks up
     * sessions another broker ended while a notification was missed, and ends sessions nobody carries any more.
     */
    @Scheduled(every = "${ztna.broker.presence-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sharePresence() {
        Instant now = Instant.now();
        List<LiveSession> carried = List.copyOf(live.values());
        List<AccessSessionRepository.Ended> swept = QuarkusTransaction.requiringNew().call(() -> {
            for (LiveSession s : carried) {
                repository.upsertPresence(s.id(), brokerId, s.tunnelCount(), String.join(",", s.connectors()),
                        s.bytesFromUser(), s.bytesToUser(), s.lastByteAt(), now);
            }
            for (Object[] closed : repository.closedAmong(live.keySet())) {
                endedElsewhere(UUID.fromString((String) closed[0]), Status.PERMISSION_DENIED
                        .withDescription("access revoked: " + closed[1]));
            }
            List<AccessSessionRepository.Ended> ended = repository.sweep(now, config.unusedSessionTimeout(),
                    now.minus(PRESENCE_FRESHNESS));
            ended.forEach(e -> receipt(e.id(), e.username(), e.app(), e.cause(), e.causeTime(), e.lastActivityAt(), now));
            return ended;
        });
        swept.forEach(e -> endedElsewhere(e.id(), Status.PERMISSION_DENIED.withDescription("access revoked: " + e.cause())));
    }

    /** Backstop: every session is re-decided on a schedule, even if no change was pushed. */
    @Scheduled(every = "${ztna.broker.reverify-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodicReverification() {
        if (!live.isEmpty()) {
            reverifyAll("periodic re-verification", Instant.now());
        }
    }

    /**
     * The session for a tunnel: one this broker carries already, or an open session of the same user from the shared
     * database, which policy must allow again (with the caller's current identity) before this broker carries it.
     */
    @Override
    public CompletionStage<Optional<LiveSession>> find(String sessionId, Caller caller) {
        Optional<UUID> id = parse(sessionId);
        if (id.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        LiveSession session = live.get(id.get());
        if (session != null) {
            if (!session.userId().equals(caller.subject())) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            if (session.reauthDue(Instant.now())) {
                // a fresh token proves recent MFA; or the user resumed the session through another broker
                session.noteAuth(caller.authTime());
                if (session.reauthDue(Instant.now())) {
                    return CompletableFuture.supplyAsync(() -> {
                        session.noteAuth(QuarkusTransaction.requiringNew().call(() -> {
                            AccessSession stored = repository.findById(session.id());
                            return stored == null ? null : stored.authAt;
                        }));
                        if (session.reauthDue(Instant.now())) {
                            // the session is the caller's own, so saying what it waits for leaks nothing
                            throw reauthRequired(session);
                        }
                        return Optional.of(session);
                    }, Infrastructure.getDefaultWorkerPool());
                }
            }
            return CompletableFuture.completedFuture(Optional.of(session));
        }
        String source = SourceAddress.current();
        return CompletableFuture.supplyAsync(() -> join(id.get(), caller, source), Infrastructure.getDefaultWorkerPool());
    }

    private Optional<LiveSession> join(UUID id, Caller caller, String source) {
        try {
            AccessSession stored = QuarkusTransaction.requiringNew().call(() -> repository.findById(id));
            if (stored == null || stored.closedAt != null || !stored.userId.equals(caller.subject())) {
                return Optional.empty();
            }
            DecideResponse decision = policy.decide(caller, stored.app, "join-" + UUID.randomUUID(), source);
            if (decision.getEffect() != Effect.EFFECT_ALLOW) {
                revokeStored(id, "re-decided when it reached broker " + brokerId + ": " + decision.getReason(), Instant.now());
                return Optional.empty();
            }
            Duration maxDuration = stored.expiresAt == null ? null : Duration.between(stored.openedAt, stored.expiresAt);
            Duration idle = stored.idleTimeoutMs == null ? null : Duration.ofMillis(stored.idleTimeoutMs);
            LiveSession joined = new LiveSession(id, caller, source, stored.app, stored.openedAt, maxDuration, idle,
                    stored.reauthEveryMs == null ? null : Duration.ofMillis(stored.reauthEveryMs));
            joined.noteAuth(stored.authAt);
            joined.noteUse(Instant.now());
            if (joined.reauthDue(Instant.now())) {
                throw reauthRequired(joined);
            }
            LiveSession earlier = live.putIfAbsent(id, joined);
            if (earlier == null) {
                LOG.infof("session %s (%s, %s) opened on broker %s now also carried here", id, stored.username,
                        stored.app, stored.openedBy);
            }
            return Optional.of(earlier != null ? earlier : joined);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                throw e; // re-authentication due: the caller's own session, say so
            }
            return Optional.empty(); // policy unreachable: fail closed
        }
    }

    private static Optional<UUID> parse(String sessionId) {
        try {
            return Optional.of(UUID.fromString(sessionId));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Duration duration(boolean set, com.google.protobuf.Duration d) {
        return set ? Duration.ofSeconds(d.getSeconds(), d.getNanos()) : null;
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

    private static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "broker";
        }
        return truncate(host, 48) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
