package dev.ztna.cli;

import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.broker.v1.ConnectorAdminServiceGrpc;
import dev.ztna.proto.broker.v1.ConnectorInfo;
import dev.ztna.proto.broker.v1.CreateEnrollmentTokenRequest;
import dev.ztna.proto.broker.v1.CreateEnrollmentTokenResponse;
import dev.ztna.proto.broker.v1.ListConnectorsRequest;
import dev.ztna.proto.broker.v1.ListConnectorsResponse;
import dev.ztna.proto.broker.v1.RevokeConnectorRequest;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Operators: enrol connectors, list them, revoke one. Needs the role admin. */
@Command(name = "connectors", mixinStandardHelpOptions = true,
        description = "List the enrolled connectors (role admin).",
        subcommands = {ConnectorsCommand.Enroll.class, ConnectorsCommand.Revoke.class})
final class ConnectorsCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() throws Exception {
        Endpoints.requireOutput(output);
        ManagedChannel channel = endpoints.channel(endpoints.broker);
        try {
            var stub = ConnectorAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials());
            ListConnectorsResponse.Builder all = ListConnectorsResponse.newBuilder();
            String page = "";
            do {
                ListConnectorsResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listConnectors(ListConnectorsRequest.newBuilder().setPageToken(page).build());
                all.addAllConnectors(r.getConnectorsList());
                page = r.getNextPageToken();
            } while (!page.isEmpty());
            if ("json".equals(output)) {
                System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(all));
                return 0;
            }
            System.out.printf("%-36s  %-24s %-20s %-9s %s%n", "CONNECTOR", "NAME", "ENROLLED", "STATE", "APPS");
            for (ConnectorInfo c : all.getConnectorsList()) {
                String state = c.hasRevokeTime() ? "revoked" : c.getAttached() ? "attached" : "offline";
                System.out.printf("%-36s  %-24s %-20s %-9s %s%n", c.getConnectorId(), c.getConnectorName(),
                        Instant.ofEpochSecond(c.getEnrollTime().getSeconds()), state, String.join(",", c.getAppsList()));
            }
            if (all.getConnectorsCount() == 0) {
                System.err.println("No connectors enrolled yet: `ztna connectors enroll NAME --app APP`.");
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = "Make a one-time enrolment token for a connector; give it to the connector as "
                    + "ZTNA_CONNECTOR_ENROLLMENT_TOKEN (or --enrollment-token-file).")
    static final class Enroll implements Callable<Integer> {

        @Mixin
        Endpoints endpoints;

        @Parameters(index = "0", description = "The connector's name (a-z, 0-9, '.', '_', '-')")
        String name;

        @Option(names = "--app", required = true, split = ",", description = "An app it may front (repeatable)")
        List<String> apps;

        @Option(names = "--ttl", defaultValue = "PT1H", description = "How long the token may be redeemed (ISO-8601, "
                + "1 minute .. 7 days). Default: ${DEFAULT-VALUE}")
        Duration ttl;

        @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
        String output;

        @Override
        public Integer call() throws Exception {
            Endpoints.requireOutput(output);
            ManagedChannel channel = endpoints.channel(endpoints.broker);
            try {
                CreateEnrollmentTokenResponse r = ConnectorAdminServiceGrpc.newBlockingStub(channel)
                        .withCallCredentials(endpoints.credentials()).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createEnrollmentToken(CreateEnrollmentTokenRequest.newBuilder().setConnectorName(name).addAllApps(apps)
                                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttl.getSeconds())).build());
                if ("json".equals(output)) {
                    System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(r));
                } else {
                    System.out.println(r.getEnrollmentToken());
                    System.err.println("One-time enrolment token for connector " + name + " (" + String.join(",", apps)
                            + "), valid until " + Instant.ofEpochSecond(r.getExpireTime().getSeconds())
                            + ". It is shown only now.");
                }
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Refuse a connector from now on, on every broker; its tunnels end.")
    static final class Revoke implements Callable<Integer> {

        @Mixin
        Endpoints endpoints;

        @Parameters(index = "0", description = "The connector id, as listed by `ztna connectors`")
        String connectorId;

        @Override
        public Integer call() throws Exception {
            ManagedChannel channel = endpoints.channel(endpoints.broker);
            try {
                ConnectorAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .revokeConnector(RevokeConnectorRequest.newBuilder().setConnectorId(connectorId).build());
                System.out.println("Connector " + connectorId + " revoked.");
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
