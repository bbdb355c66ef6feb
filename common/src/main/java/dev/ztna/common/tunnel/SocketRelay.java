package dev.ztna.common.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays raw bytes between two sockets, one blocking thread per direction: each read is written on at once, so the
 * kernel's socket buffers do the flow control (a slow reader stops the far writer). EOF in one direction is passed on
 * as a half-close; both sockets close when both directions ended, or at once on any error or {@link #close()}.
 * Plain Java only: used by the broker's data channel and shaded into the CLI and the connector.
 */
public final class SocketRelay {

    static final int BUFFER = 128 * 1024;

    /** Told of every chunk relayed: whether it went from {@code a} to {@code b}, and its size. */
    public interface Counter {
        void carried(boolean aToB, int bytes);
    }

    private final Socket a;
    private final Socket b;
    private final Counter counter;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger directionsDone = new AtomicInteger();

    public SocketRelay(Socket a, Socket b, Counter counter, Runnable onClose) {
        this.a = a;
        this.b = b;
        this.counter = counter;
        this.onClose = onClose;
    }

    public void start(Executor threads) {
        threads.execute(() -> pump(a, b, true));
        threads.execute(() -> pump(b, a, false));
    }

    /** Ends both connections now (a cut); idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(a);
            closeQuietly(b);
            onClose.run();
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void pump(Socket from, Socket to, boolean aToB) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (n > 0) {
                    out.write(buffer, 0, n);
                    counter.carried(aToB, n);
                }
            }
            if (!to.isClosed() && !to.isOutputShutdown()) {
                to.shutdownOutput();
            }
            if (directionsDone.incrementAndGet() == 2) {
                close();
            }
        } catch (IOException e) {
            close();
        }
    }

    /** Closes a socket whatever state it is in (a connection being given up). */
    public static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
