package dev.ztna.broker.client;

import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.error.Errors;
import dev.ztna.common.grpc.SourceAddress;
import dev.ztna.proto.policy.v1.DecisionContext;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecideResponse;
import dev.ztna.proto.policy.v1.HttpRequestInfo;
import dev.ztna.proto.policy.v1.DecisionServiceGrpc;
import dev.ztna.proto.policy.v1.Subject;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/** Asks policy-svc. Any failure to get an answer is a refusal: the broker fails closed. */
@ApplicationScoped
public class PolicyClient {

    private static final Logger LOG = Logger.getLogger(PolicyClient.class);
    private final DecisionServiceGrpc.DecisionServiceBlockingStub policy;
    private final BrokerConfig config;
    /** Since when policy-svc has given no answer; null while it answers. */
    private final java.util.concurrent.atomic.AtomicReference<java.time.Instant> unreachableSince =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final DevicePostures postures;

    public PolicyClient(@GrpcClient("policy") DecisionServiceGrpc.DecisionServiceBlockingStub policy, BrokerConfig config,
                        DevicePostures postures) {
        this.policy = policy;
        this.config = config;
        this.postures = postures;
    }

    private DecisionContext context(Caller caller, String source) {
        DecisionContext.Builder context = DecisionContext.newBuilder().addAllAmr(caller.amr());
        if (!source.isEmpty()) {
            context.setSourceAddress(source);
        }
        if (caller.authTime() != null) {
            context.setAuthTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(caller.authTime().getEpochSecond()));
        }
        postures.of(caller.deviceId()).ifPresent(context::setDevice);
        return context.build();
    }

    /** Decides for the caller of the current gRPC call, from the address that call came from. */
    public DecideResponse decide(Caller caller, String app, String requestId) {
        return decide(caller, app, requestId, SourceAddress.current());
    }

    /** Decides with an explicit source address (re-verification runs outside the user's call). */
    public DecideResponse decide(Caller caller, String app, String requestId, String source) {
        return decide(request(caller, app, requestId, source).build());
    }

    /** Decides one web request through the proxy: action http, with its method and path (no query). */
    public DecideResponse decideWeb(Caller caller, String app, String method, String path, String requestId, String source) {
        return decide(request(caller, app, requestId, source).setAction("http")
                .setHttp(HttpRequestInfo.newBuilder().setMethod(method).setPath(path)).build());
    }

    private DecideRequest.Builder request(Caller caller, String app, String requestId, String source) {
        return DecideRequest.newBuilder()
                .setSubject(Subject.newBuilder().setUserId(caller.subject()).setUsername(caller.name())
                        .addAllGroups(caller.groups()).addAllRoles(caller.roles())
                        .putAllAttributes(caller.attributes()))
                .setApp(app)
                .setRequestId(requestId)
                .setContext(context(caller, source));
    }

    private DecideResponse decide(DecideRequest request) {
        try {
            DecideResponse response = policy.withDeadlineAfter(config.decisionTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .decide(request);
            reachable();
            return response;
        } catch (StatusRuntimeException e) {
            LOG.warnf("policy-svc gave no decision (%s); refusing", e.getStatus().getCode());
            switch (e.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN -> unreachable(java.time.Instant.now());
                default -> { }
            }
            throw Errors.unavailable("POLICY_UNAVAILABLE", "access decisions are unavailable right now; try again later");
        }
    }

    /** policy-svc answered (a decision, or an item of the change stream). */
    public void reachable() {
        if (unreachableSince.getAndSet(null) != null) {
            LOG.info("policy-svc answers again");
        }
    }

    /** policy-svc failed to answer at {@code at}; the outage counts from its first failure. */
    public void unreachable(java.time.Instant at) {
        if (unreachableSince.compareAndSet(null, at)) {
            LOG.warnf("policy-svc unreachable; live sessions are cut after %s unless it answers again", config.policyOutageGrace());
        }
    }

    /** When the current outage began, if policy-svc is not answering. */
    public java.util.Optional<java.time.Instant> unreachableSince() {
        return java.util.Optional.ofNullable(unreachableSince.get());
    }
}
