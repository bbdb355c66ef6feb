package dev.ztna.identity.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/** identity-svc verifies tokens against its own keys, without a network round trip to itself. */
@ApplicationScoped
public class LocalKeyResolverProducer {

    @Produces
    @ApplicationScoped
    VerificationKeyResolver localKeys(SigningKeys keys) {
        return (jws, nestingContext) -> new JwksVerificationKeyResolver(keys.jwks().getJsonWebKeys())
                .resolveKey(jws, nestingContext);
    }
}
