package dev.ztna.broker.client;

import dev.ztna.proto.identity.v1.DevicePostureState;
import dev.ztna.proto.policy.v1.DevicePosture;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest verified posture of each device, as identity-svc pushes it: what the broker puts in every decision for a
 * caller whose login is bound to a device. A device with no report here gets none, and posture rules deny it.
 */
@ApplicationScoped
public class DevicePostures {

    private final ConcurrentHashMap<String, DevicePostureState> latest = new ConcurrentHashMap<>();

    /** Records a report (one stream writes); true when it changed the device's attributes. */
    public boolean update(DevicePostureState state) {
        DevicePostureState old = latest.get(state.getDeviceId());
        if (old != null && com.google.protobuf.util.Timestamps.compare(state.getReportTime(), old.getReportTime()) <= 0) {
            return false;
        }
        latest.put(state.getDeviceId(), state);
        return old == null || !old.getAttributesMap().equals(state.getAttributesMap());
    }

    public Optional<DevicePosture> of(String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        DevicePostureState state = latest.get(deviceId);
        return state == null ? Optional.empty() : Optional.of(DevicePosture.newBuilder().setDeviceId(deviceId)
                .putAllAttributes(state.getAttributesMap()).setReportedAt(state.getReportTime()).build());
    }
}
