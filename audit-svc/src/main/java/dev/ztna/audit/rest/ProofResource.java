package dev.ztna.audit.rest;

import dev.ztna.common.rest.Problems;
import dev.ztna.audit.domain.TreeHead;
import dev.ztna.audit.service.AuditTree;
import dev.ztna.audit.service.ExportLines;
import dev.ztna.audit.service.TreeHeadSigner;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tree heads and RFC 9162 proofs over REST (roles auditor, admin). Hashes are hex, signatures base64. */
@Path("/api/v1")
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class ProofResource {

    private static final HexFormat HEX = HexFormat.of();
    private final AuditTree tree;
    private final TreeHeadSigner signer;

    public ProofResource(AuditTree tree, TreeHeadSigner signer) {
        this.tree = tree;
        this.signer = signer;
    }

    /** The latest signed tree head (one is signed first if none exists yet). */
    @GET
    @Path("/tree-head")
    public Map<String, Object> latest() {
        return json(tree.latestHead().orElseGet(tree::signHead));
    }

    /** Signs a tree head covering every entry so far. */
    @POST
    @Path("/tree-heads")
    public Map<String, Object> sign() {
        return json(tree.signHead());
    }

    /** The Ed25519 public key that verifies tree heads (X.509 SubjectPublicKeyInfo, base64). */
    @GET
    @Path("/tree-head/key")
    public Map<String, Object> key() {
        return Map.of("key_id", signer.keyId(), "algorithm", "Ed25519", "public_key", signer.publicKeyBase64());
    }

    @GET
    @Path("/proofs/inclusion")
    public Response inclusion(@QueryParam("event_id") String eventId, @QueryParam("tree_size") String treeSize) {
        UUID id;
        try {
            id = UUID.fromString(eventId == null ? "" : eventId);
        } catch (IllegalArgumentException e) {
            return Problems.of(400, "invalid-parameter", "event_id must be a UUID", "event_id");
        }
        Long size = number(treeSize, 0);
        if (size == null || size < 0) {
            return Problems.of(400, "invalid-parameter", "tree_size must be a non-negative number", "tree_size");
        }
        try {
            AuditTree.Inclusion proof = tree.proveInclusion(id, size);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leaf_index", proof.leafIndex());
            body.put("tree_size", proof.treeSize());
            body.put("leaf_hash", HEX.formatHex(proof.leafHash()));
            body.put("audit_path", proof.path().stream().map(HEX::formatHex).toList());
            body.put("payload", Base64.getEncoder().encodeToString(proof.payload()));
            return Response.ok(body).build();
        } catch (AuditTree.ProofUnavailable e) {
            return Problems.of(404, "proof-unavailable", e.getMessage(), null);
        }
    }

    @GET
    @Path("/proofs/consistency")
    public Response consistency(@QueryParam("first") String first, @QueryParam("second") String second) {
        Long a = number(first, null);
        Long b = number(second, null);
        if (a == null || a < 1) {
            return Problems.of(400, "invalid-parameter", "first must be a tree size of at least 1", "first");
        }
        if (b == null || b < a) {
            return Problems.of(400, "invalid-parameter", "second must be a tree size not smaller than first", "second");
        }
        try {
            List<String> proof = tree.proveConsistency(a, b).stream().map(HEX::formatHex).toList();
            return Response.ok(Map.of("first", a, "second", b, "proof", proof)).build();
        } catch (AuditTree.ProofUnavailable e) {
            return Problems.of(404, "proof-unavailable", e.getMessage(), null);
        }
    }

    static Map<String, Object> json(TreeHead head) {
        return ExportLines.treeHead(head);
    }

    private static Long number(String value, Integer absent) {
        if (value == null || value.isEmpty()) {
            return absent == null ? null : absent.longValue();
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
