package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.identity.domain.WebLoginCode;
import dev.ztna.identity.repository.WebLoginCodeRepository;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The hand-off from a browser login at identity-svc to an app host of the broker's web proxy: a one-time code, sent
 * only to a callback on a configured web domain, redeemed once by the broker for the access token. The token never
 * travels in a URL, and a code is useless to anyone but a broker (role `broker`) and for another host.
 */
@ApplicationScoped
public class WebLogins {

    public static final String CALLBACK_PATH = "/.ztna/callback";
    private static final Pattern APP_LABEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final WebLoginCodeRepository codes;
    private final SecretBox box;
    private final IdentityConfig config;
    private final AuditOutbox audit;
    private final SecureRandom random = new SecureRandom();

    public record Redeemed(String token, Instant expiresAt, String username) {
    }

    /** The redirect URI is not one this server may send a browser to; the message names what is wrong. */
    public static final class BadRedirect extends RuntimeException {
        public BadRedirect(String message) {
            super(message, null, false, false);
        }
    }

    public WebLogins(WebLoginCodeRepository codes, SecretBox box, IdentityConfig config, AuditOutbox audit) {
        this.codes = codes;
        this.box = box;
        this.config = config;
        this.audit = audit;
    }

    public boolean enabled() {
        return config.web().redirectDomains().map(d -> !d.isEmpty()).orElse(false);
    }

    /**
     * Accepts only {@code https://APP.DOMAIN[:port]/.ztna/callback} for a configured domain (http too when allowed):
     * no user info, query or fragment, one app label. Anything else would make the login an open redirect.
     */
    public URI checkRedirect(String redirectUri) {
        if (redirectUri == null || redirectUri.isEmpty() || redirectUri.length() > 512) {
            throw new BadRedirect("redirect_uri is missing or too long");
        }
        URI uri;
        try {
            uri = new URI(redirectUri);
        } catch (URISyntaxException e) {
            throw new BadRedirect("redirect_uri is not a valid URI");
        }
        String scheme = uri.getScheme();
        boolean schemeOk = "https".equals(scheme) || ("http".equals(scheme) && config.web().allowHttp());
        if (!schemeOk || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !CALLBACK_PATH.equals(uri.getRawPath()) || uri.getHost() == null) {
            throw new BadRedirect("redirect_uri must be " + (config.web().allowHttp() ? "http(s)" : "https")
                    + "://APP.WEB-DOMAIN" + CALLBACK_PATH + " with nothing else");
        }
        String host = uri.getHost();
        List<String> domains = config.web().redirectDomains().orElse(List.of());
        for (String domain : domains) {
            String suffix = "." + domain.toLowerCase(java.util.Locale.ROOT);
            if (host.endsWith(suffix) && APP_LABEL.matcher(host.substring(0, host.length() - suffix.length())).matches()) {
                return uri;
            }
        }
        throw new BadRedirect("redirect_uri is not on a web domain of this site");
    }

    /** Stores a finished login for one redirect URI (already checked) and returns the one-time code. */
    @Transactional
    public String issue(String username, String token, Instant tokenExpiresAt, URI redirectUri) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        WebLoginCode row = new WebLoginCode();
        row.codeHash = Authenticator.sha256(code);
        row.redirectUri = redirectUri.toString();
        row.username = username;
        row.tokenEnc = box.seal(token.getBytes(StandardCharsets.US_ASCII), context(row.codeHash));
        row.tokenExpiresAt = tokenExpiresAt;
        row.expiresAt = Instant.now().plus(config.web().codeTtl());
        codes.persist(row);
        return code;
    }

    /**
     * Spends a code: the row is deleted whatever the outcome, so a code presented with the wrong redirect URI is
     * burnt too. Empty for an unknown, used, expired or mismatched code (one answer for all).
     */
    @Transactional
    public Optional<Redeemed> redeem(String code, String redirectUri, String broker) {
        if (code == null || !CODE.matcher(code).matches()) {
            return refused(broker, "malformed code");
        }
        WebLoginCode row = codes.findById(Authenticator.sha256(code), LockModeType.PESSIMISTIC_WRITE);
        if (row == null) {
            return refused(broker, "unknown or already used code");
        }
        codes.delete(row);
        Instant now = Instant.now();
        if (row.expiresAt.isBefore(now) || row.tokenExpiresAt.isBefore(now)) {
            return refused(broker, "expired code");
        }
        if (!java.security.MessageDigest.isEqual(row.redirectUri.getBytes(StandardCharsets.UTF_8),
                String.valueOf(redirectUri).getBytes(StandardCharsets.UTF_8))) {
            return refused(broker, "code presented for another redirect URI");
        }
        String token = new String(box.open(row.tokenEnc, context(row.codeHash)), StandardCharsets.US_ASCII);
        audit.record("auth.web_login", row.username, Outcome.OUTCOME_SUCCESS, "browser login handed to the web proxy",
                Map.of("redirect_uri", row.redirectUri, "broker", broker));
        return Optional.of(new Redeemed(token, row.tokenExpiresAt, row.username));
    }

    private Optional<Redeemed> refused(String broker, String why) {
        audit.record("auth.web_login", "", Outcome.OUTCOME_FAILURE, why, Map.of("broker", broker));
        return Optional.empty();
    }

    @Scheduled(every = "60s")
    @Transactional
    void prune() {
        codes.delete("expiresAt < ?1", Instant.now());
    }

    private static String context(byte[] codeHash) {
        return "web-login:" + HexFormat.of().formatHex(codeHash);
    }
}
