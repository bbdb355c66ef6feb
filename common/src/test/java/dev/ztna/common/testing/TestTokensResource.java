package dev.ztna.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/** Makes the service under test trust {@link TestTokens} (and nothing else). */
public class TestTokensResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "ztna.auth.issuer", TestTokens.ISSUER,
                "ztna.auth.jwks-url", TestTokens.writeJwks(Path.of("target", "test-jwks")));
    }

    @Override
    public void stop() {
    }
}
