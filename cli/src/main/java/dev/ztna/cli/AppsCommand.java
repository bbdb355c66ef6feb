package dev.ztna.cli;

import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.App;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import dev.ztna.proto.broker.v1.ListAppsResponse;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "apps", mixinStandardHelpOptions = true, description = "List the apps you may reach right now.")
final class AppsCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @picocli.CommandLine.Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = endpoints.channel(endpoints.broker);
        try {
            AccessServiceGrpc.AccessServiceBlockingStub access = AccessServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(endpoints.credentials());
            Endpoints.requireOutput(output);
            java.util.List<String> names = new java.util.ArrayList<>();
            String page = "";
            int count = 0;
            do {
                ListAppsResponse response = access.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .listApps(ListAppsRequest.newBuilder().setPageToken(page).build());
                for (App app : response.getAppsList()) {
                    names.add(app.getName());
                    count++;
                }
                page = response.getNextPageToken();
            } while (!page.isEmpty());
            if ("json".equals(output)) {
                System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("apps", names)));
            } else {
                names.forEach(System.out::println);
                if (count == 0) {
                    System.err.println("No apps are available to you right now.");
                }
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }
}
