package dev.ztna.connector;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/** The connector: dials out to every broker in its list and opens no listening socket. */
@Command(name = "ztna-connector", mixinStandardHelpOptions = true, version = "ztna-connector 0.1.0",
        description = "Sits next to applications and connects them to ZTNA brokers, dialling out only.")
public final class ConnectorMain implements Callable<Integer> {

    private static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    @Option(names = "--broker", split = ",", defaultValue = "${env:ZTNA_CONNECTOR_BROKERS:-localhost:8083}",
            description = "Broker host:port list (env ZTNA_CONNECTOR_BROKERS). Default: ${DEFAULT-VALUE}")
    List<String> brokers;

    @Option(names = "--state-dir", defaultValue = "${env:ZTNA_CONNECTOR_STATE_DIR}",
            description = "Where the connector keeps its enrolled identity (env ZTNA_CONNECTOR_STATE_DIR). Default: ~/.ztna-connector")
    Path stateDir;

    @Option(names = "--enrollment-token-file", defaultValue = "${env:ZTNA_CONNECTOR_ENROLLMENT_TOKEN_FILE}",
            description = "File holding the one-time enrolment token (`ztna connectors enroll`); or set env "
                    + "ZTNA_CONNECTOR_ENROLLMENT_TOKEN. Only needed until the connector has enrolled. Never pass secrets as arguments.")
    Path tokenFile;

    @Option(names = "--app", split = ",", defaultValue = "${env:ZTNA_CONNECTOR_APPS}",
            description = "App to front as name=host:port, repeatable (env ZTNA_CONNECTOR_APPS, comma separated)")
    List<String> appSpecs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConnectorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, InetSocketAddress> apps = parseApps(appSpecs);
        EnrolledIdentity identity = identity();
        List<String> foreign = apps.keySet().stream().filter(a -> !identity.apps().contains(a)).toList();
        if (!foreign.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "this connector (" + identity.name()
                    + ") is enrolled for " + identity.apps() + ", not for " + foreign + "; enrol a connector for them");
        }
        System.err.println("connector " + identity.name() + " (" + identity.id() + ") fronting " + apps.keySet());
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "connector-tunnel");
            t.setDaemon(true);
            return t;
        });
        List<BrokerAttachment> attachments = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String broker : brokers) {
            ManagedChannel channel = ManagedChannelBuilder.forTarget(broker.trim()).usePlaintext()
                    .keepAliveTime(30, java.util.concurrent.TimeUnit.SECONDS).build();
            BrokerAttachment attachment = new BrokerAttachment(broker.trim(), channel, identity, apps, workers);
            attachments.add(attachment);
            Thread thread = new Thread(attachment, "attach-" + broker.trim());
            threads.add(thread);
            thread.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> attachments.forEach(BrokerAttachment::stop)));
        for (Thread thread : threads) {
            thread.join();
        }
        return 0;
    }

    /** The identity saved in the state directory, or a new one from the enrolment token. */
    private EnrolledIdentity identity() throws IOException {
        Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".ztna-connector");
        var saved = EnrolledIdentity.load(dir);
        if (saved.isPresent()) {
            return saved.get();
        }
        String token = System.getenv("ZTNA_CONNECTOR_ENROLLMENT_TOKEN");
        if (tokenFile != null) {
            token = Files.readString(tokenFile);
        }
        if (token == null || token.isBlank()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "this connector is not enrolled yet (no "
                    + dir.resolve(EnrolledIdentity.FILE) + "): give it a one-time token from `ztna connectors enroll` "
                    + "with --enrollment-token-file or ZTNA_CONNECTOR_ENROLLMENT_TOKEN");
        }
        EnrolledIdentity enrolled = EnrolledIdentity.enroll(brokers, token.trim(), dir);
        System.err.println("enrolled as " + enrolled.name() + " (" + enrolled.id() + "); identity saved in " + dir);
        return enrolled;
    }

    static Map<String, InetSocketAddress> parseApps(List<String> specs) {
        if (specs == null || specs.isEmpty()) {
            throw new IllegalArgumentException("at least one --app name=host:port is required");
        }
        Map<String, InetSocketAddress> apps = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            int colon = spec.lastIndexOf(':');
            if (eq <= 0 || colon < eq + 2 || colon == spec.length() - 1) {
                throw new IllegalArgumentException("--app must look like name=host:port, got '" + spec + "'");
            }
            String app = spec.substring(0, eq).trim();
            if (!APP.matcher(app).matches()) {
                throw new IllegalArgumentException("--app name '" + app + "' must be 1..64 characters of a-z, 0-9 and -");
            }
            int port;
            try {
                port = Integer.parseInt(spec.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--app port in '" + spec + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--app port in '" + spec + "' must be 1..65535");
            }
            apps.put(app, InetSocketAddress.createUnresolved(spec.substring(eq + 1, colon).trim(), port));
        }
        return apps;
    }
}
