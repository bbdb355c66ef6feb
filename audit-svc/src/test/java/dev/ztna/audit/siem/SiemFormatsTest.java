package dev.ztna.audit.siem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.Outcome;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiemFormatsTest {

    static AuditEntry entry(AuditEvent event) {
        AuditEntry entry = new AuditEntry();
        entry.seq = 42;
        entry.payload = event.toByteArray();
        entry.entryHash = new byte[32];
        return entry;
    }

    static AuditEvent.Builder event(String type, Outcome outcome) {
        return AuditEvent.newBuilder().setId(UUID.randomUUID().toString()).setType(type).setService("identity-svc")
                .setTime(Timestamp.newBuilder().setSeconds(1_790_000_000).setNanos(123_000_000))
                .setActor("alice").setOutcome(outcome).setSourceAddress("192.0.2.7");
    }

    @Test
    void failedLoginIsAnOcsfAuthenticationLogonFailure() throws Exception {
        AuditEvent login = event("auth.login", Outcome.OUTCOME_FAILURE).setReason("invalid credentials").build();
        JsonNode o = new ObjectMapper().readTree(OcsfEvent.line(entry(login)));
        assertEquals(3002, o.get("class_uid").asInt());
        assertEquals(3, o.get("category_uid").asInt());
        assertEquals(1, o.get("activity_id").asInt());
        assertEquals(300201, o.get("type_uid").asLong());
        assertEquals(2, o.get("status_id").asInt());
        assertEquals(1_790_000_000_123L, o.get("time").asLong());
        assertEquals("alice", o.at("/user/name").asText());
        assertEquals("alice", o.at("/actor/user/name").asText());
        assertEquals("192.0.2.7", o.at("/src_endpoint/ip").asText());
        assertEquals(login.getId(), o.at("/metadata/uid").asText());
        assertEquals(OcsfEvent.SCHEMA_VERSION, o.at("/metadata/version").asText());
        assertEquals(42, o.at("/metadata/sequence").asLong());
        assertEquals("invalid credentials", o.get("status_detail").asText());
    }

    @Test
    void eachEventTypeMapsToItsClass() {
        assertEquals(3003, OcsfEvent.classOf("policy.decision").classUid());
        assertEquals(4001, OcsfEvent.classOf("session.open").classUid());
        assertEquals(2, OcsfEvent.classOf("session.revoke").activityId());
        assertEquals(6003, OcsfEvent.classOf("policy.change").classUid());
        assertEquals(3001, OcsfEvent.classOf("directory.user.create").classUid());
        assertEquals(3001, OcsfEvent.classOf("directory.group.delete").classUid());
        assertEquals(99, OcsfEvent.classOf("something.new").activityId());
    }

    @Test
    void decisionAttributesAndAppAreKept() throws Exception {
        AuditEvent decision = event("policy.decision", Outcome.OUTCOME_SUCCESS).setApp("echo")
                .putAttributes("rule_id", "engineers-echo").putAttributes("policy_version", "3").build();
        JsonNode o = new ObjectMapper().readTree(OcsfEvent.line(entry(decision)));
        assertEquals("echo", o.at("/dst_endpoint/svc_name").asText());
        assertEquals("engineers-echo", o.at("/unmapped/rule_id").asText());
        assertEquals("policy.decision", o.at("/unmapped/ztna_type").asText());
        assertEquals(1, o.get("status_id").asInt());
    }

    @Test
    void cefCarriesTheFieldsAndEscapesInjection() {
        AuditEvent hostile = event("auth.login", Outcome.OUTCOME_FAILURE)
                .setActor("mallory suser=admin").setReason("bad|pipe\nCEF:0|forged").setApp("a=b\\c").build();
        String line = CefLine.of(entry(hostile));
        assertTrue(line.startsWith("CEF:0|ztna.dev|ztna|1|auth.login|auth.login|6|rt=1790000000123 "), line);
        assertTrue(line.contains(" suser=mallory suser\\=admin"), line);
        assertTrue(line.contains(" reason=bad|pipe\\nCEF:0|forged"), line);
        assertTrue(line.contains(" cs1Label=app cs1=a\\=b\\\\c"), line);
        assertTrue(line.contains(" outcome=failure"), line);
        assertTrue(line.contains(" src=192.0.2.7"), line);
        assertEquals(1, line.split("\n", -1).length - 1, "exactly one line");
        assertFalse(line.contains("cs2Label"), "no label without a value");
        assertEquals("a\\|b", CefLine.header("a|b"));
    }
}
