package io.fleetstream.topology.deadletter;

import io.fleetstream.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterStageTest {

    private static final SchemaRegistryException UNREACHABLE = new SchemaRegistryException(0, 0,
            "schema registry http://registry:8081 is unreachable", null);

    @Test
    void whatTheCodeOrTheRecordThrowsIsTheRecordsFault() {
        assertThat(DeadLetterStage.isTheRecordsFault(new ArithmeticException("long overflow"))).isTrue();
        assertThat(DeadLetterStage.isTheRecordsFault(new NullPointerException())).isTrue();
        assertThat(DeadLetterStage.isTheRecordsFault(new SerializationException("cannot write the state",
                new ArithmeticException("long overflow")))).isTrue();
    }

    @Test
    void kafkaStreamsTheClientsAndTheRegistryAreNotTheRecordsFault() {
        assertThat(DeadLetterStage.isTheRecordsFault(new TaskMigratedException("migrated"))).isFalse();
        assertThat(DeadLetterStage.isTheRecordsFault(new ProcessorStateException("disk full"))).isFalse();
        assertThat(DeadLetterStage.isTheRecordsFault(new ProducerFencedException("fenced"))).isFalse();
        assertThat(DeadLetterStage.isTheRecordsFault(UNREACHABLE)).isFalse();
        assertThat(DeadLetterStage.isTheRecordsFault(new SerializationException("cannot write", UNREACHABLE))).isFalse();
        assertThat(DeadLetterStage.isTheRecordsFault(new IllegalStateException("wrapped",
                new StreamsException("send failed")))).isFalse();
    }

    @Test
    void aReasonNamesTheExceptionAndItsCausesAndIsCut() {
        String reason = DeadLetterStage.describe(new SerializationException("cannot write the state",
                new ArithmeticException("long overflow")));
        assertThat(reason).isEqualTo("org.apache.kafka.common.errors.SerializationException: cannot write the state; "
                + "caused by java.lang.ArithmeticException: long overflow");
        String longReason = DeadLetterStage.describe(new IllegalArgumentException("x".repeat(10_000)));
        assertThat(longReason).hasSizeLessThan(DeadLetterStage.MAX_REASON_CHARS + 100).endsWith("more characters in the log)");
    }
}
