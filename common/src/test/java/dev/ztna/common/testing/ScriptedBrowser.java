package dev.ztna.common.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without JavaScript: cookies, redirects followed one at a time, forms posted. Its own cookie jar, as
 * browsers treat http://localhost as a secure context (Keycloak marks its cookies Secure; java.net's jar would
 * drop them over plain HTTP).
 */
public final class ScriptedBrowser {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private URI last = URI.create("http://localhost/");

    public HttpResponse<String> get(String target) throws IOException, InterruptedException {
        last = last.resolve(target);
        return remember(http.send(withCookies(HttpRequest.newBuilder(last)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    public HttpResponse<String> post(String target, Map<String, String> form) throws IOException, InterruptedException {
        last = last.resolve(target);
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return remember(http.send(withCookies(HttpRequest.newBuilder(last))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest.Builder withCookies(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return request;
    }

    private HttpResponse<String> remember(HttpResponse<String> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            String lower = header.toLowerCase();
            if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }

    public HttpResponse<String> follow(HttpResponse<String> response) throws IOException, InterruptedException {
        for (int hops = 0; hops < 10 && response.statusCode() / 100 == 3; hops++) {
            response = get(response.headers().firstValue("Location").orElseThrow());
        }
        return response;
    }

    public boolean hasCookie(String name) {
        return cookies.containsKey(name);
    }

    /** Logs in at the IdP's device page and grants the device (Keycloak always asks for consent here). */
    public void approveDevice(String verificationUri, String username, String password) throws Exception {
        HttpResponse<String> loginPage = follow(get(verificationUri));
        HttpResponse<String> consent = follow(post(formAction(loginPage.body()),
                Map.of("username", username, "password", password)));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("code", hidden(consent.body(), "code"));
        form.put("accept", "Yes");
        HttpResponse<String> granted = follow(post(formAction(consent.body()), form));
        if (!granted.body().contains("Device Login Successful")) {
            throw new AssertionError(granted.body());
        }
    }

    /** The first form's action, HTML entities undone. */
    public static String formAction(String html) {
        Matcher m = FORM_ACTION.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no form in " + html);
        }
        return m.group(1).replace("&amp;", "&");
    }

    /** The value of the hidden field {@code name}. */
    public static String hidden(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + html);
        }
        return m.group(1);
    }
}
