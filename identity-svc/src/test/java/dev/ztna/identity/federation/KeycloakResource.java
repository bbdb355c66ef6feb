package dev.ztna.identity.federation;

import dev.ztna.common.testing.KeycloakServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** identity-svc federated with a real Keycloak holding src/test/resources/keycloak/ztna-realm.json. */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_SECRET = "test-only-federation-client-secret";
    static volatile String issuer;
    private KeycloakServer keycloak;

    @Override
    public Map<String, String> start() {
        try {
            keycloak = KeycloakServer.start(Path.of("src/test/resources/keycloak/ztna-realm.json"), "ztna",
                    Path.of("target/keycloak.log"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Keycloak", e);
        }
        issuer = keycloak.issuer();
        return Map.of(
                "ztna.identity.federation.enabled", "true",
                "ztna.identity.federation.issuer", issuer,
                "ztna.identity.federation.client-id", "ztna-identity",
                "ztna.identity.federation.client-secret", CLIENT_SECRET,
                "ztna.identity.federation.state-secret", "test-only-state-secret-0123456789abcdef",
                "ztna.identity.federation.cookie-secure", "false",
                "ztna.identity.federation.group-mapping.\"engineering\"", "engineering",
                "ztna.identity.federation.group-mapping.\"contractors\"", "contractors");
    }

    @Override
    public void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }
}
