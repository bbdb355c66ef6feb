package dev.ztna.e2e.bench;

import com.sun.net.httpserver.HttpServer;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.e2e.Suite;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The web proxy on the wire (issue 5): GET requests for a 1 KiB page, by C keep-alive clients for D seconds, sent
 * (a) straight to the app, (b) through the broker's identity-aware proxy (token check, a Decide per request, a
 * connector stream and a new TCP connection to the app per request) and, when Debian's haproxy is installed, (c)
 * through an HAProxy HTTP relay (mode http, one hop, no identity) — interleaved over R rounds, medians reported.
 * A second table times the proxy's refusals: a path the policy forbids vs an unknown app host (same answer; timing).
 * <pre>java -cp e2e/target/ztna-dev.jar dev.ztna.e2e.bench.WebBench [clients=16] [seconds=10] [rounds=3]</pre>
 */
public final class WebBench {

    private static final byte[] PAGE = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);

    private WebBench() {
    }

    record Run(double perSecond, double p50Ms, double p99Ms, long errors) {
    }

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        // without it the JDK server's keep-alive answers wait for delayed ACKs (~40 ms each): a peer that slow is no peer
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        ExecutorService appThreads = Executors.newFixedThreadPool(4);
        app.setExecutor(appThreads);
        app.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, PAGE.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(PAGE);
            }
        });
        app.start();
        int appPort = app.getAddress().getPort();
        Process haproxy = startHaproxy(appPort);
        try (Suite suite = new Suite(Suite.home(), Path.of("target", "bench-web").toAbsolutePath(), Suite.Ports.random(),
                Map.of("web", "127.0.0.1:" + appPort))) {
            suite.start();
            ManagedChannel identity = ManagedChannelBuilder.forTarget(suite.identityTarget()).usePlaintext().build();
            ManagedChannel policy = ManagedChannelBuilder.forTarget("localhost:" + suite.ports().policy()).usePlaintext().build();
            PolicyAdminServiceGrpc.newBlockingStub(policy).withCallCredentials(new BearerCredentials(BrokerBench.login(identity, suite, "admin")))
                    .putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(
                            "apiVersion: ztna.dev/v1\nrules:\n"
                                    + "  - {id: eng-web, effect: allow, who: {groups: [engineering]},"
                                    + " what: {apps: [web], actions: [http], http: {methods: [GET], paths: [\"/pages/**\"]}}}\n").build());
            // the proxy's cookie holds the user's access token: a real login stands in for the browser's sign-in
            String cookie = "__Host-ztna_web=" + BrokerBench.login(identity, suite, "alice");
            String webHost = "web." + Suite.WEB_DOMAIN + ":" + suite.ports().broker();
            awaitOk(suite.ports().broker(), webHost, cookie);

            List<Run> direct = new ArrayList<>();
            List<Run> proxied = new ArrayList<>();
            List<Run> relayed = new ArrayList<>();
            for (int round = -1; round < rounds; round++) { // round -1 warms up
                Run d = load(appPort, "127.0.0.1:" + appPort, "", clients, round < 0 ? 3 : seconds);
                Run p = load(suite.ports().broker(), webHost, cookie, clients, round < 0 ? 3 : seconds);
                Run h = haproxy == null ? null : load(HAPROXY_PORT, "127.0.0.1", "", clients, round < 0 ? 3 : seconds);
                if (round >= 0) {
                    direct.add(d);
                    proxied.add(p);
                    if (h != null) {
                        relayed.add(h);
                    }
                }
            }
            System.out.printf("| GET 1 KiB page, %d keep-alive clients (median of %d × %d s) | requests/s | p50 | p99 | errors | vs direct |%n",
                    clients, rounds, seconds);
            System.out.println("|---|---|---|---|---|---|");
            Run d = median(direct);
            row("direct to the app", d, d);
            if (!relayed.isEmpty()) {
                row("HAProxy HTTP relay (one hop, no identity)", median(relayed), d);
            }
            row("through the web proxy (token + Decide + connector, per request)", median(proxied), d);

            System.out.println();
            System.out.println("| refusal (sequential, 300 each, after 30 warm-up) | status | p50 | p99 |");
            System.out.println("|---|---|---|---|");
            String bob = "__Host-ztna_web=" + BrokerBench.login(identity, suite, "bob");
            refusals("bob (sales) → web: exists, online, not his", suite.ports().broker(), webHost, "/pages/a", bob);
            refusals("bob (sales) → nope: no such app", suite.ports().broker(), "nope." + Suite.WEB_DOMAIN + ":" + suite.ports().broker(), "/pages/a", bob);
            refusals("alice → web /admin: app visible to her, path not", suite.ports().broker(), webHost, "/admin", cookie);
            identity.shutdownNow();
            policy.shutdownNow();
        } finally {
            app.stop(0);
            appThreads.shutdownNow();
            if (haproxy != null) {
                haproxy.destroy();
            }
        }
        System.exit(0);
    }

    static final int HAPROXY_PORT = 15499;

    private static Process startHaproxy(int appPort) throws IOException, InterruptedException {
        if (!java.nio.file.Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
            return null;
        }
        Path cfg = java.nio.file.Files.createTempFile("haproxy-web", ".cfg");
        java.nio.file.Files.writeString(cfg, """
                global
                  maxconn 4096
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 1m
                  timeout server 1m
                listen relay
                  bind 127.0.0.1:%d
                  server app 127.0.0.1:%d
                """.formatted(HAPROXY_PORT, appPort));
        Process p = new ProcessBuilder("/usr/sbin/haproxy", "-f", cfg.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(500);
        return p;
    }

    private static void awaitOk(int port, String host, String cookie) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                if (exchange(s, host, "/pages/a", cookie, new BufferedInputStream(s.getInputStream())) == 200) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the web app never became reachable through the proxy");
    }

    private static Run load(int port, String host, String cookie, int clients, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                long[] took = new long[1 << 16];
                int n = 0;
                long errors = 0;
                Socket socket = null;
                InputStream in = null;
                while (System.nanoTime() < end) {
                    try {
                        if (socket == null) {
                            socket = new Socket("127.0.0.1", port);
                            socket.setTcpNoDelay(true);
                            in = new BufferedInputStream(socket.getInputStream());
                        }
                        long start = System.nanoTime();
                        int status = exchange(socket, host, "/pages/a", cookie, in);
                        if (status != 200) {
                            errors++;
                        } else if (n < took.length) {
                            took[n++] = System.nanoTime() - start;
                        }
                    } catch (IOException e) {
                        errors++;
                        if (socket != null) {
                            socket.close();
                        }
                        socket = null;
                    }
                }
                if (socket != null) {
                    socket.close();
                }
                long[] out = Arrays.copyOf(took, n + 1);
                out[n] = errors;
                return out;
            }));
        }
        List<Long> all = new ArrayList<>();
        long errors = 0;
        for (Future<long[]> f : results) {
            long[] r = f.get();
            for (int i = 0; i < r.length - 1; i++) {
                all.add(r[i]);
            }
            errors += r[r.length - 1];
        }
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Run(0, 0, 0, errors);
        }
        return new Run(sorted.length / (double) seconds, sorted[sorted.length / 2] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6, errors);
    }

    /** One keep-alive GET on {@code socket}; the status (the body is read and dropped). */
    static int exchange(Socket socket, String host, String path, String cookie, InputStream in) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (cookie.isEmpty() ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String status = line(in);
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                in.readNBytes(size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            in.readNBytes((int) length);
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static void refusals(String label, int port, String host, String path, String cookie) throws Exception {
        long[] took = new long[300];
        int status = 0;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = -30; i < took.length; i++) {
                long start = System.nanoTime();
                status = exchange(socket, host, path, cookie, in);
                if (i >= 0) {
                    took[i] = System.nanoTime() - start;
                }
            }
        }
        Arrays.sort(took);
        System.out.printf("| %s | %d | %.2f ms | %.2f ms |%n", label, status, took[150] / 1e6, took[296] / 1e6);
    }

    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(a.perSecond(), b.perSecond()));
        return sorted.get(sorted.size() / 2);
    }

    private static void row(String label, Run run, Run direct) {
        System.out.printf("| %s | %,.0f | %.2f ms | %.2f ms | %d | %.3f× |%n", label, run.perSecond(), run.p50Ms(), run.p99Ms(),
                run.errors(), run.perSecond() / direct.perSecond());
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream l = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                l.write(b);
            }
        }
        return l.toString(StandardCharsets.ISO_8859_1);
    }
}
