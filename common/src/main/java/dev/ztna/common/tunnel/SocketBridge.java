package dev.ztna.common.tunnel;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.Function;

/**
 * Joins a local TCP socket to the request side of a client gRPC stream (used by the `ztna` CLI and the connector,
 * which carry no Quarkus). Reading waits while the stream is not ready, so a fast socket never outruns the network;
 * writing blocks the gRPC callback, so a slow socket slows the sender through gRPC's flow control.
 * Plain Java only: this class is shaded into the CLI and the connector.
 */
public final class SocketBridge<Q> implements Runnable {

    static final int FRAME = 64 * 1024;

    private final Socket socket;
    private final Function<ByteString, Q> dataFrame;
    private final Object ready = new Object();
    private volatile ClientCallStreamObserver<Q> out;
    private volatile boolean closed;

    public SocketBridge(Socket socket, Function<ByteString, Q> dataFrame) {
        this.socket = socket;
        this.dataFrame = dataFrame;
    }

    /** Call from {@code ClientResponseObserver.beforeStart}. */
    public void bind(ClientCallStreamObserver<Q> requestStream) {
        this.out = requestStream;
        requestStream.setOnReadyHandler(this::onReady);
    }

    /** Socket → stream; run on its own thread after the first (open) frame was sent. Ends with a half-close. */
    @Override
    public void run() {
        byte[] buffer = new byte[FRAME];
        try {
            InputStream in = socket.getInputStream();
            while (!closed) {
                int n = in.read(buffer);
                if (!awaitReady()) {
                    return;
                }
                if (n < 0) {
                    out.onCompleted();
                    return;
                }
                out.onNext(dataFrame.apply(ByteString.copyFrom(buffer, 0, n)));
            }
        } catch (IOException e) {
            if (!closed) {
                out.onError(Status.CANCELLED.withDescription("local connection failed").asRuntimeException());
                close();
            }
        }
    }

    /** Stream → socket. */
    public void write(ByteString data) {
        try {
            OutputStream os = socket.getOutputStream();
            data.writeTo(os);
            os.flush();
        } catch (IOException e) {
            out.onError(Status.CANCELLED.withDescription("local connection failed").asRuntimeException());
            close();
        }
    }

    /** The far side finished sending. */
    public void farEof() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            close();
        }
    }

    public void close() {
        closed = true;
        synchronized (ready) {
            ready.notifyAll();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void onReady() {
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    private boolean awaitReady() {
        synchronized (ready) {
            while (!closed && !out.isReady()) {
                try {
                    ready.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !closed;
    }
}
