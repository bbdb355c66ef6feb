package dev.ztna.common.web;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The normal form of a request path that web rules are judged on, shared by the broker's proxy (which refuses other
 * paths before asking) and policy-svc (which refuses them when asked): a path is refused rather than normalised, so a
 * rule can never be dodged by spelling a path differently.
 */
public final class HttpPaths {

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

    private HttpPaths() {
    }

    public static boolean isMethod(String method) {
        return method != null && METHOD.matcher(method).matches();
    }

    /** Empty when {@code path} is in normal form; otherwise what is wrong with it. */
    public static Optional<String> problem(String path) {
        if (path == null || !path.startsWith("/") || path.length() > 2048 || !PATH_CHARS.matcher(path).matches()) {
            return Optional.of("must start with / and hold only URL path characters (at most 2048, no query)");
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (path.contains("//") || lower.contains("%2f") || lower.contains("%2e") || lower.contains("%5c")) {
            return Optional.of("must be normalised: no //, no encoded / . or \\");
        }
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("must be normalised: no . or .. segments");
            }
        }
        return Optional.empty();
    }
}
