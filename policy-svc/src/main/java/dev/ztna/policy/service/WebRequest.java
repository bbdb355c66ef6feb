package dev.ztna.policy.service;

import java.util.regex.Pattern;

/** One web request through the broker's proxy (DecideRequest.action = http), already checked by {@link #of}. */
public record WebRequest(String method, String path) {

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

    /**
     * A request the engine can judge, or an {@link IllegalArgumentException} naming what is wrong: a path that is not
     * in normal form is refused rather than normalised, so a rule can never be dodged by spelling a path differently.
     */
    public static WebRequest of(String method, String path) {
        if (!METHOD.matcher(method).matches()) {
            throw new DecisionInput.BadInput("http.method", "must be an upper-case HTTP method such as GET");
        }
        if (!path.startsWith("/") || path.length() > 2048 || !PATH_CHARS.matcher(path).matches()) {
            throw new DecisionInput.BadInput("http.path", "must start with / and hold only URL path characters "
                    + "(at most 2048, no query)");
        }
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        if (path.contains("//") || lower.contains("%2f") || lower.contains("%2e") || lower.contains("%5c")) {
            throw new DecisionInput.BadInput("http.path", "must be normalised: no //, no encoded / . or \\");
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new DecisionInput.BadInput("http.path", "must be normalised: no . or .. segments");
            }
        }
        return new WebRequest(method, path);
    }
}
