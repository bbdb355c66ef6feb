package dev.ztna.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ztna.common.crypto.Totp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole suite on one machine: embedded PostgreSQL (one database and one role per service), the four service jars
 * and a connector as separate processes, and the demo echo app. Used by the dev stack and by the e2e tests.
 */
public final class Suite implements AutoCloseable {

    /** Web apps are served at http://APP.apps.localhost:BROKER-PORT/ (browsers resolve *.localhost to loopback). */
    public static final String WEB_DOMAIN = "apps.localhost";

    /** The demo policy: engineering may reach echo (and any extra app the stack was started with). */
    static String demoPolicy(Set<String> extraApps) {
        List<String> apps = new ArrayList<>(List.of("echo"));
        apps.addAll(extraApps);
        return """
                apiVersion: ztna.dev/v1
                rules:
                  - id: engineers-reach-echo
                    effect: allow
                    description: The engineering group may reach the demo apps.
                    who: { groups: [engineering] }
                    what: { apps: [%s] }
                """.formatted(String.join(", ", apps));
    }

    /** Demo passwords are fixed so the printed instructions work; TOTP seeds and service secrets are random per run. */
    public record DemoUser(String username, String password, String totpSecret, List<String> groups, List<String> roles) {
    }

    /** {@code broker2}: the second broker's port, when the suite runs two brokers sharing the database. */
    public record Ports(int postgres, int identity, int policy, int broker, int audit, int echo, int broker2,
                        int brokerData, int broker2Data) {

        public static Ports fixed() {
            return new Ports(5433, 8081, 8082, 8083, 8084, 7007, 8085, 8093, 8095);
        }

        public static Ports random() throws IOException {
            return new Ports(free(), free(), free(), free(), free(), free(), free(), free(), free());
        }
    }

    private final Path home;
    private final Path workDir;
    private final Ports ports;
    private final Map<String, String> extraApps;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> secrets = new HashMap<>();
    private final Map<String, DemoUser> users = new LinkedHashMap<>();
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final Map<String, Map<String, String>> serviceEnv = new HashMap<>();
    private final Map<String, Integer> servicePorts = new HashMap<>();
    private final Map<String, String> serviceModules = new HashMap<>();
    private final Map<String, String> dbPasswords = new HashMap<>();
    private java.security.KeyPair auditKey;
    private EmbeddedPostgres postgres;
    private EchoServer echo;
    private ManagedProcess connector;
    private boolean secondBroker;

    private final Map<String, String> identityEnv = new HashMap<>();

    public Suite(Path home, Path workDir, Ports ports) {
        this(home, workDir, ports, Map.of());
    }

    /** {@code extraApps}: more apps for the demo connector to front, name → host:port (e.g. an iperf3 server). */
    public Suite(Path home, Path workDir, Ports ports, Map<String, String> extraApps) {
        this.home = home;
        this.workDir = workDir;
        this.ports = ports;
        this.extraApps = new LinkedHashMap<>(extraApps);
        for (String sa : List.of("policy-svc", "broker-svc", "auditor", "ops-admin")) {
            secrets.put(sa, randomSecret());
        }
        users.put("alice", new DemoUser("alice", "alice-demo-password", Totp.newSecret(), List.of("engineering"), List.of()));
        users.put("bob", new DemoUser("bob", "bob-demo-password", Totp.newSecret(), List.of("sales"), List.of()));
        users.put("admin", new DemoUser("admin", "admin-demo-password", Totp.newSecret(), List.of("it"),
                List.of("admin", "policy-admin", "auditor")));
    }

    /** Locates the repository: -Dztna.home, or the working directory (or its parent) holding the modules. */
    public static Path home() {
        String configured = System.getProperty("ztna.home");
        Path candidate = Path.of(configured != null ? configured : "").toAbsolutePath().normalize();
        if (!Files.isDirectory(candidate.resolve("identity-svc")) && Files.isDirectory(candidate.getParent().resolve("identity-svc"))) {
            candidate = candidate.getParent();
        }
        return candidate;
    }

    public Ports ports() {
        return ports;
    }

    public DemoUser user(String name) {
        return users.get(name);
    }

    public Map<String, DemoUser> users() {
        return users;
    }

    public String secret(String serviceAccount) {
        return secrets.get(serviceAccount);
    }

    public String identityUrl() {
        return "http://localhost:" + ports.identity();
    }

    public String auditUrl() {
        return "http://localhost:" + ports.audit();
    }

    public String brokerTarget() {
        return "localhost:" + ports.broker();
    }

