package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.RevocationCheck;
import dev.ztna.common.auth.RevokedTokens;
import dev.ztna.identity.domain.LoginSession;
import dev.ztna.identity.domain.Revocation;
import dev.ztna.identity.domain.UserAccount;
import dev.ztna.identity.repository.LoginSessionRepository;
import dev.ztna.identity.repository.RevocationRepository;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Revokes login sessions and users, keeps the ordered log WatchRevocations serves, and pushes each revocation to the
 * live subscribers as soon as it is committed. identity-svc also refuses revoked tokens on its own APIs.
 */
@ApplicationScoped
public class Revocations implements RevocationCheck {

    private final LoginSessionRepository loginSessions;
    private final RevocationRepository log;
    private final AuditOutbox audit;
    private final RevokedTokens revoked = new RevokedTokens();
    private final List<Consumer<Revocation>> subscribers = new CopyOnWriteArrayList<>();

    public Revocations(LoginSessionRepository loginSessions, RevocationRepository log, AuditOutbox audit) {
        this.loginSessions = loginSessions;
        this.log = log;
        this.audit = audit;
    }

    void onStart(@Observes StartupEvent event) {
        QuarkusTransaction.requiringNew().run(() -> log.after(0, Instant.now().minus(RevokedTokens.HORIZON)).forEach(this::remember));
    }

    /** Records a new login session (the `sid` of the tokens issued for it). Runs in the caller's transaction. */
    public LoginSession startSession(UUID userId, List<String> amr, String source, Instant at, String deviceId,
                                     String upstreamGroups) {
        LoginSession session = new LoginSession();
        session.upstreamGroups = upstreamGroups;
        session.deviceId = deviceId == null ? null : UUID.fromString(deviceId);
        session.id = UUID.randomUUID();
        session.userId = userId;
        session.createdAt = at;
        session.amr = String.join(",", amr);
        session.sourceAddress = source.length() > 64 ? source.substring(0, 64) : source;
        loginSessions.persist(session);
        return session;
    }

    /** The caller logs out: their login session is revoked. False when it was already revoked or is unknown. */
    public boolean logout(Caller caller) {
        UUID sid;
        try {
            sid = UUID.fromString(caller.sessionId());
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
        Optional<Revocation> done = QuarkusTransaction.requiringNew().call(() -> {
            LoginSession session = loginSessions.findById(sid);
            if (session == null || session.revokedAt != null || !session.userId.toString().equals(caller.subject())) {
                return Optional.<Revocation>empty();
            }
            Revocation r = revokeSession(session, caller.name(), caller.name(), "logged out");
            audit.record(audit.event("auth.logout", caller.name(), Outcome.OUTCOME_SUCCESS, "logged out")
                    .setSessionId(sid.toString()).build());
            return Optional.of(r);
        });
        done.ifPresent(this::publish);
        return done.isPresent();
    }

    /** One login session and every token of it are revoked. Runs in the caller's transaction; publish after commit. */
    public Revocation revokeSession(LoginSession session, String username, String actor, String reason) {
        Instant now = Instant.now();
        session.revokedAt = now;
        return entry(Revocation.SESSION, session.userId, username, session.id, reason, actor, now);
    }

    /** Every token the user holds is revoked. Runs in the caller's transaction; published once it commits. */
    public Revocation revokeUser(UserAccount user, String actor, String reason, String auditType) {
        Instant now = Instant.now();
        int sessions = loginSessions.revokeAllOf(user.id, now);
        Revocation r = entry(Revocation.USER, user.id, user.username, null, reason, actor, now);
        audit.record(auditType, actor, Outcome.OUTCOME_SUCCESS, reason,
                Map.of("username", user.username, "login_sessions_revoked", Integer.toString(sessions)));
        return r;
    }

    private Revocation entry(String kind, UUID userId, String username, UUID sid, String reason, String actor, Instant at) {
        Revocation r = new Revocation();
        r.kind = kind;
        r.userId = userId;
        r.username = username;
        r.sessionId = sid;
        r.reason = reason.isEmpty() ? kind.equals(Revocation.USER) ? "access revoked by " + actor : "revoked" : reason;
        r.actor = actor;
        r.revokedAt = at;
        log.persist(r);
        return r;
    }

    /** After the revocation committed: refuse its tokens here, and push it to every subscriber. */
    public void publish(Revocation r) {
        remember(r);
        for (Consumer<Revocation> subscriber : subscribers) {
            subscriber.accept(r);
        }
    }

    private void remember(Revocation r) {
        if (Revocation.SESSION.equals(r.kind)) {
            revoked.revokeSession(r.sessionId.toString(), r.revokedAt);
        } else {
            revoked.revokeUser(r.userId.toString(), r.revokedAt);
        }
    }

    /** The revocations after {@code sequence} still relevant, in order. */
    public List<Revocation> after(long sequence) {
        return QuarkusTransaction.requiringNew().call(() -> log.after(sequence, Instant.now().minus(RevokedTokens.HORIZON)));
    }

    public Runnable subscribe(Consumer<Revocation> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    @Override
    public boolean isRevoked(Caller caller) {
        return revoked.isRevoked(caller);
    }

    @Scheduled(every = "60s")
    void prune() {
        revoked.prune(Instant.now());
    }
}
