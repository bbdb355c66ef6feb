package dev.ztna.broker.service;

import dev.ztna.broker.client.DevicePostures;
import dev.ztna.proto.identity.v1.DevicePostureState;
import dev.ztna.proto.identity.v1.DeviceService;
import dev.ztna.proto.identity.v1.WatchPosturesRequest;
import dev.ztna.proto.identity.v1.WatchPosturesResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Follows identity-svc's device postures (WatchPostures, reconnecting with backoff): decisions carry each device's
 * latest verified report, and when a device's posture changes its sessions are re-decided at once — cut if the policy
 * no longer allows them, with a receipt.
 */
@ApplicationScoped
public class PostureWatcher {

    private static final Logger LOG = Logger.getLogger(PostureWatcher.class);
    private final DeviceService devices;
    private final DevicePostures postures;
    private final SessionManager sessions;
    private final ExecutorService reverifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "posture-reverify");
        t.setDaemon(true);
        return t;
    });
    private volatile Cancellable subscription;

    public PostureWatcher(@GrpcClient("identity") DeviceService devices, DevicePostures postures, SessionManager sessions) {
        this.devices = devices;
        this.postures = postures;
        this.sessions = sessions;
    }

    void onStart(@Observes StartupEvent event) {
        subscription = Multi.createFrom().deferred(() -> devices.watchPostures(WatchPosturesRequest.getDefaultInstance()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onCompletion().failWith(() -> new IllegalStateException("identity-svc ended the posture stream"))
                .onFailure().invoke(e -> LOG.debugf("posture stream lost: %s", e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(this::received, e -> LOG.errorf("posture stream gave up: %s", e.getMessage()));
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
        reverifier.shutdownNow();
    }

    private void received(WatchPosturesResponse response) {
        for (DevicePostureState state : response.getPosturesList()) {
            if (postures.update(state)) {
                Instant at = Instant.ofEpochSecond(state.getReportTime().getSeconds(), state.getReportTime().getNanos());
                String cause = "device posture changed (" + describe(state.getAttributesMap()) + ")";
                reverifier.execute(() -> sessions.reverifyDevice(state.getDeviceId(), cause, at));
            }
        }
    }

    private static String describe(Map<String, String> attributes) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(attributes).forEach((k, v) -> text.append(text.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return text.length() > 200 ? text.substring(0, 200) + "…" : text.toString();
    }
}