    /** More environment for identity-svc (e.g. SSO federation with a test IdP); call before {@link #start()}. */
    public Suite withIdentityEnv(Map<String, String> env) {
        identityEnv.putAll(env);
        return this;
    }

    /** The second broker (same database, same connectors); only when started {@link #withSecondBroker()}. */
    public String broker2Target() {
        return "localhost:" + ports.broker2();
    }

    /** Runs a second broker beside the first, sharing its database; every connector attaches to both. */
    public Suite withSecondBroker() {
        secondBroker = true;
        return this;
    }

    private String connectorBrokers() {
        return secondBroker ? brokerTarget() + "," + broker2Target() : brokerTarget();
    }

    public String identityTarget() {
        return "localhost:" + ports.identity();
    }

    public Path workDir() {
        return workDir;
    }

    public ManagedProcess connector() {
        return connector;
    }

    public List<ManagedProcess> processes() {
        return processes;
    }

    public void start() throws Exception {
        Files.createDirectories(workDir);
        // every run starts from an empty database; a run that was killed may have left its data directory behind
        deleteRecursively(workDir.resolve("pgdata"));
        // zonky turns synchronous_commit off by default; the suite keeps every commit durable
        postgres = EmbeddedPostgres.builder().setPort(ports.postgres()).setServerConfig("synchronous_commit", "on")
                .setDataDirectory(workDir.resolve("pgdata")).setCleanDataDirectory(true).start();
        Map<String, String> dbPasswords = new HashMap<>();
        auditSigningKey();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String db : List.of("identity", "policy", "broker", "audit")) {
                String password = randomSecret();
                dbPasswords.put(db, password);
                s.execute("CREATE ROLE " + db + " LOGIN PASSWORD '" + password + "'");
                s.execute("CREATE DATABASE " + db + " OWNER " + db);
            }
            // audit-svc runs as a role that may only read and append; its owner role only migrates
            dbPasswords.put("audit_app", randomSecret());
            s.execute("CREATE ROLE audit_app LOGIN PASSWORD '" + dbPasswords.get("audit_app") + "'");
        }
        Path identitySeed = writePrivate("identity-bootstrap.json", identitySeed());
        Path policySeed = writePrivate("policy-bootstrap.yaml", demoPolicy(extraApps.keySet()));
        echo = new EchoServer(ports.echo());

        Path logs = workDir.resolve("logs");
        Map<String, String> identityEnvironment = new HashMap<>(identityEnv);
        // the web proxy's browser logins, on plain http over loopback (production: https only, Secure cookies)
        identityEnvironment.putIfAbsent("ZTNA_IDENTITY_WEB_REDIRECT_DOMAINS", WEB_DOMAIN);
        identityEnvironment.putIfAbsent("ZTNA_IDENTITY_WEB_ALLOW_HTTP", "true");
        identityEnvironment.putIfAbsent("ZTNA_IDENTITY_WEB_COOKIE_SECURE", "false");
        identityEnvironment.put("ZTNA_IDENTITY_MASTER_KEY", Base64.getEncoder().encodeToString(bytes(32)));
        identityEnvironment.put("ZTNA_IDENTITY_BOOTSTRAP_FILE", identitySeed.toString());
        ManagedProcess identity = service("identity-svc", "identity-svc", ports.identity(), "identity", dbPasswords, logs,
                identityEnvironment);
        ManagedProcess audit = service("audit-svc", "audit-svc", ports.audit(), "audit", dbPasswords, logs, Map.of(
                "QUARKUS_DATASOURCE_USERNAME", "audit_app",
                "QUARKUS_DATASOURCE_PASSWORD", dbPasswords.get("audit_app"),
                "QUARKUS_FLYWAY_USERNAME", "audit",
                "QUARKUS_FLYWAY_PASSWORD", dbPasswords.get("audit"),
                "ZTNA_AUDIT_SIGNING_KEY", auditSigningKey(),
                "ZTNA_READINESS_PEERS", "identity=" + identityUrl()));
        ManagedProcess policy = service("policy-svc", "policy-svc", ports.policy(), "policy", dbPasswords, logs, Map.of(
                "ZTNA_SERVICE_ACCOUNT_CLIENT_SECRET", secrets.get("policy-svc"),
                "ZTNA_POLICY_BOOTSTRAP_FILE", policySeed.toString(),
                "ZTNA_POLICY_AUDIT_URL", auditUrl(),
                "ZTNA_READINESS_PEERS", "identity=" + identityUrl()));
        Map<String, String> brokerEnv = new HashMap<>(Map.of(
                "ZTNA_BROKER_WEB_DOMAINS", WEB_DOMAIN,
                "ZTNA_BROKER_WEB_SCHEME", "http",
                "ZTNA_BROKER_WEB_LOGIN_URL", identityUrl() + "/web/login",
                "ZTNA_BROKER_DATA_CHANNEL_PORT", Integer.toString(ports.brokerData()),
                "ZTNA_BROKER_DATA_CHANNEL_HOST", "127.0.0.1"));
        brokerEnv.putAll(Map.of(
                "ZTNA_SERVICE_ACCOUNT_CLIENT_SECRET", secrets.get("broker-svc"),
                "QUARKUS_GRPC_CLIENTS_POLICY_PORT", Integer.toString(ports.policy()),
                "QUARKUS_GRPC_CLIENTS_IDENTITY_PORT", Integer.toString(ports.identity()),
                // short, so a policy outage shows within seconds here (production default: 30 s)
                "ZTNA_BROKER_POLICY_OUTAGE_GRACE", "PT3S",
                // and a lost connector is noticed within seconds too (production: heartbeat 5 s, timeout 15 s)
                "ZTNA_BROKER_CONNECTOR_HEARTBEAT", "PT1S",
                "ZTNA_BROKER_CONNECTOR_TIMEOUT", "PT3S",
                "ZTNA_BROKER_INSTANCE_ID", "broker-1",
                "ZTNA_READINESS_PEERS", "identity=" + identityUrl() + ",policy=http://localhost:" + ports.policy()));
        ManagedProcess broker = service("broker-svc", "broker-svc", ports.broker(), "broker", dbPasswords, logs, brokerEnv);
        Duration timeout = Duration.ofSeconds(120);
        for (var p : List.of(identity, audit, policy, broker)) {
            int port = p == identity ? ports.identity() : p == audit ? ports.audit() : p == policy ? ports.policy() : ports.broker();
            p.awaitHttp200("http://localhost:" + port + "/q/health/ready", timeout);
        }
        if (secondBroker) {
            // after the first is ready, so the two do not race on the schema migration
            Map<String, String> env = new HashMap<>(brokerEnv);
            env.put("ZTNA_BROKER_INSTANCE_ID", "broker-2");
            env.put("ZTNA_BROKER_DATA_CHANNEL_PORT", Integer.toString(ports.broker2Data()));
            service("broker-svc-2", "broker-svc", ports.broker2(), "broker", dbPasswords, logs, env)
                    .awaitHttp200("http://localhost:" + ports.broker2() + "/q/health/ready", timeout);
        }
        connector = startConnector("demo-connector");
    }

    /** A one-time enrolment token for a connector fronting every demo app, made by the ops-admin service account. */
    public String enrollmentToken(String connectorName) throws IOException, InterruptedException {
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(brokerTarget()).usePlaintext().build();
        try {
            var request = dev.ztna.proto.broker.v1.CreateEnrollmentTokenRequest.newBuilder().setConnectorName(connectorName);
            for (String spec : connectorApps().split(",")) {
                request.addApps(spec.substring(0, spec.indexOf('=')));
            }
            return dev.ztna.proto.broker.v1.ConnectorAdminServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(bearer(serviceToken("ops-admin")))
                    .createEnrollmentToken(request.build()).getEnrollmentToken();
        } finally {
            channel.shutdownNow();
        }
    }

    private static io.grpc.CallCredentials bearer(String token) {
        return new io.grpc.CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor, MetadataApplier applier) {
                io.grpc.Metadata headers = new io.grpc.Metadata();
                headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    private String connectorApps() {
        StringBuilder apps = new StringBuilder("echo=127.0.0.1:" + ports.echo());
        extraApps.forEach((name, target) -> apps.append(',').append(name).append('=').append(target));
        return apps.toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Kills the connector at once (SIGKILL), as a crash or a pulled cable would. */
    public void killConnector() {
        connector.kill();
    }

    /**
     * Enrols and starts a connector fronting the demo apps under its own name and state directory (a second one
     * gives high availability).
     */
    public ManagedProcess startConnector(String name) throws IOException, InterruptedException {
        Path state = workDir.resolve("connectors").resolve(name);
        deleteRecursively(state);
        ManagedProcess started = ManagedProcess.startJar(name, home.resolve("connector/target/ztna-connector.jar"), List.of(),
                Map.of("ZTNA_CONNECTOR_BROKERS", connectorBrokers(),
                        "ZTNA_CONNECTOR_STATE_DIR", state.toString(),
                        "ZTNA_CONNECTOR_ENROLLMENT_TOKEN", enrollmentToken(name),
                        "ZTNA_CONNECTOR_APPS", connectorApps()), workDir.resolve("logs"));
        processes.add(started);
        return started;
    }

    /** Starts {@code module}'s jar as the process {@code name} (one module may run as several processes). */
    private ManagedProcess service(String name, String module, int port, String db, Map<String, String> dbPasswords,
                                   Path logs, Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + ports.postgres() + "/" + db);
        env.put("QUARKUS_DATASOURCE_USERNAME", db);
        env.put("QUARKUS_DATASOURCE_PASSWORD", dbPasswords.get(db));
        env.put("QUARKUS_GRPC_CLIENTS_AUDIT_PORT", Integer.toString(ports.audit()));
        env.put("ZTNA_AUTH_ISSUER", identityUrl());
        env.putAll(extra);
        serviceEnv.put(name, env);
        servicePorts.put(name, port);
        serviceModules.put(name, module);
        this.dbPasswords.putAll(dbPasswords);
        return launch(name, logs);
    }

    private ManagedProcess launch(String name, Path logs) throws IOException {
        ManagedProcess process = ManagedProcess.startJar(name,
                home.resolve(serviceModules.get(name) + "/target/quarkus-app/quarkus-run.jar"),
                List.of(), serviceEnv.get(name), logs);
        processes.add(process);
        return process;
    }

    /** Stops a service gracefully (SIGTERM), e.g. to test an outage. */
    public void stopService(String name) {
        ManagedProcess process = process(name);
        process.close();
        processes.remove(process);
    }

    /** Starts a stopped service again with the same settings plus {@code extraEnv}, and waits until it is ready. */
    public void startService(String name, Map<String, String> extraEnv) throws IOException, InterruptedException {
        serviceEnv.get(name).putAll(extraEnv);
        startService(name);
    }

    /** Starts a stopped service again with the same settings and waits until it is ready. */
    public void startService(String name) throws IOException, InterruptedException {
        launch(name, workDir.resolve("logs")).awaitHttp200("http://localhost:" + servicePorts.get(name) + "/q/health/ready",
                Duration.ofSeconds(120));
    }

    public ManagedProcess process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " is not running"));
    }

    /** A connection to a service's database as that database's role (or another role the suite created). */
    public Connection connectionAs(String db, String role) throws SQLException {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + ports.postgres() + "/" + db, role,
                dbPasswords.get(role));
    }

    private String auditSigningKey() throws java.security.GeneralSecurityException {
        if (auditKey == null) {
            auditKey = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        return Base64.getEncoder().encodeToString(auditKey.getPrivate().getEncoded());
    }

    /** The Ed25519 public key of audit-svc's tree heads (X.509, base64): what an offline verifier is given. */
    public String auditPublicKey() {
        return Base64.getEncoder().encodeToString(auditKey.getPublic().getEncoded());
    }

    private String identitySeed() throws IOException {
        List<Map<String, Object>> seedUsers = new ArrayList<>();
        for (DemoUser u : users.values()) {
            seedUsers.add(Map.of("username", u.username(), "password", u.password(), "totp_secret", u.totpSecret(),
                    "groups", u.groups(), "roles", u.roles()));
        }
        List<Map<String, Object>> accounts = List.of(
                Map.of("client_id", "policy-svc", "secret", secrets.get("policy-svc"), "roles", List.of("audit-writer", "auditor")),
                Map.of("client_id", "broker-svc", "secret", secrets.get("broker-svc"), "roles", List.of("broker", "audit-writer")),
                Map.of("client_id", "auditor", "secret", secrets.get("auditor"), "roles", List.of("auditor")),
                Map.of("client_id", "ops-admin", "secret", secrets.get("ops-admin"), "roles", List.of("admin")));
        return new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(Map.of("users", seedUsers, "service_accounts", accounts));
    }

    Path writePrivate(String name, String content) throws IOException {
        Path file = workDir.resolve(name);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
        return file;
    }

    private String randomSecret() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        List<ManagedProcess> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        reversed.forEach(ManagedProcess::close);
        try {
            if (echo != null) {
                echo.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException ignored) {
            // shutting down anyway
        }
    }

    /** A service token for one of the suite's service accounts (OAuth 2 client credentials at identity-svc). */
    public String serviceToken(String clientId) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + java.net.URLEncoder.encode(clientId, java.nio.charset.StandardCharsets.UTF_8)
                + "&client_secret=" + java.net.URLEncoder.encode(secrets.get(clientId), java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(identityUrl() + "/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("no service token for " + clientId + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return new ObjectMapper().readTree(r.body()).path("access_token").asText();
    }

    /** For tests that tamper with or inspect a service's database as the superuser. */
    public Connection superuserConnection(String db) throws SQLException {
        return postgres.getDatabase("postgres", db).getConnection();
    }
}
