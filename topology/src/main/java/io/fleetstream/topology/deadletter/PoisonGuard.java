package io.fleetstream.topology.deadletter;

import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A processing stage that dead-letters the event its processor throws on, with the event's raw-topic bytes, and goes
 * on with the next, instead of failing the task (which Kafka Streams would do, and the same record would fail it
 * again after every restart). What is not the record's fault ({@link DeadLetterStage#isTheRecordsFault}) still fails
 * the task.
 *
 * <p>Why not Kafka Streams' own {@code processing.exception.handler} (KIP-1033): in Kafka 4.1 it can only log and
 * continue or fail; it cannot write a record, so a dead letter would need a producer of its own, outside the task's
 * transaction (under exactly-once, a crash would then lose or duplicate dead letters against the input's offset).
 * Writing dead letters from KIP-1034's handler response comes with Kafka 4.2. Forwarding to the dead-letter sink from
 * the stage puts the dead letter in the same transaction as everything else the record wrote.
 *
 * <p>Each stage is guarded on its own: an event one stage throws on is still routed, kept in history and applied by
 * the other stages, and its dead letter names the stage that failed. A guarded processor must compute everything that
 * can throw on the event before its first store write for it, so that a failure leaves its stores as they were (a
 * half-applied event cannot be taken back: Kafka Streams has no rollback short of failing the task).
 */
public final class PoisonGuard<KOut, VOut> implements Processor<String, ReceivedEvent, KOut, VOut> {

    private final Processor<String, ReceivedEvent, KOut, VOut> processor;
    private final DeadLetterStage stage;
    private ProcessorContext<KOut, VOut> context;

    public PoisonGuard(DeadLetterStage stage, Processor<String, ReceivedEvent, KOut, VOut> processor) {
        this.stage = stage;
        this.processor = processor;
    }

    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
        this.context = context;
        processor.init(context);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        try {
            processor.process(record);
        } catch (RuntimeException e) {
            if (!DeadLetterStage.isTheRecordsFault(e)) {
                throw e;
            }
            stage.deadLetter(context, record, record.value().wireFormat(), PoisonKind.of(e), stage.processingFailed(e), e);
        }
    }

    @Override
    public void close() {
        processor.close();
    }
}
