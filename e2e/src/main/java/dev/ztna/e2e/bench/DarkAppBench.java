package dev.ztna.e2e.bench;

import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Dark apps (issue 5): does OpenSession answer a forbidden app, an unknown app and an offline app alike — same status,
 * same message, and no timing gap an attacker could use? One user (bob, group sales): `echo` exists and is online but
 * is not his; `no-such-app` does not exist; `ghost` is allowed to him but no connector fronts it. The three are asked
 * in turn, N times each, against the real suite; the table gives each one's latency distribution and what the
 * answers were.
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.DarkAppBench [n=500]</pre>
 */
public final class DarkAppBench {

    private DarkAppBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-dark").toAbsolutePath(), Suite.Ports.random())) {
            suite.start();
            ManagedChannel identity = ManagedChannelBuilder.forTarget(suite.identityTarget()).usePlaintext().build();
            ManagedChannel broker = ManagedChannelBuilder.forTarget(suite.brokerTarget()).usePlaintext().build();
            ManagedChannel policy = ManagedChannelBuilder.forTarget("localhost:" + suite.ports().policy()).usePlaintext().build();
            PolicyAdminServiceGrpc.newBlockingStub(policy).withCallCredentials(new BearerCredentials(BrokerBench.login(identity, suite, "admin")))
                    .putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(
                            "apiVersion: ztna.dev/v1\nrules:\n"
                                    + "  - {id: eng-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}\n"
                                    + "  - {id: sales-ghost, effect: allow, who: {groups: [sales]}, what: {apps: [ghost]}}\n").build());
            AccessServiceGrpc.AccessServiceBlockingStub bob = AccessServiceGrpc.newBlockingStub(broker)
                    .withCallCredentials(new BearerCredentials(BrokerBench.login(identity, suite, "bob")));
            Map<String, String> kinds = new LinkedHashMap<>();
            kinds.put("forbidden (echo: exists, online, not his)", "echo");
            kinds.put("unknown (no-such-app)", "no-such-app");
            kinds.put("offline (ghost: allowed, no connector)", "ghost");
            Map<String, long[]> nanos = new LinkedHashMap<>();
            Map<String, TreeSet<String>> answers = new LinkedHashMap<>();
            kinds.keySet().forEach(k -> {
                nanos.put(k, new long[n]);
                answers.put(k, new TreeSet<>());
            });
            for (int i = -50; i < n; i++) { // the first 50 rounds warm up
                for (Map.Entry<String, String> kind : kinds.entrySet()) {
                    long start = System.nanoTime();
                    String answer;
                    try {
                        bob.openSession(OpenSessionRequest.newBuilder().setApp(kind.getValue()).build());
                        answer = "OK (a session!)";
                    } catch (StatusRuntimeException e) {
                        answer = e.getStatus().getCode() + " \"" + e.getStatus().getDescription() + "\"";
                    }
                    long took = System.nanoTime() - start;
                    if (i >= 0) {
                        nanos.get(kind.getKey())[i] = took;
                        answers.get(kind.getKey()).add(answer);
                    }
                }
            }
            System.out.println("| OpenSession for | answers | p50 | p90 | p99 |");
            System.out.println("|---|---|---|---|---|");
            for (String kind : kinds.keySet()) {
                long[] s = nanos.get(kind).clone();
                Arrays.sort(s);
                System.out.printf("| %s | %s | %.2f ms | %.2f ms | %.2f ms |%n", kind, String.join(", ", answers.get(kind)),
                        s[n / 2] / 1e6, s[(int) (n * 0.9)] / 1e6, s[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6);
            }
            identity.shutdownNow();
            broker.shutdownNow();
            policy.shutdownNow();
        }
    }
}
