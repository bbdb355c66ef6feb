package dev.ztna.common.auth;

import java.util.Set;

/**
 * The verified identity behind a call: a user (with groups) or a service account. {@code deviceId}: the device the
 * user's login is bound to (`did`), or null; {@code attributes}: the user's directory attributes (`attrs`).
 */
public record Caller(String subject, String name, Set<String> groups, Set<String> roles, String sessionId,
                     boolean service, Set<String> amr, java.time.Instant authTime, String deviceId,
                     java.util.Map<String, String> attributes) {

    public Caller(String subject, String name, Set<String> groups, Set<String> roles, String sessionId,
                  boolean service, Set<String> amr, java.time.Instant authTime, String deviceId) {
        this(subject, name, groups, roles, sessionId, service, amr, authTime, deviceId, java.util.Map.of());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
