package dev.ztna.e2e.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionContext;
import dev.ztna.proto.policy.v1.DecisionServiceGrpc;
import dev.ztna.proto.policy.v1.Subject;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Load generator for policy-svc's Decide over real gRPC (issue 4): a fixed number of calls in flight for a fixed
 * time, against the suite on durable PostgreSQL (every decision is written to the audit outbox in its own
 * transaction). The peer in the same run is the gRPC health check on the same server and connection at the same
 * concurrency: the transport's own ceiling.
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.DecideBench [seconds=20] [concurrency=64]</pre>
 */
public final class DecideBench {

    private DecideBench() {
    }

    record Result(double perSecond, double p50Millis, double p99Millis, long errors) {
        @Override
        public String toString() {
            return String.format("%,.0f calls/s, p50 %.2f ms, p99 %.2f ms, %d errors", perSecond, p50Millis, p99Millis, errors);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-decide").toAbsolutePath(), Suite.Ports.random())) {
            suite.start();
            String token = suite.serviceToken("broker-svc");
            ManagedChannel channel = ManagedChannelBuilder.forTarget("localhost:" + suite.ports().policy()).usePlaintext().build();
            DecisionServiceGrpc.DecisionServiceFutureStub decisions = DecisionServiceGrpc.newFutureStub(channel)
                    .withCallCredentials(new BearerCredentials(token));
            HealthGrpc.HealthFutureStub health = HealthGrpc.newFutureStub(channel);
            String[][] asks = {{"alice", "echo", "engineering"}, {"bob", "echo", "sales"}, {"carol", "wiki", "engineering"}};
            IntFunction<ListenableFuture<?>> decide = i -> {
                String[] ask = asks[i % asks.length];
                return decisions.decide(DecideRequest.newBuilder().setApp(ask[1]).setRequestId("bench-" + i)
                        .setSubject(Subject.newBuilder().setUsername(ask[0]).addGroups(ask[2]))
                        .setContext(DecisionContext.newBuilder().setSourceAddress("192.0.2." + (i % 250)).addAmr("pwd").addAmr("otp"))
                        .build());
            };
            IntFunction<ListenableFuture<?>> check = i -> health.check(HealthCheckRequest.getDefaultInstance());

            run(decide, concurrency, 5); // warm-up: JIT, connection pool, token cache
            run(check, concurrency, 3);
            Result decideResult = run(decide, concurrency, seconds);
            Result peer = run(check, concurrency, seconds);
            System.out.println("| measurement | calls/s | p50 | p99 | errors |");
            System.out.println("|---|---|---|---|---|");
            System.out.printf("| Decide, %d in flight, %d s | %,.0f | %.2f ms | %.2f ms | %d |%n", concurrency, seconds,
                    decideResult.perSecond(), decideResult.p50Millis(), decideResult.p99Millis(), decideResult.errors());
            System.out.printf("| peer: gRPC health check, same server, %d in flight | %,.0f | %.2f ms | %.2f ms | %d |%n",
                    concurrency, peer.perSecond(), peer.p50Millis(), peer.p99Millis(), peer.errors());
            System.out.printf("ratio Decide / health check: %.2f×%n", decideResult.perSecond() / peer.perSecond());
            channel.shutdownNow();
        }
    }

    /** Keeps {@code concurrency} calls in flight for {@code seconds}; latency of each completed call. */
    static Result run(IntFunction<ListenableFuture<?>> call, int concurrency, int seconds) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        int i = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long t0 = System.nanoTime();
            Futures.addCallback(call.apply(i++), new FutureCallback<Object>() {
                @Override
                public void onSuccess(Object result) {
                    latencies.add(System.nanoTime() - t0);
                    inFlight.release();
                }

                @Override
                public void onFailure(Throwable t) {
                    errors.incrementAndGet();
                    inFlight.release();
                }
            }, MoreExecutors.directExecutor());
        }
        inFlight.acquire(concurrency);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Result(0, 0, 0, errors.get());
        }
        return new Result(sorted.length / elapsed, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, sorted.length * 99L / 100)] / 1e6, errors.get());
    }
}
