package dev.ztna.identity.rest;

import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.identity.service.AuthenticationFailure;
import dev.ztna.identity.service.Authenticator;
import dev.ztna.identity.service.LoginThrottle;
import dev.ztna.identity.service.RefreshTokens;
import dev.ztna.identity.service.TokenIssuer;
import dev.ztna.identity.service.WebLogins;
import io.grpc.StatusRuntimeException;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Browser login for the broker's web proxy. An app host sends the browser here with its callback URI and a state;
 * after password + TOTP (or at once, while the browser's login here is alive) the browser goes back to the callback
 * with a one-time code the broker redeems over gRPC. The login here is kept as a rotating refresh token in an
 * HttpOnly cookie scoped to /web, so the next app (or the next token) needs no password.
 */
@Path("/web")
@Blocking
public class WebLoginResource {

    static final String LOGIN_COOKIE = "ztna_web_login";
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{20,100}");
    private static final Pattern CODE = Pattern.compile("[0-9]{6}|[a-z0-9]{5}-[a-z0-9]{5}");

    private final WebLogins web;
    private final Authenticator authenticator;
    private final RefreshTokens refreshTokens;
    private final TokenVerifier tokens;
    private final IdentityConfig config;

    public WebLoginResource(WebLogins web, Authenticator authenticator, RefreshTokens refreshTokens,
                            TokenVerifier tokens, IdentityConfig config) {
        this.web = web;
        this.authenticator = authenticator;
        this.refreshTokens = refreshTokens;
        this.tokens = tokens;
        this.config = config;
    }

    @GET
    @Path("/login")
    @Produces(MediaType.TEXT_HTML)
    public Response loginPage(@QueryParam("redirect_uri") String redirectUri, @QueryParam("state") String state,
                              @QueryParam("prompt") String prompt, @CookieParam(LOGIN_COOKIE) String login,
                              @Context HttpServerRequest http) {
        Target target = target(redirectUri, state);
        // prompt=login: the app's policy wants a fresh password + code (re-authentication interval), not the old login
        if (login != null && !login.isEmpty() && login.length() <= 128 && !"login".equals(prompt)) {
            try {
                TokenIssuer.Issued issued = refreshTokens.refresh(login, source(http));
                return handBack(target, issued);
            } catch (StatusRuntimeException e) {
                // the login here ended (expired, revoked, reused): ask again, and forget the dead cookie
                return loginForm(target, null, 200).cookie(loginCookie("", 0)).build();
            }
        }
        return loginForm(target, null, 200).build();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response login(MultivaluedMap<String, String> form, @Context HttpServerRequest http) {
        Target target = target(form.getFirst("redirect_uri"), form.getFirst("state"));
        String username = form.getFirst("username");
        String password = form.getFirst("password");
        if (username == null || !USERNAME.matcher(username).matches()) {
            return loginForm(target, "username: enter your user name (a-z, 0-9, . _ -).", 400).build();
        }
        if (password == null || password.isEmpty() || password.length() > 1024) {
            return loginForm(target, "password: enter your password.", 400).build();
        }
        try {
            Authenticator.Challenge challenge = authenticator.login(username, password, source(http));
            return mfaForm(target, challenge.id(), null, 200);
        } catch (AuthenticationFailure e) {
            return loginForm(target, "Invalid username or password.", 401).build();
        } catch (LoginThrottle.LockedOut e) {
            return Html.page(429, "Too many attempts", "<p>" + Html.escape(e.getMessage()) + "</p>");
        }
    }

    @POST
    @Path("/mfa")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response mfa(MultivaluedMap<String, String> form, @Context HttpServerRequest http) {
        Target target = target(form.getFirst("redirect_uri"), form.getFirst("state"));
        String challenge = form.getFirst("challenge_id");
        String code = form.getFirst("code");
        if (challenge == null || !CHALLENGE.matcher(challenge).matches()) {
            return Html.page(400, "Invalid request", "<p>challenge_id is missing or malformed; start the login again.</p>");
        }
        if (code == null || !CODE.matcher(code.trim()).matches()) {
            return mfaForm(target, challenge, "code: enter the 6-digit code from your authenticator app, or a recovery code.", 400);
        }
        String trimmed = code.trim();
        boolean recovery = trimmed.contains("-");
        try {
            TokenIssuer.Issued issued = authenticator.verifyMfa(challenge, recovery ? null : trimmed,
                    recovery ? trimmed : null, source(http), null);
            return handBack(target, issued);
        } catch (AuthenticationFailure e) {
            if (e.reason().equals("MFA_CODE_INVALID")) {
                return mfaForm(target, challenge, "That code is not valid. Try the next one.", 401);
            }
            return Html.page(401, "Login failed", "<p>" + Html.escape(e.getMessage()) + "</p>");
        } catch (LoginThrottle.LockedOut e) {
            return Html.page(429, "Too many attempts", "<p>" + Html.escape(e.getMessage()) + "</p>");
        }
    }

    /** Sign out everywhere: a confirmation form (a GET never ends a login, so no other site can force it). */
    @GET
    @Path("/logout")
    @Produces(MediaType.TEXT_HTML)
    public Response logoutPage() {
        return Html.page(200, "Sign out", "<p>Sign out of every app you reached with this sign-in?</p>"
                + "<form method=\"post\" action=\"/web/logout\"><button type=\"submit\">Sign out everywhere</button></form>");
    }

    /** Ends the login session behind the cookie: every app host's session of it is refused at its next request. */
    @POST
    @Path("/logout")
    @Produces(MediaType.TEXT_HTML)
    public Response logout(@CookieParam(LOGIN_COOKIE) String login) {
        if (login != null && !login.isEmpty() && login.length() <= 128) {
            refreshTokens.logout(login);
        }
        return Html.builder(200, "Signed out", "<p>You are signed out. Apps ask you to sign in again.</p>")
                .cookie(loginCookie("", 0)).build();
    }

    /** A callback or state this server may not send a browser back with: 400, naming what is wrong. */
    @ServerExceptionMapper
    Response badRedirect(WebLogins.BadRedirect e) {
        return Html.page(400, "Invalid request", "<p>" + Html.escape(e.getMessage()) + "</p>");
    }

    /** Where the browser goes back to: a checked callback URI and the app host's state, echoed untouched. */
    private record Target(URI redirectUri, String state) {
    }

    private Target target(String redirectUri, String state) {
        if (!web.enabled()) {
            throw new WebLogins.BadRedirect("web app logins are not configured on this server");
        }
        URI uri = web.checkRedirect(redirectUri);
        if (state == null || !STATE.matcher(state).matches()) {
            throw new WebLogins.BadRedirect("state is missing or malformed");
        }
        return new Target(uri, state);
    }

    private Response handBack(Target target, TokenIssuer.Issued issued) {
        String username;
        try {
            username = tokens.verify(issued.token()).name();
        } catch (TokenVerifier.InvalidTokenException e) {
            throw new IllegalStateException("identity-svc cannot verify a token it just issued", e);
        }
        String code = web.issue(username, issued.token(), issued.expiresAt(), target.redirectUri());
        URI back = URI.create(target.redirectUri() + "?code=" + code + "&state="
                + URLEncoder.encode(target.state(), StandardCharsets.US_ASCII));
        long refreshTtl = config.refreshTokenTtl().getSeconds();
        return Response.seeOther(back).cookie(loginCookie(issued.refreshToken(), (int) refreshTtl))
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer").build();
    }

    /** Lax, not Strict: it must come along when an app host sends the browser here (a cross-site navigation). */
    private NewCookie loginCookie(String value, int maxAge) {
        return new NewCookie.Builder(LOGIN_COOKIE).value(value).path("/web").httpOnly(true)
                .secure(config.web().cookieSecure()).sameSite(NewCookie.SameSite.LAX).maxAge(maxAge).build();
    }

    private static Response.ResponseBuilder loginForm(Target target, String error, int status) {
        String body = (error == null ? "" : "<p class=\"error\">" + Html.escape(error) + "</p>")
                + "<p>Sign in to reach <b>" + Html.escape(target.redirectUri().getHost()) + "</b>.</p>"
                + "<form method=\"post\" action=\"/web/login\">" + hidden(target)
                + "<p><label>User name <input name=\"username\" autocomplete=\"username\" autofocus required></label></p>"
                + "<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\""
                + " required></label></p><button type=\"submit\">Continue</button></form>";
        return Html.builder(status, "Sign in", body, origin(target));
    }

    private static Response mfaForm(Target target, String challenge, String error, int status) {
        String body = (error == null ? "" : "<p class=\"error\">" + Html.escape(error) + "</p>")
                + "<form method=\"post\" action=\"/web/mfa\">" + hidden(target)
                + "<input type=\"hidden\" name=\"challenge_id\" value=\"" + Html.escape(challenge) + "\">"
                + "<label>Authenticator code <input name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\""
                + " autofocus required></label> <button type=\"submit\">Verify</button></form>";
        return Html.builder(status, "Verify it is you", body, origin(target)).build();
    }

    private static String origin(Target target) {
        URI uri = target.redirectUri();
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static String hidden(Target target) {
        return "<input type=\"hidden\" name=\"redirect_uri\" value=\"" + Html.escape(target.redirectUri().toString()) + "\">"
                + "<input type=\"hidden\" name=\"state\" value=\"" + Html.escape(target.state()) + "\">";
    }

    private static String source(HttpServerRequest http) {
        return http.remoteAddress() == null ? "" : http.remoteAddress().hostAddress();
    }
}
