package dev.ztna.audit.siem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.service.AuditLog;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.Outcome;

import java.util.HexFormat;
import java.util.Map;

/**
 * One audit entry as an OCSF 1.3.0 event, so a SIEM can ingest the log without a custom parser. The mapping per
 * event type is the table in docs/audit.md; anything without a better class is API Activity. The suite's own
 * fields that OCSF has no place for go to {@code unmapped}, including the entry's chain hash so an ingested event can
 * still be matched to its proof.
 */
public final class OcsfEvent {

    public static final String SCHEMA_VERSION = "1.3.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** OCSF class, category and activity of one event type. */
    record OcsfClass(int classUid, String className, int categoryUid, String categoryName, int activityId,
                     String activityName) {
    }

    private static final OcsfClass AUTHENTICATION_LOGON =
            new OcsfClass(3002, "Authentication", 3, "Identity & Access Management", 1, "Logon");
    private static final OcsfClass AUTHENTICATION_LOGOFF =
            new OcsfClass(3002, "Authentication", 3, "Identity & Access Management", 2, "Logoff");
    private static final OcsfClass ACCOUNT_CREATE =
            new OcsfClass(3001, "Account Change", 3, "Identity & Access Management", 1, "Create");
    private static final OcsfClass ACCOUNT_OTHER =
            new OcsfClass(3001, "Account Change", 3, "Identity & Access Management", 99, "Other");
    private static final OcsfClass AUTHORIZE_SESSION =
            new OcsfClass(3003, "Authorize Session", 3, "Identity & Access Management", 99, "Other");
    private static final OcsfClass NETWORK_OPEN = new OcsfClass(4001, "Network Activity", 4, "Network Activity", 1, "Open");
    private static final OcsfClass NETWORK_CLOSE = new OcsfClass(4001, "Network Activity", 4, "Network Activity", 2, "Close");
    private static final OcsfClass API_UPDATE = new OcsfClass(6003, "API Activity", 6, "Application Activity", 3, "Update");
    private static final OcsfClass API_OTHER = new OcsfClass(6003, "API Activity", 6, "Application Activity", 99, "Other");

    private static final Map<String, OcsfClass> BY_TYPE = Map.of(
            "auth.login", AUTHENTICATION_LOGON,
            "auth.mfa", AUTHENTICATION_LOGON,
            "auth.client_credentials", AUTHENTICATION_LOGON,
            "auth.logout", AUTHENTICATION_LOGOFF,
            "directory.user.create", ACCOUNT_CREATE,
            "policy.decision", AUTHORIZE_SESSION,
            "session.open", NETWORK_OPEN,
            "session.close", NETWORK_CLOSE,
            "session.revoke", NETWORK_CLOSE,
            "policy.change", API_UPDATE);

    private OcsfEvent() {
    }

    static OcsfClass classOf(String type) {
        OcsfClass known = BY_TYPE.get(type);
        if (known != null) {
            return known;
        }
        return type.startsWith("directory.") ? ACCOUNT_OTHER : API_OTHER;
    }

    /** One JSON line (with its newline). */
    public static String line(AuditEntry entry) {
        return toJson(entry).toString() + "\n";
    }

    static ObjectNode toJson(AuditEntry entry) {
        AuditEvent event = AuditLog.parse(entry.payload);
        OcsfClass c = classOf(event.getType());
        boolean failed = event.getOutcome() == Outcome.OUTCOME_FAILURE;
        ObjectNode o = JSON.createObjectNode();
        o.put("class_uid", c.classUid());
        o.put("class_name", c.className());
        o.put("category_uid", c.categoryUid());
        o.put("category_name", c.categoryName());
        o.put("activity_id", c.activityId());
        o.put("activity_name", c.activityName());
        o.put("type_uid", c.classUid() * 100L + c.activityId());
        o.put("time", event.getTime().getSeconds() * 1000 + event.getTime().getNanos() / 1_000_000);
        o.put("severity_id", failed ? 3 : 1);
        o.put("severity", failed ? "Medium" : "Informational");
        int status = switch (event.getOutcome()) {
            case OUTCOME_SUCCESS -> 1;
            case OUTCOME_FAILURE -> 2;
            default -> 0;
        };
        o.put("status_id", status);
        o.put("status", status == 1 ? "Success" : status == 2 ? "Failure" : "Unknown");
        if (!event.getReason().isEmpty()) {
            o.put("status_detail", event.getReason());
            o.put("message", event.getReason());
        }
        ObjectNode metadata = o.putObject("metadata");
        metadata.put("version", SCHEMA_VERSION);
        metadata.put("uid", event.getId());
        metadata.put("log_name", "ztna-audit");
        metadata.put("sequence", entry.seq);
        metadata.put("event_code", event.getType());
        if (!event.getSessionId().isEmpty()) {
            metadata.put("correlation_uid", event.getSessionId());
        }
        ObjectNode product = metadata.putObject("product");
        product.put("name", "ztna");
        product.put("vendor_name", "ztna.dev");
        product.put("feature", JSON.createObjectNode().put("name", event.getService()));
        if (!event.getActor().isEmpty()) {
            o.putObject("actor").putObject("user").put("name", event.getActor());
            if (c.classUid() == 3002 || c.classUid() == 3003) {
                o.putObject("user").put("name", event.getActor());
            }
        }
        if (!event.getSourceAddress().isEmpty()) {
            o.putObject("src_endpoint").put("ip", event.getSourceAddress());
        }
        if (!event.getApp().isEmpty()) {
            o.putObject("dst_endpoint").put("svc_name", event.getApp());
        }
        ObjectNode unmapped = o.putObject("unmapped");
        unmapped.put("ztna_type", event.getType());
        unmapped.put("ztna_entry_hash", HexFormat.of().formatHex(entry.entryHash));
        event.getAttributesMap().forEach(unmapped::put);
        return o;
    }
}
