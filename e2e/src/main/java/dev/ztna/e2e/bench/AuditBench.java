package dev.ztna.e2e.bench;

import com.google.protobuf.Timestamp;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.common.merkle.ChainHasher;
import dev.ztna.common.merkle.MerkleTree;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.AuditIngestServiceGrpc;
import dev.ztna.proto.audit.v1.Outcome;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit-svc wire benchmarks of issue 6, in one run against the real service on durable PostgreSQL:
 * Append throughput at batch sizes 1, 100, 1000 vs a raw JDBC insert of the same rows (the peer), then the log is
 * filled to N entries and full verification, inclusion proofs over REST, and export are timed.
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.AuditBench [entries=1000000]</pre>
 */
public final class AuditBench {

    private AuditBench() {
    }

    public static void main(String[] args) throws Exception {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-audit").toAbsolutePath(), Suite.Ports.random())) {
            suite.start();
            HttpClient http = HttpClient.newHttpClient();
            String writer = suite.serviceToken("policy-svc");
            ManagedChannel channel = ManagedChannelBuilder.forTarget("localhost:" + suite.ports().audit()).usePlaintext().build();
            AuditIngestServiceGrpc.AuditIngestServiceBlockingStub ingest = AuditIngestServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(new BearerCredentials(writer));
            List<String> sampleIds = new ArrayList<>();
            long appended = 0;
            System.out.println("| measurement | audit-svc Append (gRPC) | peer: raw JDBC insert, same rows | ratio |");
            System.out.println("|---|---|---|---|");
            for (int batch : new int[]{1, 100, 1000}) {
                int total = batch == 1 ? 2_000 : 50_000;
                long start = System.nanoTime();
                for (int sent = 0; sent < total; sent += batch) {
                    ingest.append(batch(batch, sampleIds));
                }
                double suiteRate = total / ((System.nanoTime() - start) / 1e9);
                appended += total;
                double rawRate = rawInsert(suite, batch, total);
                System.out.printf("| append, batch %d, %d events, durable commit per batch | %.0f events/s | %.0f events/s | %.2f× |%n",
                        batch, total, suiteRate, rawRate, suiteRate / rawRate);
            }
            System.out.printf("filling the log to %d entries...%n", target);
            long fillStart = System.nanoTime();
            while (appended < target) {
                int n = (int) Math.min(1000, target - appended);
                ingest.append(batch(n, sampleIds));
                appended += n;
                if (appended % 100_000 == 0) {
                    System.out.printf("  %d entries (%.0f events/s)%n", appended, appended / ((System.nanoTime() - fillStart) / 1e9));
                }
            }
            String auditor = suite.serviceToken("auditor");
            get(http, suite.auditUrl() + "/api/v1/tree-head", auditor);
            send(http, HttpRequest.newBuilder(URI.create(suite.auditUrl() + "/api/v1/tree-heads"))
                    .POST(HttpRequest.BodyPublishers.noBody()), auditor);

            long verifyStart = System.nanoTime();
            String verify = get(http, suite.auditUrl() + "/api/v1/chain/verify", auditor);
            double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
            System.out.printf("full verification of %d entries (chain + Merkle root + signed heads): %.1f s -> %s%n",
                    appended, verifySeconds, verify);

            long[] latencies = new long[300];
            for (int i = 0; i < latencies.length; i++) {
                String id = sampleIds.get((i * 7919) % sampleIds.size());
                long t = System.nanoTime();
                get(http, suite.auditUrl() + "/api/v1/proofs/inclusion?event_id=" + id, auditor);
                latencies[i] = System.nanoTime() - t;
            }
            Arrays.sort(latencies);
            System.out.printf("inclusion proof over REST at %d entries: p50 %.2f ms, p99 %.2f ms%n", appended,
                    latencies[latencies.length / 2] / 1e6, latencies[latencies.length * 99 / 100] / 1e6);

            long exportStart = System.nanoTime();
            HttpResponse<InputStream> export = http.send(HttpRequest.newBuilder(URI.create(suite.auditUrl()
                    + "/api/v1/export?format=jsonl")).header("Authorization", "Bearer " + auditor).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long bytes = 0;
            long lines = 0;
            try (InputStream in = export.body()) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    bytes += n;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            double exportSeconds = (System.nanoTime() - exportStart) / 1e9;
            System.out.printf("export JSON Lines: %d events, %.1f MB in %.1f s = %.0f events/s, %.1f MB/s%n",
                    lines, bytes / 1e6, exportSeconds, lines / exportSeconds, bytes / 1e6 / exportSeconds);
            channel.shutdownNow();
        }
    }

    static AppendRequest batch(int n, List<String> sampleIds) {
        AppendRequest.Builder request = AppendRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            AuditEvent e = event();
            if (sampleIds.size() < 10_000) {
                sampleIds.add(e.getId());
            }
            request.addEvents(e);
        }
        return request.build();
    }

    /** A decision-sized event (~300 bytes). */
    static AuditEvent event() {
        Instant now = Instant.now();
        return AuditEvent.newBuilder().setId(UUID.randomUUID().toString())
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setType("policy.decision").setService("policy-svc").setActor("alice").setApp("echo")
                .setOutcome(Outcome.OUTCOME_SUCCESS).setReason("allowed by rule engineers-reach-echo")
                .putAllAttributes(Map.of("effect", "allow", "rule_id", "engineers-reach-echo", "policy_version", "1",
                        "request_id", UUID.randomUUID().toString(), "input", "{\"subject\":{\"username\":\"u\",\"groups\":[\"engineering\"]},\"app\":\"echo\"}"))
                .build();
    }

    /** The peer: the same rows (payload, chain and leaf hashes computed the same way) inserted with plain JDBC. */
    static double rawInsert(Suite suite, int batch, int total) throws Exception {
        try (Connection c = suite.superuserConnection("audit")) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_raw");
                s.execute("CREATE TABLE bench_raw (LIKE audit_log INCLUDING DEFAULTS INCLUDING INDEXES)");
            }
            c.setAutoCommit(false);
            byte[] prev = ChainHasher.GENESIS;
            long seq = 0;
            long start = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench_raw (seq, event_id, event_time, type, "
                    + "service, actor, app, outcome, reason, session_id, payload, prev_hash, entry_hash, leaf_hash) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int sent = 0; sent < total; sent += batch) {
                    for (int i = 0; i < batch; i++) {
                        AuditEvent e = event();
                        byte[] payload = e.toByteArray();
                        byte[] hash = ChainHasher.link(prev, ++seq, payload);
                        insert.setLong(1, seq);
                        insert.setObject(2, UUID.fromString(e.getId()));
                        insert.setObject(3, java.time.OffsetDateTime.now());
                        insert.setString(4, e.getType());
                        insert.setString(5, e.getService());
                        insert.setString(6, e.getActor());
                        insert.setString(7, e.getApp());
                        insert.setString(8, "success");
                        insert.setString(9, e.getReason());
                        insert.setString(10, "");
                        insert.setBytes(11, payload);
                        insert.setBytes(12, prev);
                        insert.setBytes(13, hash);
                        insert.setBytes(14, MerkleTree.leafHash(payload));
                        insert.addBatch();
                        prev = hash;
                    }
                    insert.executeBatch();
                    c.commit();
                }
            }
            double rate = total / ((System.nanoTime() - start) / 1e9);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE bench_raw");
            }
            c.commit();
            return rate;
        }
    }

    static String get(HttpClient http, String url, String token) throws Exception {
        return send(http, HttpRequest.newBuilder(URI.create(url)), token);
    }

    static String send(HttpClient http, HttpRequest.Builder request, String token) throws Exception {
        HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
