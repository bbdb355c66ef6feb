package dev.ztna.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/** The connector's credential exchanged at identity-svc (client credentials) for short-lived service tokens. */
final class ServiceCredentials extends CallCredentials {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final URI tokenUrl;
    private final String clientId;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private Instant renewAt = Instant.EPOCH;

    ServiceCredentials(URI identity, String clientId, String secret) {
        this.tokenUrl = identity.resolve("/oauth2/token");
        this.clientId = clientId;
        this.secret = secret;
    }

    synchronized String token() throws IOException, InterruptedException {
        if (token == null || Instant.now().isAfter(renewAt)) {
            String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                    + "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenUrl)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("identity-svc refused the connector credential (HTTP " + response.statusCode() + ")");
            }
            JsonNode body = new ObjectMapper().readTree(response.body());
            token = body.path("access_token").asText();
            renewAt = Instant.now().plusSeconds(Math.max(5, body.path("expires_in").asLong(60) - 60));
        }
        return token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        executor.execute(() -> {
            try {
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, "Bearer " + token());
                applier.apply(headers);
            } catch (IOException e) {
                applier.fail(Status.UNAUTHENTICATED.withDescription(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                applier.fail(Status.CANCELLED);
            }
        });
    }
}
