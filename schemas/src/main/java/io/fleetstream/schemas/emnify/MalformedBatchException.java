package io.fleetstream.schemas.emnify;

import java.util.Objects;

/** A request body that is not a batch of emnify events; the message says what is wrong and where. */
public final class MalformedBatchException extends Exception {

    /** What is wrong with the body, so a receiver can answer with the right status. */
    public enum Kind {
        /** no bytes, or only whitespace */
        EMPTY,
        /** not parseable as JSON */
        NOT_JSON,
        /** valid JSON, but neither an array nor an object */
        NOT_A_BATCH,
        /** something follows the array or object */
        TRAILING_CONTENT,
        /** more elements than the configured limit */
        TOO_MANY_EVENTS
    }

    private final Kind kind;

    public MalformedBatchException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
