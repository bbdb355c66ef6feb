package dev.ztna.common.auth;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Key;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * identity-svc's JWKS, fetched and refreshed by a background thread only. Token checks run on the event loop, so
 * they read keys from memory and never wait on the network; an unknown kid asks for a refresh (at most every
 * {@link #MIN_REFRESH_GAP_MS} ms, so forged kids cannot turn into a fetch storm) and is refused meanwhile.
 * Until the first fetch succeeds every token is refused and readiness reports DOWN (fail closed).
 */
public final class JwksCache implements VerificationKeyResolver {

    private static final Logger LOG = Logger.getLogger(JwksCache.class);
    static final long MIN_REFRESH_GAP_MS = 10_000;
    static final long PERIOD_SECONDS = 60;

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jwks-refresh");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong lastOnDemand = new AtomicLong();
    private volatile JwksVerificationKeyResolver keys;

    JwksCache(URI url) {
        this.url = url;
        refresher.scheduleWithFixedDelay(this::refresh, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    public boolean loaded() {
        return keys != null;
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext) throws UnresolvableKeyException {
        JwksVerificationKeyResolver current = keys;
        if (current == null) {
            refreshSoon();
            throw new UnresolvableKeyException("token keys not loaded yet");
        }
        try {
            return current.resolveKey(jws, nestingContext);
        } catch (UnresolvableKeyException e) {
            refreshSoon();
            throw e;
        }
    }

    private void refreshSoon() {
        long now = System.currentTimeMillis();
        long last = lastOnDemand.get();
        if (now - last >= MIN_REFRESH_GAP_MS && lastOnDemand.compareAndSet(last, now)) {
            refresher.execute(this::refresh);
        }
    }

    private void refresh() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
            }
            keys = new JwksVerificationKeyResolver(new JsonWebKeySet(response.body()).getJsonWebKeys());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("cannot fetch token keys from %s (%s); %s", url, e.getMessage(),
                    keys == null ? "refusing every token until they load" : "keeping the keys fetched before");
            if (keys == null) {
                refresher.schedule(this::refresh, 1, TimeUnit.SECONDS);
            }
        }
    }
}
