package dev.ztna.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.domain.TreeHead;

import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON Lines that `ztna audit verify` checks offline: an optional header, then one line per entry with its exact
 * payload. The header says where the lines start when that is not the beginning of the log (the previous entry's
 * chain hash and the Merkle frontier of everything before), and a segment file adds the signed tree head it ends at.
 */
public final class ExportLines {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExportLines() {
    }

    public static String entry(AuditEntry entry) {
        String readable;
        try {
            readable = JsonFormat.printer().omittingInsignificantWhitespace().preservingProtoFieldNames()
                    .print(AuditLog.parse(entry.payload));
        } catch (InvalidProtocolBufferException e) {
            readable = "null";
        }
        return "{\"seq\":" + entry.seq + ",\"event_id\":\"" + entry.eventId + "\",\"entry_hash\":\""
                + HEX.formatHex(entry.entryHash) + "\",\"payload\":\""
                + Base64.getEncoder().encodeToString(entry.payload) + "\",\"event\":" + readable + "}\n";
    }

    /** Header of lines that start at {@code start.seq()}; a segment also carries its tree head (else null). */
    public static String header(AuditTree.Start start, TreeHead head, Long lastSeq) {
        Map<String, Object> startJson = new LinkedHashMap<>();
        startJson.put("seq", start.seq());
        startJson.put("prev_hash", HEX.formatHex(start.prevHash()));
        startJson.put("frontier", start.frontier().stream().map(HEX::formatHex).toList());
        Map<String, Object> header = new LinkedHashMap<>();
        if (lastSeq != null) {
            header.put("segment", Map.of("first_seq", start.seq(), "last_seq", lastSeq));
        }
        header.put("start", startJson);
        if (head != null) {
            header.put("tree_head", treeHead(head));
        }
        try {
            return JSON.writeValueAsString(header) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed tree head as JSON: hashes hex, signature base64 (the REST shape, and what the verifier reads). */
    public static Map<String, Object> treeHead(TreeHead head) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tree_size", head.treeSize);
        body.put("root_hash", HEX.formatHex(head.rootHash));
        body.put("issued_at_ms", head.issuedAt.toEpochMilli());
        body.put("key_id", head.keyId);
        body.put("signature", Base64.getEncoder().encodeToString(head.signature));
        return body;
    }
}
