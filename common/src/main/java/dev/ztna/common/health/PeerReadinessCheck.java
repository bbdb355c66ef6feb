package dev.ztna.common.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Readiness reflects the peers this service needs ({@code ztna.readiness.peers=name=http://host:port,...}):
 * each must answer its own liveness probe. The service still starts while a peer is down.
 */
@Readiness
@ApplicationScoped
public class PeerReadinessCheck implements org.eclipse.microprofile.health.HealthCheck {

    private final Map<String, URI> peers = new TreeMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public PeerReadinessCheck(@ConfigProperty(name = "ztna.readiness.peers") Optional<List<String>> peers) {
        for (String peer : peers.orElse(List.of())) {
            int eq = peer.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("ztna.readiness.peers entries must look like name=http://host:port, got " + peer);
            }
            this.peers.put(peer.substring(0, eq).trim(), URI.create(peer.substring(eq + 1).trim() + "/q/health/live"));
        }
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("peers").up();
        for (Map.Entry<String, URI> peer : peers.entrySet()) {
            boolean up = isUp(peer.getValue());
            response.withData(peer.getKey(), up ? "UP" : "DOWN");
            if (!up) {
                response.down();
            }
        }
        return response.build();
    }

    private boolean isUp(URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
