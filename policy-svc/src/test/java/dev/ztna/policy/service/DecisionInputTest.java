package dev.ztna.policy.service;

import com.google.protobuf.Timestamp;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionContext;
import dev.ztna.proto.policy.v1.DevicePosture;
import dev.ztna.proto.policy.v1.Subject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecisionInputTest {

    @Test
    void theDevicePostureReachesTheEngine() {
        DecideRequest request = DecideRequest.newBuilder().setApp("payroll")
                .setSubject(Subject.newBuilder().setUsername("ann").addGroups("staff"))
                .setContext(DecisionContext.newBuilder().setSourceAddress("2001:db8::1")
                        .setDevice(DevicePosture.newBuilder().setDeviceId("laptop-7").putAttributes("disk_encrypted", "true")
                                .setReportedAt(Timestamp.newBuilder().setSeconds(1_790_000_000).setNanos(5))))
                .build();
        CompiledPolicy.Subject subject = DecisionInput.subject(request, GeoIp.NONE);
        assertEquals("laptop-7", subject.device().id());
        assertEquals(Map.of("disk_encrypted", "true"), subject.device().attributes());
        assertEquals(Instant.ofEpochSecond(1_790_000_000, 5), subject.device().reportedAt());
        assertEquals("2001:db8:0:0:0:0:0:1", subject.source().getHostAddress());
        assertNull(DecisionInput.subject(request.toBuilder().clearContext().build(), GeoIp.NONE).device());
        assertThrows(IllegalArgumentException.class, () -> DecisionInput.subject(request.toBuilder()
                .setContext(DecisionContext.newBuilder().setSourceAddress("intranet.example")).build(), GeoIp.NONE));
    }
}
