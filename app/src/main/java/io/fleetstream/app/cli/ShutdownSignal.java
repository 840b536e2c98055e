package io.fleetstream.app.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM/Ctrl-C into an orderly stop: the JVM's shutdown hook wakes the command's main
 * thread and then waits (bounded) until the command has closed everything. Without the wait the JVM
 * halts as soon as the hook returns, and Kafka Streams never leaves its group or commits, which
 * makes the next start wait out the session timeout.
 */
final class ShutdownSignal {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signal.requested.countDown();
            try {
                signal.closed.await(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fleetstream-shutdown"));
        return signal;
    }

    /** Blocks until a stop is requested. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** Blocks until a stop is requested or the timeout passes; true when a stop was requested. */
    boolean await(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The command has closed everything; the JVM may exit. */
    void closed() {
        closed.countDown();
    }
}
