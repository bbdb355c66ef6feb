package dev.ztna.policy.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's {@code what.http}: which methods and paths of a web app it is about. Path patterns are segment globs —
 * {@code *} is exactly one segment, {@code **} any number (also none), anything else is literal and case-sensitive —
 * matched against paths the request side already normalised (no "." or ".." segments, no "//"). Empty lists: any.
 */
public record HttpCondition(Set<String> methods, List<String> paths) {

    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Pattern SEGMENT = Pattern.compile("\\*\\*|\\*|[A-Za-z0-9._~!$&'()+,;=:@%-]+");

    /** Why {@code pattern} is not a usable path pattern, or null when it is. */
    public static String problem(String pattern) {
        if (pattern == null || !pattern.startsWith("/") || pattern.length() > 512) {
            return "must start with / (at most 512 characters)";
        }
        if (pattern.equals("/")) {
            return null;
        }
        for (String segment : pattern.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty segment (// or a trailing /): write /docs/** for everything below /docs";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "must not contain . or .. segments";
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return "segment '" + segment + "' must be *, ** or literal URL path characters";
            }
        }
        return null;
    }

    public boolean holds(WebRequest request) {
        return request != null && (methods.isEmpty() || methods.contains(request.method())) && pathMatches(request.path());
    }

    /** Why {@code request} does not meet this condition (empty when it does). */
    public String describe(WebRequest request) {
        if (request == null) {
            return "applies only to web requests (action http)";
        }
        List<String> why = new ArrayList<>();
        if (!methods.isEmpty() && !methods.contains(request.method())) {
            why.add("method " + request.method() + " is not in " + new java.util.TreeSet<>(methods));
        }
        if (!pathMatches(request.path())) {
            why.add("path " + request.path() + " matches none of " + paths);
        }
        return String.join("; ", why);
    }

    private boolean pathMatches(String path) {
        if (paths.isEmpty()) {
            return true;
        }
        List<String> segments = segments(path);
        for (String pattern : paths) {
            if (matches(segments(pattern), 0, segments, 0)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> segments(String path) {
        return path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
    }

    private static boolean matches(List<String> pattern, int p, List<String> path, int s) {
        if (p == pattern.size()) {
            return s == path.size();
        }
        String head = pattern.get(p);
        if (head.equals("**")) {
            for (int skip = s; skip <= path.size(); skip++) {
                if (matches(pattern, p + 1, path, skip)) {
                    return true;
                }
            }
            return false;
        }
        return s < path.size() && (head.equals("*") || head.equals(path.get(s))) && matches(pattern, p + 1, path, s + 1);
    }
}
