package dev.ztna.policy.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The policy file as written (schema ztna.dev/v1). Validated by {@link PolicyCompiler}, never trusted as parsed. */
@RegisterForReflection(targets = {PolicyDocument.class, PolicyDocument.Rule.class, PolicyDocument.Who.class,
        PolicyDocument.What.class, PolicyDocument.When.class, PolicyDocument.Where.class, PolicyDocument.How.class,
        PolicyDocument.Posture.class, PolicyDocument.TestCase.class, PolicyDocument.TestInput.class,
        PolicyDocument.TestDevice.class, PolicyDocument.Obligations.class})
public record PolicyDocument(@JsonProperty("apiVersion") String apiVersion, java.util.Map<String, AppEntry> apps,
                             List<Rule> rules, List<TestCase> tests) {

    /** The app catalog: tags per app name, which rules can name instead of apps ({@code what.tags}). */
    public record AppEntry(List<String> tags) {
    }

    /**
     * A test the document carries: this input must get this effect (and, if given, from this rule; "" for the default
     * deny). A version whose tests fail is not stored.
     */
    public record TestCase(String name, TestInput input, String expect, String rule) {
    }

    /**
     * The question asked; {@code time} is the evaluation instant (ISO-8601, default: when the tests run);
     * {@code country} stands for what the GeoIP database would say of the source address (tests run without one).
     */
    public record TestInput(String user, List<String> groups, List<String> roles, String app,
                            @JsonProperty("source_address") String sourceAddress, List<String> amr,
                            @JsonProperty("auth_time") String authTime, String time, TestDevice device, String country,
                            java.util.Map<String, String> attributes, String action,
                            @JsonProperty("http_method") String httpMethod, @JsonProperty("http_path") String httpPath) {
    }

    public record TestDevice(java.util.Map<String, String> attributes, @JsonProperty("reported_at") String reportedAt) {
    }

    public record Rule(String id, String effect, String description, Who who, What what, When when, Where where,
                       How how, Obligations obligations) {
    }

    /**
     * What an allow by this rule imposes on the session (ISO-8601 durations): {@code max_session}, {@code idle_timeout},
     * {@code reauth_every}, and {@code justification: required}.
     */
    public record Obligations(@JsonProperty("max_session") String maxSession,
                              @JsonProperty("idle_timeout") String idleTimeout,
                              @JsonProperty("reauth_every") String reauthEvery, String justification) {
    }

    /**
     * Who the rule is about: a subject matches when any listed user, group or role matches (none listed: anyone) and
     * every listed directory attribute (department, employment_type, country, manager) has one of the listed values.
     */
    public record Who(List<String> users, List<String> groups, List<String> roles,
                      java.util.Map<String, List<String>> attributes) {
    }

    /**
     * When the rule applies: weekdays (mon..sun) and a daily window [from, to) in a time zone — a window whose end is
     * before its start runs across midnight, and the weekday is the one the window started on — and validity dates
     * (inclusive from, exclusive until) for temporary or just-in-time access. Every part is optional.
     */
    public record When(List<String> days, String from, String to, String timezone,
                       @JsonProperty("valid_from") String validFrom, @JsonProperty("valid_until") String validUntil) {
    }

    /**
     * Where from: the client address must fall in one of the CIDR blocks (IPv4 or IPv6), and its country (from the
     * GeoIP database, ISO 3166-1 alpha-2) be one of {@code countries}. Either or both.
     */
    public record Where(List<String> cidrs, List<String> countries) {
    }

    /**
     * How the subject authenticated: at least one of the {@code mfa} methods (RFC 8176 amr values such as otp) and a
     * login no older than {@code max_auth_age} (ISO-8601 duration, e.g. PT8H), and a device whose posture holds.
     */
    public record How(List<String> mfa, @JsonProperty("max_auth_age") String maxAuthAge, Posture posture,
                      @JsonProperty("max_risk") Integer maxRisk) {
    }

    /**
     * The device's last posture report: no older than {@code max_age} (default PT15M), and each listed requirement
     * met. A missing report, or a missing attribute, never satisfies a requirement.
     */
    public record Posture(@JsonProperty("max_age") String maxAge, @JsonProperty("disk_encrypted") Boolean diskEncrypted,
                          @JsonProperty("firewall_on") Boolean firewallOn, @JsonProperty("screen_lock") Boolean screenLock,
                          List<String> os, @JsonProperty("min_agent_version") String minAgentVersion) {
    }

    /**
     * What the rule is about: apps by name ("*": any) and/or by catalog tag; optionally only some actions (connect:
     * a session of TCP tunnels; http: requests through the web proxy) and, for web requests, methods and paths.
     */
    public record What(List<String> apps, List<String> tags, List<String> actions, Http http) {
    }

    /** Web requests only: methods (upper case) and path patterns (segment globs, * and **). */
    public record Http(List<String> methods, List<String> paths) {
    }
}
