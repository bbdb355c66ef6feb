package dev.ztna.policy.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.proto.audit.v1.AuditEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for decision records. A decision changes nothing in the database, so it needs no transaction of its
 * own: records queue here and one writer thread commits whatever has accumulated (up to {@link #MAX_BATCH}) to the
 * audit outbox in one transaction. Each caller's future completes only once its record is durable, so no decision
 * is answered unrecorded; if the write fails the future fails and the decision is not given (fail closed).
 */
@ApplicationScoped
public class DecisionRecorder {

    private static final Logger LOG = Logger.getLogger(DecisionRecorder.class);
    static final int MAX_BATCH = 500;

    private record Pending(AuditEvent event, CompletableFuture<Void> durable) {
    }

    private final AuditOutbox outbox;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(50_000);
    private volatile boolean running;
    private Thread writer;

    public DecisionRecorder(AuditOutbox outbox) {
        this.outbox = outbox;
    }

    void start(@Observes StartupEvent event) {
        running = true;
        writer = new Thread(this::writeLoop, "decision-recorder");
        writer.setDaemon(true);
        writer.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** Completes when the record is committed; fails when it cannot be (then the decision must not be given). */
    public CompletableFuture<Void> record(AuditEvent event) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(event, durable))) {
            durable.completeExceptionally(new IllegalStateException("decision records cannot be written now"));
        }
        return durable;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                QuarkusTransaction.requiringNew().run(() -> outbox.recordAll(batch.stream().map(Pending::event).toList()));
                batch.forEach(p -> p.durable().complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf("could not record %d decisions, refusing them: %s", batch.size(), e.getMessage());
                batch.forEach(p -> p.durable().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }
}
