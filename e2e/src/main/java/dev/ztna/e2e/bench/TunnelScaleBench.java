package dev.ztna.e2e.bench;

import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Many concurrent tunnels through one broker and one connector: N tunnels of one session opened and held (each has
 * echoed a byte), then the resident memory of the broker and the connector; the peer in the same run is N plain TCP
 * connections held open directly to the same echo server (what the app itself carries anyway).
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.TunnelScaleBench [tunnels=1000] [holdSeconds=10]</pre>
 */
public final class TunnelScaleBench {

    private TunnelScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int hold = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-scale").toAbsolutePath(), Suite.Ports.random())) {
            suite.start();
            ManagedChannel identity = ManagedChannelBuilder.forTarget(suite.identityTarget()).usePlaintext().build();
            ManagedChannel broker = ManagedChannelBuilder.forTarget(suite.brokerTarget()).usePlaintext().build();
            String alice = BrokerBench.login(identity, suite, "alice");
            AccessServiceGrpc.AccessServiceBlockingStub access = AccessServiceGrpc.newBlockingStub(broker)
                    .withCallCredentials(new BearerCredentials(alice));
            AccessServiceGrpc.AccessServiceStub tunnels = AccessServiceGrpc.newStub(broker).withCallCredentials(new BearerCredentials(alice));
            while (access.listApps(ListAppsRequest.getDefaultInstance()).getAppsCount() == 0) {
                Thread.sleep(200);
            }
            long brokerPid = suite.process("broker-svc").pid();
            long connectorPid = suite.connector().pid();
            String session = access.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
            for (int i = 0; i < 20; i++) { // warm-up: the first tunnels load classes and pools
                BrokerBench.Tunnel t = BrokerBench.Tunnel.open(tunnels, session);
                t.firstByte().get(10, TimeUnit.SECONDS);
                t.out().onCompleted();
                t.ended().get(10, TimeUnit.SECONDS);
            }
            Thread.sleep(2000);
            long brokerBefore = rssKiB(brokerPid);
            long connectorBefore = rssKiB(connectorPid);

            long start = System.nanoTime();
            List<BrokerBench.Tunnel> open = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                open.add(BrokerBench.Tunnel.open(tunnels, session));
            }
            CompletableFuture.allOf(open.stream().map(BrokerBench.Tunnel::firstByte).toArray(CompletableFuture[]::new))
                    .get(300, TimeUnit.SECONDS);
            double openSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(hold * 1000L);
            long alive = open.stream().filter(t -> !t.ended().isDone()).count();
            long brokerAfter = rssKiB(brokerPid);
            long connectorAfter = rssKiB(connectorPid);
            open.forEach(t -> t.out().onCompleted());
            long clean = 0;
            for (BrokerBench.Tunnel t : open) {
                clean += t.ended().get(60, TimeUnit.SECONDS).getCode() == Status.Code.OK ? 1 : 0;
            }

            // peer: the same number of plain TCP connections held to the echo server, no suite in between
            List<Socket> direct = new ArrayList<>();
            long directStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Socket s = new Socket("127.0.0.1", suite.ports().echo());
                s.getOutputStream().write('x');
                s.getInputStream().read();
                direct.add(s);
            }
            double directSeconds = (System.nanoTime() - directStart) / 1e9;
            for (Socket s : direct) {
                s.close();
            }

            System.out.println("| measurement | value |");
            System.out.println("|---|---|");
            System.out.printf("| tunnels opened concurrently (each echoed a byte) | %d in %.2f s |%n", n, openSeconds);
            System.out.printf("| still open after holding %d s | %d of %d |%n", hold, alive, n);
            System.out.printf("| closed cleanly (EOF both ways) | %d of %d |%n", clean, n);
            System.out.printf("| broker RSS: before -> holding | %,d KiB -> %,d KiB (+%,d KiB, %.1f KiB per tunnel) |%n",
                    brokerBefore, brokerAfter, brokerAfter - brokerBefore, (brokerAfter - brokerBefore) / (double) n);
            System.out.printf("| connector RSS: before -> holding | %,d KiB -> %,d KiB (+%,d KiB, %.1f KiB per tunnel) |%n",
                    connectorBefore, connectorAfter, connectorAfter - connectorBefore, (connectorAfter - connectorBefore) / (double) n);
            System.out.printf("| peer: %d direct TCP connections opened (each echoed a byte) | %.2f s |%n", n, directSeconds);
            identity.shutdownNow();
            broker.shutdownNow();
        }
    }

    static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }
}
