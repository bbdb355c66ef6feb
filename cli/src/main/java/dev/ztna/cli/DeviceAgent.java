package dev.ztna.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.ztna.proto.identity.v1.DeviceServiceGrpc;
import dev.ztna.proto.identity.v1.PostureReport;
import dev.ztna.proto.identity.v1.ReportPostureRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * This machine as a device: an EC P-256 key kept in the config directory (owner-only), which binds logins to the
 * device and signs its posture reports; and what posture it can read on Linux.
 */
final class DeviceAgent {

    static final String KEY_FILE = "device-key";
    static final String ID_FILE = "device-id";
    static final String VERSION = "0.1.0";

    private final Endpoints endpoints;
    private final KeyPair key;

    private DeviceAgent(Endpoints endpoints, KeyPair key) {
        this.endpoints = endpoints;
        this.key = key;
    }

    /** The device key of this config directory, made on first use. */
    static DeviceAgent load(Endpoints endpoints) throws IOException {
        Path file = endpoints.configDir.resolve(KEY_FILE);
        try {
            if (Files.exists(file)) {
                // line 1: the private key (PKCS#8), line 2: the public key (X.509), both base64
                String[] lines = Files.readString(file).trim().split("\n");
                KeyFactory ec = KeyFactory.getInstance("EC");
                PrivateKey privateKey = ec.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines[0].trim())));
                PublicKey publicKey = ec.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines[1].trim())));
                return new DeviceAgent(endpoints, new KeyPair(publicKey, privateKey));
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            endpoints.savePrivate(KEY_FILE, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n"
                    + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
            return new DeviceAgent(endpoints, pair);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + " is not a device key (" + e.getMessage() + "); remove it to make a new one", e);
        }
    }

    byte[] publicKey() {
        return key.getPublic().getEncoded();
    }

    byte[] sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(key.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs and sends a report of {@code attributes} as of now; true when identity-svc saw a change. */
    boolean report(String deviceId, Map<String, String> attributes, CallCredentials credentials) throws IOException {
        Instant now = Instant.now();
        byte[] report = PostureReport.newBuilder().setDeviceId(deviceId).putAllAttributes(attributes)
                .setReportTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build().toByteArray();
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        try {
            return DeviceServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials)
                    .withDeadlineAfter(15, TimeUnit.SECONDS)
                    .reportPosture(ReportPostureRequest.newBuilder().setReport(ByteString.copyFrom(report))
                            .setSignature(ByteString.copyFrom(sign(report))).build()).getChanged();
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * What this machine says about itself. On Linux: the OS release, whether a dm-crypt device is active, whether the
     * kernel has firewall tables loaded. A screen lock cannot be read from a terminal session: it is reported "false"
     * unless overridden (e.g. by the desktop's agent or MDM with --set screen_lock=true).
     */
    static Map<String, String> collect(Map<String, String> overrides) {
        Map<String, String> attributes = new TreeMap<>();
        attributes.put("os", System.getProperty("os.name", "unknown").toLowerCase().replace(' ', '_'));
        attributes.put("os_version", osVersion());
        attributes.put("disk_encrypted", Boolean.toString(diskEncrypted()));
        attributes.put("firewall_on", Boolean.toString(firewallOn()));
        attributes.put("screen_lock", "false");
        attributes.put("agent_version", VERSION);
        attributes.putAll(overrides);
        return attributes;
    }

    private static String osVersion() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("VERSION_ID=")) {
                    return line.substring("VERSION_ID=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // not Linux, or no os-release
        }
        return System.getProperty("os.version", "unknown");
    }

    /** A dm-crypt mapping is active (its device-mapper uuid starts with CRYPT-). */
    private static boolean diskEncrypted() {
        try (var dms = Files.list(Path.of("/sys/block"))) {
            return dms.filter(d -> d.getFileName().toString().startsWith("dm-")).anyMatch(d -> {
                try {
                    return Files.readString(d.resolve("dm/uuid")).startsWith("CRYPT-");
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** iptables tables are loaded, or nftables is. */
    private static boolean firewallOn() {
        try {
            Path tables = Path.of("/proc/net/ip_tables_names");
            return (Files.exists(tables) && !Files.readString(tables).isBlank()) || Files.exists(Path.of("/sys/module/nf_tables"));
        } catch (IOException e) {
            return false;
        }
    }
}
