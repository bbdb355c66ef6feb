package dev.ztna.e2e.bench;

import com.google.protobuf.ByteString;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.common.crypto.Totp;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.CloseSessionRequest;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import dev.ztna.proto.broker.v1.TunnelOpen;
import dev.ztna.proto.broker.v1.TunnelRequest;
import dev.ztna.proto.broker.v1.TunnelResponse;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Broker latencies through the real services (two brokers sharing their database), one run: session setup
 * (OpenSession → first echoed byte through broker, connector and app) and revocation → live tunnel cut, for a policy
 * change, an identity revocation (identity-svc → WatchRevocations → broker) and an operator revoking on one broker a
 * session whose tunnel runs through the other.
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.BrokerBench [iterations=50]</pre>
 */
public final class BrokerBench {

    static final String ALLOW = "apiVersion: ztna.dev/v1\nrules: [{id: eng, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}]";
    static final String DENY = "apiVersion: ztna.dev/v1\nrules: [{id: sales-only, effect: allow, who: {groups: [sales]}, what: {apps: [echo]}}]";

    private BrokerBench() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-broker").toAbsolutePath(), Suite.Ports.random())
                .withSecondBroker()) {
            suite.start();
            ManagedChannel identity = ManagedChannelBuilder.forTarget(suite.identityTarget()).usePlaintext().build();
            ManagedChannel broker = ManagedChannelBuilder.forTarget(suite.brokerTarget()).usePlaintext().build();
            ManagedChannel policy = ManagedChannelBuilder.forTarget("localhost:" + suite.ports().policy()).usePlaintext().build();
            String alice = login(identity, suite, "alice");
            String admin = login(identity, suite, "admin");
            AccessServiceGrpc.AccessServiceBlockingStub access = AccessServiceGrpc.newBlockingStub(broker)
                    .withCallCredentials(new BearerCredentials(alice));
            AccessServiceGrpc.AccessServiceStub tunnels = AccessServiceGrpc.newStub(broker).withCallCredentials(new BearerCredentials(alice));
            PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub admins = PolicyAdminServiceGrpc.newBlockingStub(policy)
                    .withCallCredentials(new BearerCredentials(admin));
            while (access.listApps(ListAppsRequest.getDefaultInstance()).getAppsCount() == 0) {
                Thread.sleep(200);
            }

            long[] setup = new long[iterations];
            for (int i = 0; i < iterations + 5; i++) {
                long start = System.nanoTime();
                String session = access.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
                Tunnel tunnel = Tunnel.open(tunnels, session);
                tunnel.firstByte.get(10, TimeUnit.SECONDS);
                if (i >= 5) {
                    setup[i - 5] = System.nanoTime() - start; // the first five warm up
                }
                tunnel.out.onCompleted();
                access.closeSession(CloseSessionRequest.newBuilder().setSessionId(session).build());
            }

            long[] direct = new long[iterations];
            for (int i = 0; i < iterations + 5; i++) {
                long start = System.nanoTime();
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", suite.ports().echo())) {
                    socket.getOutputStream().write('x');
                    socket.getInputStream().read();
                }
                if (i >= 5) {
                    direct[i - 5] = System.nanoTime() - start;
                }
            }

            long[] revoke = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                String session = access.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
                Tunnel tunnel = Tunnel.open(tunnels, session);
                tunnel.firstByte.get(10, TimeUnit.SECONDS);
                long start = System.nanoTime();
                admins.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(DENY).build());
                Status cut = tunnel.ended.get(30, TimeUnit.SECONDS);
                revoke[i] = System.nanoTime() - start;
                if (cut.getCode() != Status.Code.PERMISSION_DENIED) {
                    throw new IllegalStateException("tunnel ended with " + cut + " instead of a revocation");
                }
                admins.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(ALLOW).build());
                while (access.listApps(ListAppsRequest.getDefaultInstance()).getAppsCount() == 0) {
                    Thread.sleep(20);
                }
            }

            // identity revocation: a fresh user per iteration (a revoked user's token is dead; a TOTP code works once)
            var directory = dev.ztna.proto.identity.v1.DirectoryServiceGrpc.newBlockingStub(identity)
                    .withCallCredentials(new BearerCredentials(admin));
            long[] identityRevoke = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                String name = "bench-" + i + "-" + System.nanoTime();
                String password = "bench-password-" + i + "-0123456789";
                String uri = directory.createUser(dev.ztna.proto.identity.v1.CreateUserRequest.newBuilder().setUsername(name)
                        .setPassword(password).addGroups("engineering").build()).getTotpUri();
                String secret = java.net.URI.create(uri).getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
                AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(identity);
                String challenge = auth.login(LoginRequest.newBuilder().setUsername(name).setPassword(password).build())
                        .getChallengeId();
                String token = auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId(challenge)
                        .setTotpCode(Totp.code(secret, Instant.now())).build()).getAccessToken();
                String session = AccessServiceGrpc.newBlockingStub(broker).withCallCredentials(new BearerCredentials(token))
                        .openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
                Tunnel tunnel = Tunnel.open(AccessServiceGrpc.newStub(broker).withCallCredentials(new BearerCredentials(token)), session);
                tunnel.firstByte.get(10, TimeUnit.SECONDS);
                long start = System.nanoTime();
                directory.revokeUserSessions(dev.ztna.proto.identity.v1.RevokeUserSessionsRequest.newBuilder()
                        .setUsername(name).setReason("bench").build());
                Status cut = tunnel.ended.get(30, TimeUnit.SECONDS);
                identityRevoke[i] = System.nanoTime() - start;
                if (cut.getCode() != Status.Code.PERMISSION_DENIED) {
                    throw new IllegalStateException("tunnel ended with " + cut + " instead of a revocation");
                }
            }

            // across brokers: opened and revoked on broker 1, the tunnel runs through broker 2
            ManagedChannel broker2 = ManagedChannelBuilder.forTarget(suite.broker2Target()).usePlaintext().build();
            AccessServiceGrpc.AccessServiceStub tunnels2 = AccessServiceGrpc.newStub(broker2).withCallCredentials(new BearerCredentials(alice));
            var sessionAdmin = dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(broker)
                    .withCallCredentials(new BearerCredentials(admin));
            long[] crossBroker = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                String session = access.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
                Tunnel tunnel = Tunnel.open(tunnels2, session);
                tunnel.firstByte.get(10, TimeUnit.SECONDS);
                long start = System.nanoTime();
                sessionAdmin.revokeSession(dev.ztna.proto.broker.v1.RevokeSessionRequest.newBuilder().setSessionId(session).build());
                Status cut = tunnel.ended.get(30, TimeUnit.SECONDS);
                crossBroker[i] = System.nanoTime() - start;
                if (cut.getCode() != Status.Code.PERMISSION_DENIED) {
                    throw new IllegalStateException("tunnel ended with " + cut + " instead of a revocation");
                }
            }
            broker2.shutdownNow();

            System.out.println("| measurement | p50 | p99 | max | n |");
            System.out.println("|---|---|---|---|---|");
            row("session setup: OpenSession -> first echoed byte (broker, policy, connector, app)", setup);
            row("peer, same run: direct loopback connect -> first echoed byte", direct);
            row("revocation: PutPolicy submitted -> live tunnel cut (PERMISSION_DENIED)", revoke);
            row("revocation: RevokeUserSessions at identity-svc -> live tunnel cut (via WatchRevocations)", identityRevoke);
            row("revocation: RevokeSession on broker 1 -> tunnel through broker 2 cut (NOTIFY)", crossBroker);
            identity.shutdownNow();
            broker.shutdownNow();
            policy.shutdownNow();
        }
    }

    static void row(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms | %d |%n", name, sorted[sorted.length / 2] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
                sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    static String login(ManagedChannel identity, Suite suite, String user) {
        AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(identity);
        String challenge = auth.login(LoginRequest.newBuilder().setUsername(user).setPassword(suite.user(user).password())
                .build()).getChallengeId();
        return auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId(challenge)
                .setTotpCode(Totp.code(suite.user(user).totpSecret(), Instant.now())).build()).getAccessToken();
    }

    /** A raw tunnel: sends one byte at once and reports the first byte back and how the stream ended. */
    record Tunnel(StreamObserver<TunnelRequest> out, CompletableFuture<Void> firstByte, CompletableFuture<Status> ended) {

        static Tunnel open(AccessServiceGrpc.AccessServiceStub stub, String session) {
            CompletableFuture<Void> first = new CompletableFuture<>();
            CompletableFuture<Status> ended = new CompletableFuture<>();
            StreamObserver<TunnelRequest> out = stub.tunnel(new StreamObserver<>() {
                @Override
                public void onNext(TunnelResponse value) {
                    first.complete(null);
                }

                @Override
                public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                    first.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    ended.complete(Status.OK);
                }
            });
            out.onNext(TunnelRequest.newBuilder().setOpen(TunnelOpen.newBuilder().setSessionId(session)).build());
            out.onNext(TunnelRequest.newBuilder().setData(ByteString.copyFromUtf8("x")).build());
            return new Tunnel(out, first, ended);
        }
    }
}
