package dev.ztna.common.auth;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Verification keys from identity-svc's JWKS (cached, refreshed on an unknown kid) or from a JWKS file. */
@ApplicationScoped
public class KeyResolverProducer {

    @Produces
    @DefaultBean
    @ApplicationScoped
    VerificationKeyResolver keyResolver(AuthConfig config) {
        String url = config.effectiveJwksUrl();
        if (url.startsWith("file:")) {
            try {
                String json = Files.readString(Path.of(URI.create(url)));
                return new JwksVerificationKeyResolver(new JsonWebKeySet(json).getJsonWebKeys());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read JWKS file " + url, e);
            } catch (JoseException e) {
                throw new IllegalStateException("invalid JWKS file " + url, e);
            }
        }
        HttpsJwks jwks = new HttpsJwks(url);
        jwks.setDefaultCacheDuration(300);
        jwks.setRetainCacheOnErrorDuration(3600);
        return new HttpsJwksVerificationKeyResolver(jwks);
    }
}
