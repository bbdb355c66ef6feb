package dev.ztna.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.common.crypto.Totp;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity-aware web proxy through the real suite: a browser (raw HTTP/1.1, with its own cookie handling) asks
 * the broker for http://web.apps.localhost:PORT/…, is sent to identity-svc's login, comes back with a one-time code,
 * and every request is then decided by policy-svc on method and path and carried to a dark HTTP app by the connector.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebProxyIT {

    static final String POLICY = """
            apiVersion: ztna.dev/v1
            rules:
              - id: engineers-reach-echo
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [echo] }
              - id: engineers-read-web
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [web], actions: [http], http: { methods: [GET, HEAD], paths: ["/", "/pages/**", "/big", "/set-cookie"] } }
              - id: engineers-post-forms
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [web], actions: [http], http: { methods: [POST], paths: ["/forms/*"] } }
              - id: engineers-fresh-only
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [web], actions: [http], http: { methods: [GET], paths: ["/fresh/**"] } }
                obligations: { reauth_every: PT1S }
              - id: engineers-explain-why
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [web], actions: [http], http: { methods: [GET], paths: ["/why/**"] } }
                obligations: { justification: required }
              - id: engineers-ghost
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [ghost], actions: [http] }
            """;

    Suite suite;
    HttpServer app;
    final List<Map<String, String>> seenByApp = new ArrayList<>();
    final ObjectMapper json = new ObjectMapper();
    ManagedChannel identity;
    String webCookie;
    String loginCookie;
    byte[] big;

    @BeforeAll
    void start() throws Exception {
        big = new byte[4 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(big);
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> seen = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), String.join("|", v)));
            seen.put(":method", exchange.getRequestMethod());
            seen.put(":uri", exchange.getRequestURI().toString());
            seen.put(":body-sha256", sha256(body));
            synchronized (seenByApp) {
                seenByApp.add(seen);
            }
            if (exchange.getRequestURI().getPath().equals("/big")) {
                exchange.sendResponseHeaders(200, big.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(big);
                }
                return;
            }
            if (exchange.getRequestURI().getPath().equals("/set-cookie")) {
                exchange.getResponseHeaders().add("Set-Cookie", "__Host-ztna_web=planted-by-the-app; Path=/; Secure");
                exchange.getResponseHeaders().add("Set-Cookie", "app_pref=1; Path=/");
            }
            byte[] answer = json.writeValueAsBytes(seen);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        app.start();
        Path work = Path.of("target", "e2e-web").toAbsolutePath();
        Files.createDirectories(work);
        suite = new Suite(Suite.home(), work, Suite.Ports.random(),
                Map.of("web", "127.0.0.1:" + app.getAddress().getPort()));
        suite.start();
        identity = ManagedChannelBuilder.forTarget(suite.identityTarget()).usePlaintext().build();
        dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc.newBlockingStub(
                        ManagedChannelBuilder.forTarget("localhost:" + suite.ports().policy()).usePlaintext().build())
                .withCallCredentials(new BearerCredentials(grpcLogin("admin")))
                .putPolicy(dev.ztna.proto.policy.v1.PutPolicyRequest.newBuilder()
                        .setFormat(dev.ztna.proto.policy.v1.DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(POLICY).build());
    }

    @AfterAll
    void stop() {
        if (identity != null) {
            identity.shutdownNow();
        }
        if (suite != null) {
            suite.close();
        }
        if (app != null) {
            app.stop(0);
        }
    }

    @Test
    @Order(1)
    void aBrowserSignsInAtIdentityAndIsHandedBackWithAOneTimeCode() throws Exception {
        // before sign-in an unknown app host is sent to sign-in exactly like a real one: nothing leaks
        Reply first = web("web", "GET", "/pages/a?x=1", Map.of(), null);
        Reply unknown = web("nope", "GET", "/pages/a?x=1", Map.of(), null);
        assertEquals(302, first.status, first.text());
        assertEquals(302, unknown.status);
        String location = first.header("location");
        assertTrue(location.startsWith(suite.identityUrl() + "/web/login?redirect_uri="), location);
        String state = query(location).get("state");
        assertEquals(webHost("web") + "/.ztna/callback", query(location).get("redirect_uri"));
        String stateCookie = first.cookie("__Host-ztna_state");
        assertCookieFlags(first.setCookie("__Host-ztna_state"));

        // identity-svc: password, then TOTP, then back to the app host's callback with a code (never the token)
        Reply form = http(URI.create(location), "GET", Map.of(), null);
        assertEquals(200, form.status);
        assertTrue(form.text().contains("name=\"password\""));
        Reply mfa = http(URI.create(suite.identityUrl() + "/web/login"), "POST", formHeaders(), formBody(Map.of(
                "username", "alice", "password", suite.user("alice").password(),
                "redirect_uri", webHost("web") + "/.ztna/callback", "state", state)));
        assertEquals(200, mfa.status, mfa.text());
        String challenge = hidden(mfa.text(), "challenge_id");
        Reply handedBack = http(URI.create(suite.identityUrl() + "/web/mfa"), "POST", formHeaders(), formBody(Map.of(
                "challenge_id", challenge, "code", Totp.code(suite.user("alice").totpSecret(), Instant.now()),
                "redirect_uri", webHost("web") + "/.ztna/callback", "state", state)));
        assertEquals(303, handedBack.status, handedBack.text());
        String callback = handedBack.header("location");
        assertTrue(callback.startsWith(webHost("web") + "/.ztna/callback?code="), callback);
        assertFalse(callback.contains("eyJ"), "no token in a URL");
        loginCookie = handedBack.cookie("ztna_web_login");
        assertTrue(handedBack.setCookie("ztna_web_login").contains("HttpOnly"));
        assertTrue(handedBack.setCookie("ztna_web_login").contains("Path=/web"));

        // a callback without this browser's state cookie is refused (a code pushed into another browser is useless)
        String callbackPath = URI.create(callback).getRawPath() + "?" + URI.create(callback).getRawQuery();
        Reply foreign = web("web", "GET", callbackPath, Map.of(), null);
        assertEquals(400, foreign.status);
        Reply landed = web("web", "GET", callbackPath, Map.of("Cookie", "__Host-ztna_state=" + stateCookie), null);
        assertEquals(303, landed.status, landed.text());
        assertEquals("/pages/a?x=1", landed.header("location"), "back where the browser started");
        String sessionCookie = landed.setCookie("__Host-ztna_web");
        assertCookieFlags(sessionCookie);
        assertFalse(sessionCookie.toLowerCase().contains("domain="), "host-only: no other app host gets it");
        webCookie = landed.cookie("__Host-ztna_web");

        // the code worked once
        Reply again = web("web", "GET", callbackPath, Map.of("Cookie", "__Host-ztna_state=" + stateCookie), null);
        assertEquals(400, again.status);
    }

    @Test
    @Order(2)
    void requestsReachTheDarkAppWithTheUsersIdentityAndWithoutTheProxysCookies() throws Exception {
        // the connector attaches in the background after the suite starts: until it has, web is offline (404)
        long deadline = System.currentTimeMillis() + 30_000;
        while (web("web", "GET", "/", Map.of("Cookie", "__Host-ztna_web=" + webCookie), null).status == 404
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
        Reply page = web("web", "GET", "/pages/a?x=1", Map.of(
                "Cookie", "__Host-ztna_web=" + webCookie + "; theme=dark",
                "X-Ztna-User", "root", "X-Forwarded-For", "10.9.9.9"), null);
        assertEquals(200, page.status, page.text());
        JsonNode seen = json.readTree(page.body);
        assertEquals("/pages/a?x=1", seen.path(":uri").asText());
        assertEquals("alice", seen.path("x-ztna-user").asText(), "a client cannot claim another identity");
        assertEquals("engineering", seen.path("x-ztna-groups").asText());
        assertEquals("theme=dark", seen.path("cookie").asText(), "the user's token never reaches the app");
        assertFalse(seen.path("x-forwarded-for").asText().contains("10.9.9.9"));
        assertEquals("web.apps.localhost:" + suite.ports().broker(), seen.path("host").asText());

        byte[] form = "a=1&b=".concat("x".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
        Reply posted = web("web", "POST", "/forms/contact", Map.of("Cookie", "__Host-ztna_web=" + webCookie,
                "Content-Type", "application/x-www-form-urlencoded"), form);
        assertEquals(200, posted.status, posted.text());
        assertEquals(sha256(form), json.readTree(posted.body).path(":body-sha256").asText(), "the body arrived whole");

        Reply download = web("web", "GET", "/big", Map.of("Cookie", "__Host-ztna_web=" + webCookie), null);
        assertEquals(200, download.status);
        assertEquals(sha256(big), sha256(download.body), "4 MiB came back intact");

        Reply planted = web("web", "GET", "/set-cookie", Map.of("Cookie", "__Host-ztna_web=" + webCookie), null);
        assertEquals(200, planted.status);
        assertTrue(planted.setCookies().stream().anyMatch(c -> c.startsWith("app_pref=1")));
        assertTrue(planted.setCookies().stream().noneMatch(c -> c.startsWith("__Host-ztna")),
                "an app cannot plant the proxy's cookie: " + planted.setCookies());
    }

    @Test
    @Order(3)
    void policyDecidesEveryRequestOnMethodAndPathAndRefusalsLookLikeUnknownApps() throws Exception {
        Map<String, String> cookie = Map.of("Cookie", "__Host-ztna_web=" + webCookie);
        int before = seenByApp.size();
        Reply wrongMethod = web("web", "POST", "/pages/a", cookie, "x=1".getBytes(StandardCharsets.UTF_8));
        Reply wrongPath = web("web", "GET", "/admin/users", cookie, null);
        Reply unknownApp = web("nope", "GET", "/admin/users", cookie, null);
        Reply offline = web("ghost", "GET", "/", cookie, null);
        for (Reply r : List.of(wrongMethod, wrongPath, unknownApp, offline)) {
            assertEquals(404, r.status);
            assertEquals(wrongPath.text(), r.text(), "forbidden, unknown and offline answer alike");
        }
        assertEquals(before, seenByApp.size(), "nothing refused reached the app");

        // not in normal form: refused, never normalised into something a rule allows
        for (String path : List.of("/pages/../admin", "/pages//a", "/pages/%2e%2e/admin", "/pages/./a")) {
            Reply bad = web("web", "GET", path, cookie, null);
            assertEquals(400, bad.status, path);
            assertTrue(bad.text().contains("normalised"), bad.text());
        }
        Reply tooLarge = web("web", "POST", "/forms/contact", Map.of("Cookie", "__Host-ztna_web=" + webCookie,
                "Content-Length", Long.toString(64L * 1024 * 1024)), new byte[0]);
        assertEquals(413, tooLarge.status);
        // obligations: a login older than reauth_every is sent to sign in afresh (prompt=login: no silent sign-in);
        // a justification cannot be given by a browser, so such a rule answers 403 and names the way that can
        Reply stale = web("web", "GET", "/fresh/report", cookie, null);
        assertEquals(302, stale.status, stale.text());
        assertTrue(stale.header("location").endsWith("&prompt=login"), stale.header("location"));
        Reply why = web("web", "GET", "/why/report", cookie, null);
        assertEquals(403, why.status);
        assertTrue(why.text().contains("ztna connect"), why.text());
        Reply forged = web("web", "GET", "/pages/a", Map.of("Cookie", "__Host-ztna_web=" + webCookie.substring(0, 40) + "x"), null);
        assertEquals(302, forged.status, "a forged cookie is no session: sign in again");
        assertEquals(before, seenByApp.size());

        String auditor = suite.serviceToken("auditor");
        JsonNode events = null;
        long deniedHere = 0;
        for (int i = 0; i < 40 && deniedHere < 2; i++) {
            events = AccessPathIT.getJson(suite.auditUrl() + "/api/v1/events?type=web.request&limit=100", auditor).path("events");
            deniedHere = 0;
            for (JsonNode e : events) {
                if (e.path("app").asText().equals("web")) {
                    deniedHere++;
                }
            }
            Thread.sleep(500);
        }
        assertTrue(deniedHere >= 2, "the refusals for web are audited: " + events);
    }

    @Test
    @Order(4)
    void theLoginAtIdentityServesTheNextAppHostWithoutAPassword() throws Exception {
        Reply start = web("echo", "GET", "/", Map.of(), null);
        assertEquals(302, start.status);
        Reply back = http(URI.create(start.header("location")), "GET", Map.of("Cookie", "ztna_web_login=" + loginCookie), null);
        assertEquals(303, back.status, back.text());
        assertTrue(back.header("location").startsWith(webHost("echo") + "/.ztna/callback?code="));
        loginCookie = back.cookie("ztna_web_login");

        // open redirects are refused: only callbacks on the site's web domains, nothing else in the URI
        for (String target : List.of("http://evil.example.com/.ztna/callback", "http://web.apps.localhost.evil.com/.ztna/callback",
                webHost("web") + "/elsewhere", webHost("web") + "/.ztna/callback?x=1", "http://a.b.apps.localhost/.ztna/callback",
                "javascript:alert(1)")) {
            Reply refused = http(URI.create(suite.identityUrl() + "/web/login?state=" + "s".repeat(43) + "&redirect_uri="
                    + URLEncoder.encode(target, StandardCharsets.UTF_8)), "GET", Map.of("Cookie", "ztna_web_login=" + loginCookie), null);
            assertEquals(400, refused.status, target);
            assertTrue(refused.text().contains("redirect_uri"), refused.text());
        }
        Reply noState = http(URI.create(suite.identityUrl() + "/web/login?redirect_uri="
                + URLEncoder.encode(webHost("web") + "/.ztna/callback", StandardCharsets.UTF_8)), "GET", Map.of(), null);
        assertEquals(400, noState.status);
        assertTrue(noState.text().contains("state"));
    }

    @Test
    @Order(5)
    void signingOutEndsTheLoginOnEveryAppHostAtItsNextRequest() throws Exception {
        Map<String, String> cookie = Map.of("Cookie", "__Host-ztna_web=" + webCookie);
        assertEquals(200, web("web", "GET", "/", cookie, null).status);
        Reply out = web("web", "GET", "/.ztna/logout", cookie, null);
        assertEquals(303, out.status);
        assertEquals(suite.identityUrl() + "/web/logout", out.header("location"));
        assertTrue(out.setCookie("__Host-ztna_web").contains("Max-Age=0"), out.setCookie("__Host-ztna_web"));
        // a GET never ends the login (no other site can force a sign-out); the form's POST does
        Reply confirm = http(URI.create(out.header("location")), "GET", Map.of("Cookie", "ztna_web_login=" + loginCookie), null);
        assertEquals(200, confirm.status);
        assertTrue(confirm.text().contains("action=\"/web/logout\""));
        Reply signedOut = http(URI.create(out.header("location")), "POST",
                Map.of("Cookie", "ztna_web_login=" + loginCookie, "Content-Type", "application/x-www-form-urlencoded"), new byte[0]);
        assertEquals(200, signedOut.status, signedOut.text());

        // the revocation reaches the broker: even a copy of the old cookie is refused (back to sign-in)
        long deadline = System.currentTimeMillis() + 10_000;
        int status = 200;
        while (status == 200 && System.currentTimeMillis() < deadline) {
            status = web("web", "GET", "/", cookie, null).status;
        }
        assertEquals(302, status, "after signing out the web session is gone: back to sign-in");
        // and the login at identity-svc no longer signs the browser in silently
        Reply start = web("web", "GET", "/", Map.of(), null);
        Reply form = http(URI.create(start.header("location")), "GET", Map.of("Cookie", "ztna_web_login=" + loginCookie), null);
        assertEquals(200, form.status);
        assertTrue(form.text().contains("name=\"password\""));
    }

    // ---- a browser, by hand ------------------------------------------------------------------------------------

    String webHost(String appName) {
        return "http://" + appName + "." + Suite.WEB_DOMAIN + ":" + suite.ports().broker();
    }

    /** A request to the broker for an app host (its name need not resolve: the socket goes to loopback). */
    Reply web(String appName, String method, String pathAndQuery, Map<String, String> headers, byte[] body) throws IOException {
        return send("127.0.0.1", suite.ports().broker(), appName + "." + Suite.WEB_DOMAIN + ":" + suite.ports().broker(),
                method, pathAndQuery, headers, body);
    }

    Reply http(URI uri, String method, Map<String, String> headers, byte[] body) throws IOException {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return send("127.0.0.1", uri.getPort(), uri.getHost() + ":" + uri.getPort(), method, target, headers, body);
    }

    static Reply send(String address, int port, String host, String method, String target, Map<String, String> headers,
                      byte[] body) throws IOException {
        try (Socket socket = new Socket(address, port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null && headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("content-length"))) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return Reply.read(socket.getInputStream());
        }
    }

    static final class Reply {
        int status;
        final List<String[]> headers = new ArrayList<>();
        byte[] body;

        static Reply read(InputStream in) throws IOException {
            Reply r = new Reply();
            String statusLine = line(in);
            r.status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                r.headers.add(new String[]{l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim()});
            }
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(r.header("transfer-encoding"))) {
                for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                     size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                    content.write(in.readNBytes(size));
                    line(in);
                }
            } else if (r.header("content-length") != null) {
                content.write(in.readNBytes(Integer.parseInt(r.header("content-length"))));
            } else {
                in.transferTo(content);
            }
            r.body = content.toByteArray();
            return r;
        }

        String header(String name) {
            return headers.stream().filter(h -> h[0].equals(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        List<String> setCookies() {
            return headers.stream().filter(h -> h[0].equals("set-cookie")).map(h -> h[1]).toList();
        }

        String setCookie(String name) {
            return setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + headers.size() + " headers"));
        }

        String cookie(String name) {
            String c = setCookie(name);
            return c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-line");
                }
                if (b != '\r') {
                    l.write(b);
                }
            }
            return l.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static void assertCookieFlags(String setCookie) {
        String lower = setCookie.toLowerCase();
        assertTrue(lower.contains("secure"), setCookie);
        assertTrue(lower.contains("httponly"), setCookie);
        assertTrue(lower.contains("samesite=lax"), setCookie);
        assertTrue(lower.contains("path=/"), setCookie);
    }

    static Map<String, String> formHeaders() {
        return Map.of("Content-Type", "application/x-www-form-urlencoded");
    }

    static byte[] formBody(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> query(String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no hidden " + name + " in " + html);
        return m.group(1);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String grpcLogin(String user) {
        AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(identity);
        String challenge = auth.login(LoginRequest.newBuilder().setUsername(user)
                .setPassword(suite.user(user).password()).build()).getChallengeId();
        return auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId(challenge)
                .setTotpCode(Totp.code(suite.user(user).totpSecret(), Instant.now())).build()).getAccessToken();
    }
}
