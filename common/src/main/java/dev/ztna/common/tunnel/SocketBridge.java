package dev.ztna.common.tunnel;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Joins a local TCP socket to a client gRPC stream (used by the `ztna` CLI and the connector, which carry no Quarkus).
 * <ul>
 *   <li>socket → stream: a reader thread sends a frame only while the stream is ready, so a fast socket never
 *       outruns the network;</li>
 *   <li>stream → socket: frames are requested one at a time ({@link #CREDIT} ahead) and written by a writer thread,
 *       so a slow socket slows the far sender through gRPC flow control — and the gRPC callback thread never
 *       blocks, which keeps onReady signals prompt.</li>
 * </ul>
 * Plain Java only: this class is shaded into the CLI and the connector.
 */
public final class SocketBridge<Q> {

    static final int FRAME = 64 * 1024;
    /** Inbound frames requested ahead of the socket writer. */
    static final int CREDIT = 4;
    private static final ByteString EOF = ByteString.copyFromUtf8("EOF-MARKER");
    private static final ByteString FINISH = ByteString.copyFromUtf8("FINISH-MARKER");

    private final Socket socket;
    private final Function<ByteString, Q> dataFrame;
    private final Object ready = new Object();
    private final BlockingQueue<ByteString> toSocket = new LinkedBlockingQueue<>();
    private volatile ClientCallStreamObserver<Q> out;
    private volatile boolean closed;

    public SocketBridge(Socket socket, Function<ByteString, Q> dataFrame) {
        this.socket = socket;
        this.dataFrame = dataFrame;
    }

    /**
     * The observer to open the gRPC stream with: binds this bridge to the request side and feeds it the responses.
     * {@code onError} hears abnormal ends (the socket is closed right away); a normal end closes the socket once
     * everything received has been written.
     */
    public <R> ClientResponseObserver<Q, R> responses(Function<R, ByteString> data, Predicate<R> eof,
                                                      Consumer<Throwable> onError) {
        return new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
                bind(requestStream);
            }

            @Override
            public void onNext(R response) {
                if (eof.test(response)) {
                    farEof();
                } else {
                    write(data.apply(response));
                }
            }

            @Override
            public void onError(Throwable t) {
                onError.accept(t);
                close();
            }

            @Override
            public void onCompleted() {
                finish();
            }
        };
    }

    private void bind(ClientCallStreamObserver<Q> requestStream) {
        this.out = requestStream;
        requestStream.disableAutoRequestWithInitial(CREDIT);
        requestStream.setOnReadyHandler(this::onReady);
    }

    /** Starts both pumps; call after the first (open) frame was sent. */
    public void start(java.util.concurrent.Executor threads) {
        threads.execute(this::writeLoop);
        threads.execute(this::readLoop);
    }

    /** A data frame from the stream (gRPC callback thread: never blocks). */
    private void write(ByteString data) {
        toSocket.add(data);
    }

    /** The far side finished sending. */
    private void farEof() {
        toSocket.add(EOF);
    }

    /** The stream ended normally: close the socket once every frame received before has been written. */
    private void finish() {
        toSocket.add(FINISH);
    }

    /** Abort: close the socket now, dropping anything not yet written. */
    public void close() {
        closed = true;
        toSocket.add(EOF);
        synchronized (ready) {
            ready.notifyAll();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void readLoop() {
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
            fail();
        }
    }

    private void writeLoop() {
        try {
            OutputStream os = socket.getOutputStream();
            while (true) {
                ByteString data = toSocket.take();
                if (closed) {
                    return;
                }
                if (data == FINISH) {
                    close();
                    return;
                }
                if (data == EOF) {
                    if (!socket.isOutputShutdown()) {
                        socket.shutdownOutput();
                    }
                    continue;
                }
                data.writeTo(os);
                os.flush();
                out.request(1);
            }
        } catch (IOException e) {
            fail();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail() {
        if (!closed) {
            out.onError(Status.CANCELLED.withDescription("local connection failed").asRuntimeException());
            close();
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
