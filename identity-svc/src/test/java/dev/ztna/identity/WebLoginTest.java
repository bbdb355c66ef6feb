package dev.ztna.identity;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.IntrospectRequest;
import dev.ztna.proto.identity.v1.RedeemWebLoginRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browser login for the web proxy: password + TOTP at /web/login, a one-time code for one callback, redeemed once. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class WebLoginTest {

    static final String CALLBACK = "https://wiki.apps.example.test/.ztna/callback";
    static final String STATE = "state-0123456789abcdefghij";
    static final String BROKER_SECRET = "TEST-ONLY-broker-secret-0123456789abcdef";

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    AuthServiceGrpc.AuthServiceBlockingStub asBroker;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        asBroker = AuthServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(RevocationTest.serviceToken("broker-svc", BROKER_SECRET)));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void passwordThenTotpHandsTheBrowserBackWithACodeOnlyTheBrokerCanRedeemOnce() {
        String secret = newUser("wendy");
        Response form = page(CALLBACK, STATE, null, null);
        assertEquals(200, form.statusCode());
        assertTrue(form.header("Content-Security-Policy").contains("form-action 'self' https://wiki.apps.example.test;"),
                form.header("Content-Security-Policy"));
        assertEquals(401, post("/web/login", "username", "wendy", "password", "wrong", "redirect_uri", CALLBACK, "state", STATE)
                .statusCode());
        assertEquals(400, post("/web/login", "username", "Wendy<script>", "password", "x", "redirect_uri", CALLBACK, "state", STATE)
                .statusCode());
        Response mfa = post("/web/login", "username", "wendy", "password", "TEST-ONLY-wendy-password",
                "redirect_uri", CALLBACK, "state", STATE);
        assertEquals(200, mfa.statusCode());
        String challenge = hidden(mfa.asString(), "challenge_id");
        assertEquals(400, post("/web/mfa", "challenge_id", challenge, "code", "12x", "redirect_uri", CALLBACK, "state", STATE)
                .statusCode());
        Response back = post("/web/mfa", "challenge_id", challenge, "code", Totp.code(secret, Instant.now()),
                "redirect_uri", CALLBACK, "state", STATE);
        assertEquals(303, back.statusCode(), back.asString());
        URI location = URI.create(back.header("Location"));
        assertEquals(CALLBACK, location.getScheme() + "://" + location.getHost() + location.getPath());
        assertTrue(location.getQuery().endsWith("&state=" + STATE));
        String code = location.getQuery().replaceAll("code=([^&]+)&.*", "$1");
        String cookie = back.getDetailedCookie("ztna_web_login").getValue();
        assertTrue(back.getDetailedCookie("ztna_web_login").isHttpOnly());
        assertEquals("/web", back.getDetailedCookie("ztna_web_login").getPath());

        // only a broker redeems, only for the callback the code went to, and only once
        AuthServiceGrpc.AuthServiceBlockingStub asAdmin = AuthServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(RevocationTest.serviceToken("ops", DirectoryAdminTest.OPS_SECRET)));
        assertCode(Status.Code.PERMISSION_DENIED, () -> asAdmin.redeemWebLogin(redeem(code, CALLBACK)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> asBroker.redeemWebLogin(redeem("", CALLBACK)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> asBroker.redeemWebLogin(redeem(code, "")));
        assertCode(Status.Code.FAILED_PRECONDITION, () -> asBroker.redeemWebLogin(redeem("x".repeat(43), CALLBACK)));
        String token = asBroker.redeemWebLogin(redeem(code, CALLBACK)).getAccessToken();
        assertEquals("wendy", asBroker.introspect(IntrospectRequest.newBuilder().setToken(token).build()).getUsername());
        assertCode(Status.Code.FAILED_PRECONDITION, () -> asBroker.redeemWebLogin(redeem(code, CALLBACK)));

        // the login here signs the browser in to the next app without a password; a code sent to the wrong
        // callback is burnt by the attempt
        String otherCallback = "https://chat.apps.example.test:8443/.ztna/callback";
        Response silent = page(otherCallback, STATE, cookie, null);
        assertEquals(303, silent.statusCode(), silent.asString());
        String second = URI.create(silent.header("Location")).getQuery().replaceAll("code=([^&]+)&.*", "$1");
        assertCode(Status.Code.FAILED_PRECONDITION, () -> asBroker.redeemWebLogin(redeem(second, CALLBACK)));
        assertCode(Status.Code.FAILED_PRECONDITION, () -> asBroker.redeemWebLogin(redeem(second, otherCallback)));

        // the cookie is a rotating refresh token: the old one again revokes the login; prompt=login always asks
        String rotated = silent.getDetailedCookie("ztna_web_login").getValue();
        assertEquals(200, page(otherCallback, STATE, rotated, "login").statusCode());
        assertEquals(200, page(otherCallback, STATE, cookie, null).statusCode(), "a used refresh token is no login");
        assertEquals(200, page(otherCallback, STATE, rotated, null).statusCode(), "the reuse revoked the whole login");
    }

    @Test
    void theBrowserIsOnlyEverSentBackToACallbackOnAWebDomain() {
        for (String target : List.of("https://evil.test/.ztna/callback", "http://wiki.apps.example.test/.ztna/callback",
                "https://a.b.apps.example.test/.ztna/callback", "https://wiki.apps.example.test/.ztna/callback?x=1",
                "https://u@wiki.apps.example.test/.ztna/callback", "https://wiki.apps.example.test/.ztna/callback#f",
                "https://wiki.apps.example.test.evil.test/.ztna/callback", "https://wiki.apps.example.test/other",
                "https://apps.example.test/.ztna/callback", "//wiki.apps.example.test/.ztna/callback", "not a uri", "")) {
            Response refused = page(target, STATE, null, null);
            assertEquals(400, refused.statusCode(), target);
            assertTrue(refused.asString().contains("redirect_uri"), refused.asString());
        }
        for (String state : List.of("", "short", "bad state with spaces ok?", "x".repeat(200))) {
            Response refused = page(CALLBACK, state, null, null);
            assertEquals(400, refused.statusCode(), state);
            assertTrue(refused.asString().contains("state"));
        }
        assertEquals(400, post("/web/mfa", "challenge_id", "x".repeat(30), "code", "123456",
                "redirect_uri", "https://evil.test/.ztna/callback", "state", STATE).statusCode());
    }

    private String newUser(String name) {
        var directory = DirectoryServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(RevocationTest.serviceToken("ops", DirectoryAdminTest.OPS_SECRET)));
        String uri = directory.createUser(CreateUserRequest.newBuilder().setUsername(name)
                .setPassword("TEST-ONLY-" + name + "-password").addGroups("engineering").build()).getTotpUri();
        return URI.create(uri).getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
    }

    private static Response page(String redirectUri, String state, String cookie, String prompt) {
        var request = RestAssured.given().redirects().follow(false).queryParam("redirect_uri", redirectUri)
                .queryParam("state", state);
        if (cookie != null) {
            request.cookie("ztna_web_login", cookie);
        }
        if (prompt != null) {
            request.queryParam("prompt", prompt);
        }
        return request.get("/web/login");
    }

    private static Response post(String path, String... fields) {
        var request = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded");
        for (int i = 0; i < fields.length; i += 2) {
            request.formParam(fields[i], fields[i + 1]);
        }
        return request.post(path);
    }

    private static RedeemWebLoginRequest redeem(String code, String redirectUri) {
        return RedeemWebLoginRequest.newBuilder().setCode(code).setRedirectUri(redirectUri).build();
    }

    private static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), html);
        assertNotNull(m.group(1));
        return m.group(1);
    }

    private static void assertCode(Status.Code expected, Runnable call) {
        assertEquals(expected, assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode());
    }
}
