package dev.ztna.broker.web;

import dev.ztna.broker.client.IdentityLink;
import dev.ztna.broker.client.PolicyClient;
import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.broker.tunnel.TunnelBroker;
import dev.ztna.broker.tunnel.WebExchange;
import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.common.web.HttpPaths;
import dev.ztna.proto.audit.v1.Outcome;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.RedeemWebLoginRequest;
import dev.ztna.proto.identity.v1.RedeemWebLoginResponse;
import dev.ztna.proto.policy.v1.DecideResponse;
import dev.ztna.proto.policy.v1.Effect;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The identity-aware web proxy: a request for {@code APP.WEB-DOMAIN} is served only to a browser holding this app
 * host's login cookie, only when policy-svc allows that user this method on this path right now, and is carried to
 * the app through a connector like any tunnel (the app stays dark). Browsers log in at identity-svc; the one-time code
 * it sends back to {@code /.ztna/callback} is redeemed over gRPC for the token kept in a {@code __Host-} cookie,
 * which never reaches the app.
 */
@ApplicationScoped
public class WebProxy {

    static final String SESSION_COOKIE = "__Host-ztna_web";
    static final String STATE_COOKIE = "__Host-ztna_state";
    static final String CALLBACK = "/.ztna/callback";
    static final String LOGOUT = "/.ztna/logout";
    private static final Logger LOG = Logger.getLogger(WebProxy.class);
    private static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** Never passed to the app: connection-level headers, and the ones only the proxy may set. */
    private static final Set<String> DROPPED_REQUEST_HEADERS = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "expect", "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "http2-settings");
    private static final Set<String> DROPPED_RESPONSE_HEADERS = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "trailer", "content-length");

    private final BrokerConfig.Web config;
    private final List<String> suffixes;
    private final TokenVerifier tokens;
    private final IdentityLink identity;
    private final PolicyClient policy;
    private final TunnelBroker tunnels;
    private final AuditOutbox audit;
    private final AuthServiceGrpc.AuthServiceBlockingStub auth;
    private final SecureRandom random = new SecureRandom();

    public WebProxy(BrokerConfig config, TokenVerifier tokens, IdentityLink identity, PolicyClient policy,
                    TunnelBroker tunnels, AuditOutbox audit,
                    @GrpcClient("identity") AuthServiceGrpc.AuthServiceBlockingStub auth) {
        this.config = config.web();
        this.suffixes = config.web().domains().orElse(List.of()).stream()
                .map(d -> "." + d.trim().toLowerCase(Locale.ROOT)).filter(d -> d.length() > 1).toList();
        this.tokens = tokens;
        this.identity = identity;
        this.policy = policy;
        this.tunnels = tunnels;
        this.audit = audit;
        this.auth = auth;
    }

    void routes(@Observes Router router) {
        if (suffixes.isEmpty()) {
            return;
        }
        LOG.infof("web proxy serving apps under %s", String.join(", ", suffixes));
        router.route().order(-1000).handler(this::handle);
    }

    /** The app a Host header names, if it is one of ours: exactly one label before a web domain, any port. */
    Optional<String> appOf(String host) {
        if (host == null || host.isEmpty() || host.startsWith("[")) {
            return Optional.empty();
        }
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        for (String suffix : suffixes) {
            if (name.endsWith(suffix)) {
                String app = name.substring(0, name.length() - suffix.length());
                return APP.matcher(app).matches() ? Optional.of(app) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<String> app = appOf(request.host());
        if (app.isEmpty()) {
            ctx.next();
            return;
        }
        request.pause();
        String path = request.path();
        if (CALLBACK.equals(path)) {
            callback(ctx, app.get());
        } else if (LOGOUT.equals(path)) {
            // this host's cookie goes now; identity-svc then offers to end the login itself (every app host of it)
            request.resume();
            WebPages.secure(request.response()).addCookie(expired(SESSION_COOKIE)).setStatusCode(303)
                    .putHeader("Location", config.loginUrl().replaceFirst("/login$", "/logout")).end();
        } else {
            proxy(ctx, app.get());
        }
    }

    // ---- login ------------------------------------------------------------------------------------------------

    private Optional<Caller> session(HttpServerRequest request) {
        Cookie cookie = request.getCookie(SESSION_COOKIE);
        if (cookie == null) {
            return Optional.empty();
        }
        try {
            Caller caller = tokens.verify(cookie.getValue());
            return caller.service() || identity.isRevoked(caller) ? Optional.empty() : Optional.of(caller);
        } catch (TokenVerifier.InvalidTokenException e) {
            return Optional.empty();
        }
    }

    /** Sends a page load to identity-svc's login; the state cookie binds the answer to this browser. */
    private void login(HttpServerRequest request, boolean prompt) {
        request.resume();
        HttpServerResponse response = request.response();
        if (request.method() != io.vertx.core.http.HttpMethod.GET && request.method() != io.vertx.core.http.HttpMethod.HEAD) {
            WebPages.send(response, 401, "Sign-in needed", "Your sign-in for this app has ended. Reload the page to sign in again.");
            return;
        }
        String state = nonce();
        String back = request.uri();
        if (!back.startsWith("/") || back.startsWith("//") || back.length() > 1024 || HttpPaths.problem(request.path()).isPresent()) {
            back = "/";
        }
        Cookie stateCookie = Cookie.cookie(STATE_COOKIE, state + "." + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(back.getBytes(StandardCharsets.UTF_8)))
                .setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(600);
        String location = config.loginUrl() + "?redirect_uri=" + encode(callbackUri(request)) + "&state=" + state
                + (prompt ? "&prompt=login" : "");
        WebPages.secure(response).addCookie(stateCookie).setStatusCode(302).putHeader("Location", location).end();
    }

    private void callback(RoutingContext ctx, String app) {
        HttpServerRequest request = ctx.request();
        request.resume();
        HttpServerResponse response = request.response();
        String code = request.getParam("code");
        String state = request.getParam("state");
        Cookie stateCookie = request.getCookie(STATE_COOKIE);
        String[] expected = stateCookie == null ? new String[0] : stateCookie.getValue().split("\\.", 2);
        if (code == null || state == null || !NONCE.matcher(code).matches() || !NONCE.matcher(state).matches()
                || expected.length != 2 || !MessageDigest.isEqual(expected[0].getBytes(StandardCharsets.US_ASCII),
                state.getBytes(StandardCharsets.US_ASCII))) {
            WebPages.send(response, 400, "Sign-in not valid here",
                    "This sign-in link does not belong to this browser's sign-in (state missing or mismatched). Open the app again.");
            return;
        }
        String back;
        try {
            back = new String(Base64.getUrlDecoder().decode(expected[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            back = "/";
        }
        String returnTo = back.startsWith("/") && !back.startsWith("//") ? back : "/";
        String redirectUri = callbackUri(request);
        String source = source(request);
        // the worker only redeems and audits; the response is touched on its own event loop alone
        ctx.vertx().<Cookie>executeBlocking(() -> {
            RedeemWebLoginResponse redeemed = auth.withDeadlineAfter(5, TimeUnit.SECONDS).redeemWebLogin(
                    RedeemWebLoginRequest.newBuilder().setCode(code).setRedirectUri(redirectUri).build());
            Caller caller = tokens.verify(redeemed.getAccessToken());
            QuarkusTransaction.requiringNew().run(() -> audit.record(audit.event("web.login", caller.name(),
                    Outcome.OUTCOME_SUCCESS, "browser signed in to a web app").setApp(app)
                    .setSessionId(caller.sessionId() == null ? "" : caller.sessionId())
                    .putAllAttributes(Map.of("source_address", source)).build()));
            long ttl = Math.max(1, Duration.between(Instant.now(), Instant.ofEpochSecond(
                    redeemed.getExpiresAt().getSeconds())).getSeconds());
            return Cookie.cookie(SESSION_COOKIE, redeemed.getAccessToken()).setPath("/").setSecure(true)
                    .setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(ttl);
        }, false).onComplete(result -> {
            if (result.succeeded()) {
                WebPages.secure(response).addCookie(result.result()).addCookie(expired(STATE_COOKIE)).setStatusCode(303)
                        .putHeader("Location", returnTo).end();
            } else if (result.cause() instanceof StatusRuntimeException e
                    && e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                WebPages.send(response, 400, "Sign-in not accepted",
                        "The sign-in code was already used, has expired, or is for another app. Open the app again.");
            } else {
                LOG.warnf("web login for %s could not be completed: %s", app, result.cause().toString());
                WebPages.send(response, 503, "Sign-in unavailable", "Sign-in cannot be completed right now; try again shortly.");
            }
        });
    }

    // ---- proxying ---------------------------------------------------------------------------------------------

    private void proxy(RoutingContext ctx, String app) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = request.response();
        Optional<Caller> session = session(request);
        if (session.isEmpty()) {
            login(request, false);
            return;
        }
        Caller caller = session.get();
        String method = request.method().name();
        String path = request.path();
        Optional<String> badPath = HttpPaths.problem(path);
        if (!HttpPaths.isMethod(method) || badPath.isPresent()) {
            request.resume();
            WebPages.send(response, 400, "Bad request", "The request path " + badPath.orElse("or method is not acceptable")
                    + "; this proxy does not normalise paths.");
            return;
        }
        String declared = request.getHeader("content-length");
        if (declared != null && !declared.trim().matches("[0-9]{1,18}")) {
            request.resume();
            WebPages.send(response, 400, "Bad request", "Content-Length must be a number.");
            return;
        }
        if (declared != null && Long.parseLong(declared.trim()) > config.maxRequestBody()) {
            request.resume();
            response.putHeader("Connection", "close");
            WebPages.send(response, 413, "Request too large", "The request body is larger than this proxy accepts ("
                    + config.maxRequestBody() + " bytes).");
            return;
        }
        if (identity.unreachableSince().isPresent()) {
            request.resume();
            WebPages.send(response, 503, "Unavailable", "Sign-ins cannot be checked right now; try again shortly.");
            return;
        }
        String source = source(request);
        String requestId = UUID.randomUUID().toString();
        Context context = Vertx.currentContext();
        ctx.vertx().<DecideResponse>executeBlocking(() -> {
            DecideResponse decision = policy.decideWeb(caller, app, method, path, requestId, source);
            if (decision.getEffect() != Effect.EFFECT_ALLOW) {
                QuarkusTransaction.requiringNew().run(() -> audit.record(audit.event("web.request", caller.name(),
                        Outcome.OUTCOME_FAILURE, decision.getReason()).setApp(app)
                        .putAllAttributes(Map.of("method", method, "path", path, "rule_id", decision.getRuleId(),
                                "request_id", requestId, "source_address", source)).build()));
            }
            return decision;
        }, false).onComplete(result -> {
            if (result.failed()) {
                request.resume();
                WebPages.send(response, 503, "Unavailable", "Access decisions are unavailable right now; try again shortly.");
                return;
            }
            DecideResponse decision = result.result();
            if (decision.getEffect() != Effect.EFFECT_ALLOW) {
                request.resume();
                notFound(response);
                return;
            }
            var obligations = decision.getObligations();
            if (obligations.hasReauthInterval() && (caller.authTime() == null || caller.authTime().plusSeconds(
                    obligations.getReauthInterval().getSeconds()).isBefore(Instant.now()))) {
                login(request, true);
                return;
            }
            if (obligations.getJustificationRequired()) {
                request.resume();
                WebPages.send(response, 403, "Justification required",
                        "Access to " + app + " requires a justification, which the web proxy cannot take: use ztna connect.");
                return;
            }
            forward(request, caller, app, source, context);
        });
    }

    private void forward(HttpServerRequest request, Caller caller, String app, String source, Context context) {
        HttpRequest head = upstreamHead(request, caller, source);
        BrowserSide browser = new BrowserSide(request, context, config.maxRequestBody(), HttpUtil.isContentLengthSet(head)
                || HttpUtil.isTransferEncodingChunked(head));
        WebExchange exchange = new WebExchange(head, browser);
        browser.exchange = exchange;
        long timer = context.owner().setTimer(config.responseTimeout().toMillis(), id -> {
            if (!browser.headSent) {
                browser.timedOut = true;
                exchange.abort();
            }
        });
        request.response().closeHandler(v -> exchange.abort());
        request.response().endHandler(v -> context.owner().cancelTimer(timer));
        tunnels.dial(app, exchange);
    }

    private HttpRequest upstreamHead(HttpServerRequest request, Caller caller, String source) {
        String uri = request.path() + (request.query() == null ? "" : "?" + request.query());
        DefaultHttpRequest head = new DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(request.method().name()), uri);
        Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        String connection = request.getHeader("connection");
        if (connection != null) {
            for (String token : connection.split(",")) {
                named.add(token.trim());
            }
        }
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || name.startsWith("x-ztna-") || DROPPED_REQUEST_HEADERS.contains(name)
                    || named.contains(name)) {
                continue;
            }
            if (name.equals("cookie")) {
                String kept = withoutOurCookies(header.getValue());
                if (!kept.isEmpty()) {
                    head.headers().add(HttpHeaderNames.COOKIE, kept);
                }
                continue;
            }
            head.headers().add(header.getKey(), header.getValue());
        }
        String host = request.host();
        head.headers().set(HttpHeaderNames.HOST, host);
        head.headers().set("X-Forwarded-For", source);
        head.headers().set("X-Forwarded-Proto", config.scheme());
        head.headers().set("X-Forwarded-Host", host);
        head.headers().set("X-Ztna-User", caller.name());
        head.headers().set("X-Ztna-User-Id", caller.subject());
        head.headers().set("X-Ztna-Groups", String.join(",", new TreeSet<>(caller.groups())));
        head.headers().set(HttpHeaderNames.CONNECTION, "close");
        boolean chunked = "chunked".equalsIgnoreCase(request.getHeader("transfer-encoding"));
        boolean mayHaveBody = request.version() == HttpVersion.HTTP_2 && !request.headers().contains("content-length")
                && request.method() != io.vertx.core.http.HttpMethod.GET && request.method() != io.vertx.core.http.HttpMethod.HEAD;
        if (chunked || mayHaveBody) {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        return head;
    }

    /** The browser's Cookie header minus the proxy's own cookies: the app never sees the user's token. */
    static String withoutOurCookies(String header) {
        StringBuilder kept = new StringBuilder();
        for (String pair : header.split(";")) {
            String trimmed = pair.trim();
            if (trimmed.isEmpty() || trimmed.regionMatches(true, 0, "__Host-ztna_", 0, 12)) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append("; ");
            }
            kept.append(trimmed);
        }
        return kept.toString();
    }

    /** Forbidden, unknown and offline apps look alike: nothing tells a user whether an app exists. */
    private static void notFound(HttpServerResponse response) {
        WebPages.send(response, 404, "Not found", "There is nothing here you may reach.");
    }

    private String callbackUri(HttpServerRequest request) {
        return config.scheme() + "://" + request.host() + CALLBACK;
    }

    private String nonce() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static Cookie expired(String name) {
        return Cookie.cookie(name, "").setPath("/").setSecure(true).setHttpOnly(true).setSameSite(CookieSameSite.LAX)
                .setMaxAge(0);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String source(HttpServerRequest request) {
        return request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }

    /** The browser's request and response, driven by a {@link WebExchange} from the connector's loop. */
    private static final class BrowserSide implements WebExchange.Browser {
        private final HttpServerRequest request;
        private final HttpServerResponse response;
        private final Context context;
        private final long maxBody;
        private final boolean hasBody;
        private WebExchange exchange;
        private long bodyBytes;
        private volatile boolean headSent;
        private volatile boolean timedOut;

        BrowserSide(HttpServerRequest request, Context context, long maxBody, boolean hasBody) {
            this.request = request;
            this.response = request.response();
            this.context = context;
            this.maxBody = maxBody;
            this.hasBody = hasBody;
        }

        @Override
        public void run(Runnable action) {
            if (Vertx.currentContext() == context) {
                action.run();
            } else {
                context.runOnContext(v -> action.run());
            }
        }

        @Override
        public void failed(Status status) {
            request.resume();
            if (timedOut) {
                WebPages.send(response, 504, "The app did not answer", "The app took too long to answer; try again.");
            } else if (status.getCode() == Status.Code.NOT_FOUND) {
                notFound(response);
            } else if (bodyBytes > maxBody) {
                WebPages.send(response, 413, "Request too large", "The request body is larger than this proxy accepts ("
                        + maxBody + " bytes).");
            } else {
                WebPages.send(response, 502, "The app is unreachable", "The app could not be reached right now; try again.");
            }
        }

        @Override
        public void head(HttpResponse head) {
            if (response.closed()) {
                return;
            }
            headSent = true;
            response.setStatusCode(head.status().code());
            for (Map.Entry<String, String> header : head.headers()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (DROPPED_RESPONSE_HEADERS.contains(name)) {
                    continue;
                }
                if (name.equals("set-cookie") && header.getValue().trim().regionMatches(true, 0, "__Host-ztna_", 0, 12)) {
                    continue; // an app cannot plant or replace the proxy's own cookies
                }
                response.headers().add(header.getKey(), header.getValue());
            }
            if (HttpUtil.isContentLengthSet(head)) {
                response.putHeader("Content-Length", Long.toString(HttpUtil.getContentLength(head)));
            } else if (request.version() != HttpVersion.HTTP_2) {
                response.setChunked(true);
            }
        }

        @Override
        public void chunk(Buffer data) {
            if (!response.closed()) {
                response.write(data);
            }
        }

        @Override
        public void whenWritable(Runnable more) {
            if (response.closed()) {
                return;
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> more.run());
            } else {
                more.run();
            }
        }

        @Override
        public void end() {
            if (!response.closed() && !response.ended()) {
                response.end();
            }
        }

        @Override
        public void reset() {
            if (!response.closed() && !response.ended()) {
                response.reset();
            }
        }

        @Override
        public void readBody() {
            if (!hasBody) {
                request.handler(ignored -> { });
                request.endHandler(v -> { });
                request.resume();
                exchange.bodyEnd();
                return;
            }
            if ("100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
                response.writeContinue();
            }
            request.handler(chunk -> {
                bodyBytes += chunk.length();
                if (bodyBytes > maxBody) {
                    request.pause();
                    exchange.abort();
                    return;
                }
                exchange.body(chunk);
            });
            request.endHandler(v -> exchange.bodyEnd());
            request.resume();
        }

        @Override
        public void pauseBody() {
            run(request::pause);
        }

        @Override
        public void resumeBody() {
            request.resume();
        }
    }
}
