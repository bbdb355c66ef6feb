package dev.ztna.identity.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.crypto.P256;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.domain.Device;
import dev.ztna.identity.repository.DeviceRepository;
import dev.ztna.proto.audit.v1.Outcome;
import dev.ztna.proto.identity.v1.PostureReport;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Devices and their posture: a login binds a device by its key (with proof of possession), the device signs its
 * reports, and every accepted report is pushed to the subscribers (brokers), which re-decide that device's sessions.
 */
@ApplicationScoped
public class Devices {

    static final Duration MAX_AGE = Duration.ofMinutes(5);
    static final Duration MAX_AHEAD = Duration.ofMinutes(1);
    static final Duration STATE_WINDOW = Duration.ofHours(24);
    private static final Pattern KEY = Pattern.compile("[a-z0-9_]{1,64}");
    private static final int MAX_ATTRIBUTES = 32;
    private static final int MAX_VALUE = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A device's posture as subscribers see it. */
    public record Posture(String deviceId, String userId, Map<String, String> attributes, Instant reportedAt) {
    }

    private final DeviceRepository devices;
    private final AuditOutbox audit;
    private final List<Consumer<Posture>> subscribers = new CopyOnWriteArrayList<>();

    public Devices(DeviceRepository devices, AuditOutbox audit) {
        this.devices = devices;
        this.audit = audit;
    }

    /** Checks the proof that the login holds the device key: ES256 over the challenge id. Pure crypto, no state. */
    public static void checkProof(byte[] publicKey, byte[] proof, String challengeId) {
        java.security.PublicKey key;
        try {
            key = P256.publicKey(publicKey);
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument("device_public_key", "must be an EC P-256 public key (X.509 SubjectPublicKeyInfo, DER)");
        }
        if (!P256.verifies(key, challengeId.getBytes(StandardCharsets.UTF_8), proof)) {
            throw Errors.invalidArgument("device_proof", "must be an ES256 signature of challenge_id by the device key");
        }
    }

    /** The user's device with this key, registered now if new. Runs in the caller's transaction. */
    public UUID bind(UUID userId, String username, byte[] publicKey) {
        return devices.findByKey(userId, publicKey).map(d -> d.id).orElseGet(() -> {
            Device device = new Device();
            device.id = UUID.randomUUID();
            device.userId = userId;
            device.publicKey = publicKey;
            device.createdAt = Instant.now();
            devices.persist(device);
            audit.record("device.register", username, Outcome.OUTCOME_SUCCESS, "device registered at login",
                    Map.of("device_id", device.id.toString()));
            return device.id;
        });
    }

    /** Verifies and stores a signed report from the caller's device; true when its attributes changed. */
    public boolean report(Caller caller, byte[] reportBytes, byte[] signature) {
        PostureReport report;
        try {
            report = PostureReport.parseFrom(reportBytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw Errors.invalidArgument("report", "must be a serialized PostureReport");
        }
        Map<String, String> attributes = validAttributes(report.getAttributesMap());
        if (caller.deviceId() == null || !caller.deviceId().equals(report.getDeviceId())) {
            throw Errors.permissionDenied("DEVICE_MISMATCH", "a report must come from the device this login is bound to");
        }
        // the database keeps microseconds: compare at that precision, or a replay would look newer by its nanoseconds
        Instant reportedAt = Instant.ofEpochSecond(report.getReportTime().getSeconds(), report.getReportTime().getNanos())
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Instant now = Instant.now();
        if (!report.hasReportTime() || reportedAt.isBefore(now.minus(MAX_AGE)) || reportedAt.isAfter(now.plus(MAX_AHEAD))) {
            throw Errors.invalidArgument("report.report_time", "must be within the last " + MAX_AGE.toMinutes()
                    + " minutes (and at most " + MAX_AHEAD.toMinutes() + " minute ahead)");
        }
        String json = json(attributes);
        boolean[] changed = {false};
        String refusal = QuarkusTransaction.requiringNew().call(() -> {
            Device device = devices.findById(UUID.fromString(report.getDeviceId()));
            if (device == null || !device.userId.toString().equals(caller.subject())) {
                return "DEVICE_MISMATCH";
            }
            if (!P256.verifies(P256.publicKey(device.publicKey), reportBytes, signature)) {
                // audited, and committed: the refusal is what an attacker's attempt leaves behind
                audit.record("device.posture", caller.name(), Outcome.OUTCOME_FAILURE, "bad signature",
                        Map.of("device_id", report.getDeviceId()));
                return "BAD_SIGNATURE";
            }
            if (device.reportedAt != null && !reportedAt.isAfter(device.reportedAt)) {
                return "POSTURE_REPLAYED";
            }
            changed[0] = !json.equals(device.posture);
            device.posture = json;
            device.reportedAt = reportedAt;
            if (changed[0]) {
                audit.record("device.posture", caller.name(), Outcome.OUTCOME_SUCCESS, "posture changed",
                        Map.of("device_id", report.getDeviceId(), "posture", json));
            }
            return null;
        });
        if (refusal != null) {
            throw switch (refusal) {
                case "DEVICE_MISMATCH" -> Errors.permissionDenied(refusal, "a report must come from the device this login is bound to");
                case "BAD_SIGNATURE" -> Errors.invalidArgument("signature", "must be an ES256 signature of report by the device key");
                default -> Errors.failedPrecondition(refusal, "a report at least as recent was already accepted");
            };
        }
        Posture accepted = new Posture(report.getDeviceId(), caller.subject(), attributes, reportedAt);
        subscribers.forEach(s -> s.accept(accepted));
        return changed[0];
    }

    /** The latest posture of every device that reported in the last 24 hours. */
    public List<Posture> current() {
        return QuarkusTransaction.requiringNew().call(() -> devices.reportedSince(Instant.now().minus(STATE_WINDOW)).stream()
                .map(d -> new Posture(d.id.toString(), d.userId.toString(), parse(d.posture), d.reportedAt)).toList());
    }

    public Runnable subscribe(Consumer<Posture> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    private static Map<String, String> validAttributes(Map<String, String> attributes) {
        if (attributes.isEmpty() || attributes.size() > MAX_ATTRIBUTES) {
            throw Errors.invalidArgument("report.attributes", "must hold 1.." + MAX_ATTRIBUTES + " attributes");
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw Errors.invalidArgument("report.attributes", "key '" + e.getKey() + "' must be 1..64 of a-z, 0-9, _");
            }
            if (e.getValue().length() > MAX_VALUE || e.getValue().chars().anyMatch(Character::isISOControl)) {
                throw Errors.invalidArgument("report.attributes", "value of '" + e.getKey()
                        + "' must be at most " + MAX_VALUE + " characters, without control characters");
            }
        }
        return new TreeMap<>(attributes);
    }

    private static String json(Map<String, String> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parse(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
