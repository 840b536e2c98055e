package io.fleetstream.app.simulate;

import java.util.SplittableRandom;

/**
 * emnify event ids as one Data Streamer would deliver them for a slice of a much larger platform:
 * unique, increasing, with gaps (other customers' events take the ids in between), starting from a
 * seed-dependent base around 1e12.
 */
final class EventIdSequence {

    private static final long BASE = 1_000_000_000_000L;
    private static final long BASE_SPREAD = 100_000_000_000L;
    private static final int MAX_GAP = 16;

    private final SplittableRandom random;
    private long last;

    EventIdSequence(SplittableRandom random) {
        this.random = random;
        this.last = BASE + random.nextLong(BASE_SPREAD);
    }

    long next() {
        last += 1 + random.nextInt(MAX_GAP);
        return last;
    }
}
