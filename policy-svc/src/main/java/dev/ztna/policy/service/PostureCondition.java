package dev.ztna.policy.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A rule's device-posture requirement. Holds only for a report that is fresh (made within {@code maxAge}, and not
 * dated more than a minute ahead of the decision) and meets every listed requirement; flags are compared with the
 * report's "true"/"false" strings, the agent version numerically by dotted parts.
 */
public record PostureCondition(Duration maxAge, Map<String, Boolean> flags, Set<String> os, String minAgentVersion) {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);
    static final Duration FUTURE_SKEW = Duration.ofMinutes(1);

    /** The device facts a decision is asked with. */
    public record Device(String id, Map<String, String> attributes, Instant reportedAt) {
    }

    public boolean holds(Device device, Instant now) {
        if (device == null || device.reportedAt() == null) {
            return false;
        }
        if (device.reportedAt().plus(maxAge).isBefore(now) || device.reportedAt().isAfter(now.plus(FUTURE_SKEW))) {
            return false;
        }
        for (Map.Entry<String, Boolean> flag : flags.entrySet()) {
            if (!flag.getValue().toString().equals(device.attributes().get(flag.getKey()))) {
                return false;
            }
        }
        if (!os.isEmpty() && !os.contains(device.attributes().getOrDefault("os", ""))) {
            return false;
        }
        return minAgentVersion == null || compareVersions(device.attributes().get("agent_version"), minAgentVersion) >= 0;
    }

    /** Dotted numeric versions; anything unparsable sorts below every version. */
    static int compareVersions(String actual, String minimum) {
        if (actual == null || !actual.matches(VERSION)) {
            return -1;
        }
        String[] a = actual.split("\\.");
        String[] b = minimum.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            long x = i < a.length ? Long.parseLong(a[i]) : 0;
            long y = i < b.length ? Long.parseLong(b[i]) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        return 0;
    }

    static final String VERSION = "\\d{1,9}(\\.\\d{1,9}){0,3}";
}
