package dev.ztna.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.common.merkle.ChainHasher;
import dev.ztna.common.merkle.CompactRange;
import dev.ztna.common.merkle.MerkleTree;
import dev.ztna.common.merkle.TreeHeads;
import dev.ztna.proto.audit.v1.AuditEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Checks an export against a signed tree head without trusting the server: the head's Ed25519 signature, every
 * entry's place in the hash chain, the readable event against its payload, and the Merkle root of the first
 * tree_size entries against the head. A file that starts later in the log (an archived segment, or an export after
 * retention) begins with a header giving the previous chain hash and the Merkle frontier; forging either changes
 * the computed root, so the header needs no trust either.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Verify an audit export (JSON Lines) against a signed tree head, offline.")
final class AuditVerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "An export (GET /api/v1/export?format=jsonl) or an archived segment file"
            + " (GET /api/v1/archive/segments/{first})")
    Path export;

    @Option(names = "--tree-head", description = "The signed tree head: GET /api/v1/tree-head (a segment file carries"
            + " its own; this option overrides it)")
    Path treeHead;

    @Option(names = "--key", required = true,
            description = "The tree-head public key obtained out of band: base64 X.509, PEM, or GET /api/v1/tree-head/key")
    Path key;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader lines = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            String line = nextLine(lines);
            if (line == null) {
                return fail("the file is empty");
            }
            JsonNode first = json.readTree(line);
            JsonNode head = treeHead == null ? null : json.readTree(treeHead.toFile());
            long start = 1;
            byte[] prev = new byte[32];
            CompactRange tree = new CompactRange();
            if (first.has("start")) {
                // the lines begin after the start of the log: continue from the chain hash and Merkle frontier before
                JsonNode from = first.path("start");
                start = from.path("seq").asLong();
                prev = HexFormat.of().parseHex(from.path("prev_hash").asText());
                List<byte[]> frontier = new ArrayList<>();
                from.path("frontier").forEach(h -> frontier.add(HexFormat.of().parseHex(h.asText())));
                tree = new CompactRange(start - 1, frontier);
                if (head == null && first.has("tree_head")) {
                    head = first.path("tree_head");
                }
                line = nextLine(lines);
            }
            if (head == null) {
                return fail("no tree head: pass --tree-head (only a segment file carries its own)");
            }
            long treeSize = head.path("tree_size").asLong(-1);
            byte[] root = HexFormat.of().parseHex(head.path("root_hash").asText());
            if (!TreeHeads.verify(publicKey(Files.readString(key)), treeSize, head.path("issued_at_ms").asLong(), root,
                    Base64.getDecoder().decode(head.path("signature").asText()))) {
                return fail("the tree head's signature does not verify with this key");
            }
            if (treeSize < start - 1) {
                return fail("the tree head covers " + treeSize + " entries, which ends before this file's first entry " + start);
            }
            long expected = start;
            for (; line != null; line = nextLine(lines)) {
                JsonNode entry = json.readTree(line);
                long seq = entry.path("seq").asLong();
                if (seq != expected) {
                    return fail("entry " + expected + " is missing (found " + seq + ")");
                }
                byte[] payload = Base64.getDecoder().decode(entry.path("payload").asText());
                byte[] link = ChainHasher.link(prev, seq, payload);
                if (!Arrays.equals(link, HexFormat.of().parseHex(entry.path("entry_hash").asText()))) {
                    return fail("entry " + seq + ": not linked to the entry before it (altered, removed or reordered)");
                }
                if (!readableMatches(entry.path("event"), payload)) {
                    return fail("entry " + seq + ": the readable event differs from its payload");
                }
                if (seq <= treeSize) {
                    tree.appendLeafHash(MerkleTree.leafHash(payload));
                }
                prev = link;
                expected++;
            }
            if (tree.size() < treeSize) {
                return fail("the file holds entries up to " + tree.size() + " but the tree head covers " + treeSize);
            }
            if (!Arrays.equals(tree.root(), root)) {
                return fail("the first " + treeSize + " entries do not hash to the tree head's root");
            }
            String range = start == 1 ? (expected - 1) + " entries" : "entries " + start + ".." + (expected - 1);
            System.out.println("OK: " + range + ", hash chain intact; the first " + treeSize
                    + " match the signed tree head (root " + HexFormat.of().formatHex(root) + ", key "
                    + head.path("key_id").asText() + ").");
            return 0;
        }
    }

    private static String nextLine(BufferedReader lines) throws java.io.IOException {
        String line;
        while ((line = lines.readLine()) != null) {
            if (!line.isBlank()) {
                return line;
            }
        }
        return null;
    }

    private static int fail(String why) {
        System.out.println("FAILED: " + why);
        return 1;
    }

    private static boolean readableMatches(JsonNode readable, byte[] payload) throws InvalidProtocolBufferException {
        AuditEvent fromPayload = AuditEvent.parseFrom(payload);
        AuditEvent.Builder fromJson = AuditEvent.newBuilder();
        JsonFormat.parser().merge(readable.toString(), fromJson);
        return fromPayload.equals(fromJson.build());
    }

    static PublicKey publicKey(String text) throws Exception {
        String b64 = text.trim();
        if (b64.startsWith("{")) {
            b64 = new ObjectMapper().readTree(b64).path("public_key").asText();
        }
        b64 = b64.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }
}
