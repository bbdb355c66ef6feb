package dev.ztna.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show who you are logged in as, and until when.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode status = json.createObjectNode();
        status.put("identity", endpoints.identity);
        status.put("broker", endpoints.broker);
        Path token = endpoints.configDir.resolve("token");
        boolean loggedIn = false;
        if (Files.exists(token)) {
            // local display only: the claims are read, not trusted; the services verify the signature
            String[] parts = Files.readString(token).trim().split("\\.");
            JsonNode claims = parts.length == 3
                    ? json.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                    : json.createObjectNode();
            Instant expires = Instant.ofEpochSecond(claims.path("exp").asLong());
            loggedIn = expires.isAfter(Instant.now());
            status.put("user", claims.path("preferred_username").asText());
            status.set("groups", claims.path("groups"));
            status.set("amr", claims.path("amr"));
            status.put("expires", expires.toString());
        }
        status.put("logged_in", loggedIn);
        if ("json".equals(output)) {
            System.out.println(json.writeValueAsString(status));
        } else if (!"table".equals(output)) {
            throw new IllegalArgumentException("--output must be table or json");
        } else if (status.has("user")) {
            System.out.printf("user      %s%ngroups    %s%nmfa       %s%n%s  %s%nidentity  %s%nbroker    %s%n",
                    status.path("user").asText(), status.path("groups"), status.path("amr"),
                    loggedIn ? "expires " : "EXPIRED ", status.path("expires").asText(), endpoints.identity, endpoints.broker);
        } else {
            System.out.println("not logged in (run `ztna login USER`)");
        }
        return loggedIn ? 0 : 3;
    }
}
