package io.fleetstream.ingest.poller;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How one attempt to fetch a page from emnify ended. Messages never contain the token or the JWT. */
public sealed interface FetchResult {

    /** The page. */
    record Fetched(EventPage page) implements FetchResult {
        public Fetched {
            Objects.requireNonNull(page, "page");
        }
    }

    /** emnify answered 429; {@code retryAfter} is its {@code Retry-After}, when it sent one. */
    record RateLimited(Optional<Duration> retryAfter) implements FetchResult {
        public RateLimited {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** A 5xx answer, a timeout or a network error: worth retrying after a backoff. */
    record Unavailable(String reason) implements FetchResult {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * emnify refused the request (the token, or a 4xx other than 429): retrying soon will not help, a person has to
     * look; {@code reason} says what to check.
     */
    record Refused(String reason) implements FetchResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
