package dev.ztna.common.tunnel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data channel's greeting, and the relay over real loopback sockets (bytes, half-close, counting, cut). */
class DataChannelTest {

    @Test
    void aGreetingIsReadBackAndAnythingElseIsRefused() throws IOException {
        byte[] ticket = new byte[32];
        new Random(1).nextBytes(ticket);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataChannel.writeHello(out, DataChannel.USER, ticket);
        assertEquals(38, out.size());
        DataChannel.Hello hello = DataChannel.readHello(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(DataChannel.USER, hello.side());
        assertArrayEquals(ticket, hello.ticket());

        byte[] good = out.toByteArray();
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 'X';
        byte[] wrongSide = good.clone();
        wrongSide[5] = 'Q';
        for (byte[] bad : new byte[][]{wrongMagic, wrongSide, Arrays.copyOf(good, 20), new byte[0],
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3).getBytes(StandardCharsets.US_ASCII)}) {
            assertThrows(IOException.class, () -> DataChannel.readHello(new ByteArrayInputStream(bad)));
        }
        assertThrows(IllegalArgumentException.class, () -> DataChannel.writeHello(new ByteArrayOutputStream(),
                DataChannel.CONNECTOR, new byte[31]));
    }

    @Test
    void theRelayCarriesBothWaysPassesHalfCloseOnAndCountsEveryByte() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket front = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            threads.execute(() -> { // an echo app: copies until EOF, then half-closes back
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                    s.shutdownOutput();
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // test ends
                }
            });
            AtomicLong up = new AtomicLong();
            AtomicLong down = new AtomicLong();
            CountDownLatch closed = new CountDownLatch(1);
            CompletableFuture<SocketRelay> relay = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket user = front.accept();
                    Socket app = new Socket(InetAddress.getLoopbackAddress(), echo.getLocalPort());
                    SocketRelay r = new SocketRelay(user, app, (aToB, n) -> (aToB ? up : down).addAndGet(n), closed::countDown);
                    r.start(threads);
                    return r;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            byte[] payload = new byte[3 * SocketRelay.BUFFER + 12345];
            new Random(2).nextBytes(payload);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front.getLocalPort())) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream o = client.getOutputStream();
                        o.write(payload);
                        client.shutdownOutput(); // EOF travels through the relay to the app
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads);
                InputStream in = client.getInputStream();
                byte[] back = in.readAllBytes(); // ends only because the app's half-close came back too
                writer.get(30, TimeUnit.SECONDS);
                assertArrayEquals(payload, back);
            }
            assertTrue(closed.await(30, TimeUnit.SECONDS), "both directions ended: the relay closed");
            assertTrue(relay.get().isClosed());
            assertEquals(payload.length, up.get());
            assertEquals(payload.length, down.get());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aCutClosesBothSockets() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (ServerSocket app = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket front = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), front.getLocalPort())) {
            Socket user = front.accept();
            Socket toApp = new Socket(InetAddress.getLoopbackAddress(), app.getLocalPort());
            Socket appSide = app.accept();
            SocketRelay relay = new SocketRelay(user, toApp, (aToB, n) -> { }, () -> { });
            relay.start(threads);
            client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            assertEquals('h', appSide.getInputStream().read());
            relay.close();
            client.setSoTimeout(10_000);
            appSide.setSoTimeout(10_000);
            assertEquals(-1, readOrEof(client.getInputStream()));
            assertEquals('i', appSide.getInputStream().read());
            assertEquals(-1, readOrEof(appSide.getInputStream()));
            appSide.close();
        } finally {
            threads.shutdownNow();
        }
    }

    private static int readOrEof(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }
}
