package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.identity.service.Devices;
import dev.ztna.proto.identity.v1.DevicePostureState;
import dev.ztna.proto.identity.v1.DeviceService;
import dev.ztna.proto.identity.v1.ReportPostureRequest;
import dev.ztna.proto.identity.v1.ReportPostureResponse;
import dev.ztna.proto.identity.v1.WatchPosturesRequest;
import dev.ztna.proto.identity.v1.WatchPosturesResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.util.ArrayList;
import java.util.List;

@GrpcService
public class DeviceGrpcService implements DeviceService {

    private static final int MAX_REPORT = 16 * 1024;
    private final Devices devices;

    public DeviceGrpcService(Devices devices) {
        this.devices = devices;
    }

    @Override
    @Blocking
    public Uni<ReportPostureResponse> reportPosture(ReportPostureRequest request) {
        Caller caller = CallerContext.current();
        if (caller.service()) {
            throw Errors.permissionDenied("DEVICE_MISMATCH", "a report must come from the device this login is bound to");
        }
        if (request.getReport().isEmpty() || request.getReport().size() > MAX_REPORT) {
            throw Errors.invalidArgument("report", "must be a serialized PostureReport of at most " + MAX_REPORT + " bytes");
        }
        if (request.getSignature().isEmpty() || request.getSignature().size() > 256) {
            throw Errors.invalidArgument("signature", "must be an ES256 signature of report by the device key");
        }
        boolean changed = devices.report(caller, request.getReport().toByteArray(), request.getSignature().toByteArray());
        return Uni.createFrom().item(ReportPostureResponse.newBuilder().setChanged(changed).build());
    }

    /** The current state first (ends with caught_up), then each accepted report; subscribing first loses none. */
    @Override
    public Multi<WatchPosturesResponse> watchPostures(WatchPosturesRequest request) {
        CallerContext.requireRole("broker", "admin");
        return Multi.createFrom().<WatchPosturesResponse>emitter(emitter -> {
            Object lock = new Object();
            List<Devices.Posture> early = new ArrayList<>();
            boolean[] sent = {false};
            Runnable unsubscribe = devices.subscribe(p -> {
                synchronized (lock) {
                    if (sent[0]) {
                        emitter.emit(WatchPosturesResponse.newBuilder().addPostures(state(p)).build());
                    } else {
                        early.add(p);
                    }
                }
            });
            emitter.onTermination(unsubscribe);
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    List<Devices.Posture> current = devices.current();
                    synchronized (lock) {
                        WatchPosturesResponse.Builder first = WatchPosturesResponse.newBuilder().setCaughtUp(true);
                        current.forEach(p -> first.addPostures(state(p)));
                        emitter.emit(first.build());
                        // a report accepted while the state was read may be in both: a later duplicate is harmless
                        early.forEach(p -> emitter.emit(WatchPosturesResponse.newBuilder().addPostures(state(p)).build()));
                        sent[0] = true;
                    }
                } catch (RuntimeException e) {
                    emitter.fail(Errors.unavailable("POSTURES_UNAVAILABLE", "device postures cannot be read right now"));
                }
            });
        });
    }

    private static DevicePostureState state(Devices.Posture p) {
        return DevicePostureState.newBuilder().setDeviceId(p.deviceId()).setUserId(p.userId())
                .putAllAttributes(p.attributes()).setReportTime(AuthGrpcService.timestamp(p.reportedAt())).build();
    }
}
