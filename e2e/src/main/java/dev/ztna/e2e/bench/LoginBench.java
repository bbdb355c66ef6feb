package dev.ztna.e2e.bench;

import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.common.crypto.Totp;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logins with MFA per second at identity-svc (issue 3): N users, each logging in once (a TOTP code is accepted once),
 * `Login` (Argon2id with the production defaults m=19456 KiB, t=2, p=1) then `VerifyMfa` (TOTP), C at a time, over
 * real gRPC against the suite on durable PostgreSQL. The peer in the same run is the floor: Argon2id verifications per
 * second with the same parameters, in this process, on the same C threads.
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.LoginBench [users=400] [concurrency=8]</pre>
 */
public final class LoginBench {

    private LoginBench() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-login").toAbsolutePath(), Suite.Ports.random())) {
            suite.start();
            ManagedChannel identity = ManagedChannelBuilder.forTarget(suite.identityTarget()).usePlaintext().build();
            String admin = BrokerBench.login(identity, suite, "admin");
            DirectoryServiceGrpc.DirectoryServiceBlockingStub directory = DirectoryServiceGrpc.newBlockingStub(identity)
                    .withCallCredentials(new BearerCredentials(admin));
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            String[] names = new String[users];
            String[] secrets = new String[users];
            String run = Long.toString(System.nanoTime(), 36);
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int n = i;
                created.add(pool.submit(() -> {
                    names[n] = "login-" + run + "-" + n;
                    String uri = directory.createUser(CreateUserRequest.newBuilder().setUsername(names[n])
                            .setPassword(password(n)).addGroups("engineering").build()).getTotpUri();
                    secrets[n] = URI.create(uri).getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
                }));
            }
            for (Future<?> f : created) {
                f.get();
            }
            System.err.printf("%d users created%n", users);

            AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(identity);
            long[] latency = new long[users];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> logins = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                logins.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < users; n = next.getAndIncrement()) {
                        long began = System.nanoTime();
                        try {
                            String challenge = auth.login(LoginRequest.newBuilder().setUsername(names[n])
                                    .setPassword(password(n)).build()).getChallengeId();
                            auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId(challenge)
                                    .setTotpCode(Totp.code(secrets[n], Instant.now())).build());
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                        latency[n] = System.nanoTime() - began;
                    }
                }));
            }
            for (Future<?> f : logins) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            // the floor: Argon2id with the same parameters, same concurrency, no network, no database
            int hashes = Math.max(concurrency * 10, users / 4);
            AtomicInteger left = new AtomicInteger(hashes);
            long argonStart = System.nanoTime();
            List<Future<?>> argon = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                argon.add(pool.submit(() -> {
                    byte[] salt = new byte[16];
                    while (left.getAndDecrement() > 0) {
                        argon2id("a-password-0123456789".getBytes(StandardCharsets.UTF_8), salt);
                    }
                }));
            }
            for (Future<?> f : argon) {
                f.get();
            }
            double argonSeconds = (System.nanoTime() - argonStart) / 1e9;
            pool.shutdown();
            identity.shutdownNow();

            long[] sorted = latency.clone();
            Arrays.sort(sorted);
            System.out.println("| measurement | value |");
            System.out.println("|---|---|");
            System.out.printf("| logins with MFA (Login + VerifyMfa), %d users, %d at a time | %.1f logins/s, p50 %.0f ms, p99 %.0f ms, %d failed |%n",
                    users, concurrency, users / seconds, sorted[users / 2] / 1e6,
                    sorted[Math.min(users - 1, (int) Math.ceil(users * 0.99) - 1)] / 1e6, failed.get());
            System.out.printf("| peer, same run: Argon2id m=19456 KiB t=2 p=1 in-process, %d threads | %.1f hashes/s |%n",
                    concurrency, hashes / argonSeconds);
            System.out.printf("| ratio | %.2f of the Argon2id floor |%n", (users / seconds) / (hashes / argonSeconds));
        }
    }

    static String password(int n) {
        return "bench-password-" + n + "-0123456789";
    }

    static byte[] argon2id(byte[] password, byte[] salt) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(19456).withIterations(2).withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        generator.generateBytes(password, out);
        return out;
    }
}
