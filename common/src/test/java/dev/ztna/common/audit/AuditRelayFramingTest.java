package dev.ztna.common.audit;

import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AuditEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The relay sends stored events without re-serialising them: the bytes must be exactly an AppendRequest's. */
class AuditRelayFramingTest {

    @Test
    void framedStoredEventsAreTheSerialisedAppendRequest() throws Exception {
        List<AuditOutboxRepository.Pending> stored = new ArrayList<>();
        AppendRequest.Builder expected = AppendRequest.newBuilder();
        for (int i = 0; i < 300; i++) {
            AuditEvent event = AuditEvent.newBuilder().setId(UUID.randomUUID().toString()).setType("policy.decision")
                    .setActor("user-" + i).setReason("x".repeat(i)).putAttributes("input", "{\"n\":" + i + "}").build();
            stored.add(new AuditOutboxRepository.Pending(UUID.fromString(event.getId()), event.toByteArray()));
            expected.addEvents(event);
        }
        byte[] framed = AuditRelay.framed(stored);
        assertArrayEquals(expected.build().toByteArray(), framed);
        assertEquals(expected.build(), AppendRequest.parseFrom(framed));
    }
}
