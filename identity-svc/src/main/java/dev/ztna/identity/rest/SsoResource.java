package dev.ztna.identity.rest;

import dev.ztna.identity.federation.FederatedLogins;
import dev.ztna.identity.federation.FederationConfig;
import dev.ztna.identity.federation.FederationRefused;
import dev.ztna.identity.service.AuthenticationFailure;
import dev.ztna.identity.service.Authenticator;
import dev.ztna.identity.service.LoginThrottle;
import dev.ztna.identity.service.TokenIssuer;
import io.quarkus.oidc.IdToken;
import io.quarkus.oidc.OidcSession;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * SSO in a browser: Quarkus OIDC runs the authorization code flow with PKCE against the upstream IdP for
 * {@code GET /sso/login}; this resource then asks for the suite's own TOTP ({@code POST /sso/mfa}) and ends with the
 * access token in an HttpOnly, SameSite=Strict cookie. The upstream session cookie is dropped at once.
 */
@Path("/sso")
public class SsoResource {

    static final String COOKIE = "ztna_access";
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{20,100}");
    private static final Pattern CODE = Pattern.compile("[0-9]{6}|[a-z0-9]{5}-[a-z0-9]{5}");

    private final FederationConfig config;
    private final FederatedLogins logins;
    private final Authenticator authenticator;
    @Inject
    @IdToken
    JsonWebToken idToken;
    @Inject
    Instance<OidcSession> oidcSession;

    public SsoResource(FederationConfig config, FederatedLogins logins, Authenticator authenticator) {
        this.config = config;
        this.logins = logins;
        this.authenticator = authenticator;
    }

    /** Reached only after Quarkus OIDC verified the upstream ID token (code flow + PKCE). */
    @GET
    @Path("/login")
    @Produces(MediaType.TEXT_HTML)
    public Response login(@Context HttpServerRequest http) {
        if (!config.enabled()) {
            return page(404, "SSO is not configured", "This server does not federate with an identity provider.");
        }
        String source = source(http);
        Authenticator.Challenge challenge;
        try {
            challenge = logins.begin(idToken, source);
        } catch (FederationRefused e) {
            return endUpstreamSession(page(403, "Access refused", e.getMessage()));
        }
        if (challenge.mfaSatisfied()) {
            return endUpstreamSession(complete(challenge.id(), null, null, source));
        }
        return endUpstreamSession(mfaForm(challenge.id(), null, 200));
    }

    @POST
    @Path("/mfa")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response mfa(MultivaluedMap<String, String> form, @Context HttpServerRequest http) {
        if (!config.enabled()) {
            return page(404, "SSO is not configured", "This server does not federate with an identity provider.");
        }
        String challenge = form.getFirst("challenge_id");
        String code = form.getFirst("code");
        if (challenge == null || !CHALLENGE.matcher(challenge).matches()) {
            return page(400, "Invalid request", "challenge_id is missing or malformed; start the login again.");
        }
        if (code == null || !CODE.matcher(code.trim()).matches()) {
            return mfaForm(challenge, "Enter the 6-digit code from your authenticator app, or a recovery code.", 400);
        }
        String trimmed = code.trim();
        boolean recovery = trimmed.contains("-");
        return complete(challenge, recovery ? null : trimmed, recovery ? trimmed : null, source(http));
    }

    private Response complete(String challenge, String totp, String recovery, String source) {
        TokenIssuer.Issued token;
        try {
            token = authenticator.verifyMfa(challenge, totp, recovery, source, null);
        } catch (AuthenticationFailure e) {
            if (e.reason().equals("MFA_CODE_INVALID")) {
                return mfaForm(challenge, "That code is not valid. Try the next one.", 401);
            }
            return page(401, "Login failed", e.getMessage());
        } catch (LoginThrottle.LockedOut e) {
            return page(429, "Too many attempts", e.getMessage());
        }
        long ttl = Math.max(1, Duration.between(Instant.now(), token.expiresAt()).getSeconds());
        NewCookie cookie = new NewCookie.Builder(COOKIE).value(token.token()).path("/").httpOnly(true)
                .secure(config.cookieSecure()).sameSite(NewCookie.SameSite.STRICT).maxAge((int) ttl).build();
        return Html.builder(200, "Signed in", "<p>You are signed in. You may close this window.</p>").cookie(cookie).build();
    }

    /** The upstream session (q_session cookie) served only to reach this point; the local login carries on. */
    private Response endUpstreamSession(Response response) {
        if (oidcSession.isResolvable()) {
            oidcSession.get().logout().await().atMost(Duration.ofSeconds(5));
        }
        return response;
    }

    private static Response mfaForm(String challenge, String error, int status) {
        String body = (error == null ? "" : "<p class=\"error\">" + Html.escape(error) + "</p>")
                + "<form method=\"post\" action=\"/sso/mfa\">"
                + "<input type=\"hidden\" name=\"challenge_id\" value=\"" + Html.escape(challenge) + "\">"
                + "<label>Authenticator code <input name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\""
                + " autofocus required></label> <button type=\"submit\">Verify</button></form>";
        return Html.page(status, "Verify it is you", body);
    }

    private static Response page(int status, String title, String text) {
        return Html.page(status, title, "<p>" + Html.escape(text) + "</p>");
    }

    private static String source(HttpServerRequest http) {
        return http.remoteAddress() == null ? "" : http.remoteAddress().hostAddress();
    }
}
