package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.EmnifyEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.IngestSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook's and the poller's input path under generated input: the batch parser, then the event reader on every
 * element it accepts. The contract: every input either parses or is refused with a reason
 * ({@link MalformedBatchException}, {@link ReadResult.Rejected}); nothing else is ever thrown. A short run is part of
 * the normal suite (jqwik's default tries); the {@code slow} Maven profile runs the same properties with many more
 * ({@code jqwik.tries.default}).
 *
 * <p>Three kinds of input: bytes of any kind; the real emnify example payloads mutated (bytes flipped, cut,
 * repeated, spliced from another example, a field replaced), which reaches far deeper into the reader than random
 * bytes; and JSON trees built from the event's own field names with values of any type.
 */
@Tag("fuzz")
class IngestInputFuzzTest {

    private static final List<String> EXAMPLES = Examples.names();
    private static final List<byte[]> EXAMPLE_BYTES = EXAMPLES.stream().map(Examples::bytes).toList();
    /** Every field name the examples use, at any depth: what a generated tree is made of. */
    private static final List<String> FIELD_NAMES = fieldNames();
    private static final Instant RECEIVED = Instant.parse("2026-12-02T00:00:00Z");

    private final EmnifyBatchParser parser = new EmnifyBatchParser();
    private final EmnifyEventReader reader = new EmnifyEventReader();

    /** What the fuzzer found (each threw before the fix), kept as examples. */
    @net.jqwik.api.Example
    void inputsTheFuzzerFoundAreRefusedOrReadWithAReason() throws Exception {
        // four bytes Jackson takes for UCS-4 in an unsupported byte order: a CharConversionException
        assertThatRefused(new byte[]{0, 0, (byte) 0xFF, (byte) 0xFE, 0, 0, 0, '['});
        assertThatRefused(new byte[]{0x3C, 0, 0, 0x3C, 0x3C});
        // a number no BigDecimal holds: NumberFormatException from Jackson
        assertThatRefused("[{\"id\": 1, \"volume\": 1071711e4005568978}]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // a double that is not finite where text belongs, and a number with a huge exponent where text belongs
        ObjectNode event = (ObjectNode) Examples.json(EXAMPLES.get(0)).deepCopy();
        ((ObjectNode) event.path("event_type")).put("description", Double.POSITIVE_INFINITY);
        read(event);
        ObjectNode huge = (ObjectNode) Examples.json(EXAMPLES.get(0)).deepCopy();
        huge.put("description", new java.math.BigDecimal("1e999999999"));
        read(huge);
        ReadResult<EmnifyEvent> result = reader.read(huge, IngestSource.STREAMER, RECEIVED);
        if (result instanceof ReadResult.Accepted<EmnifyEvent> accepted && accepted.record().getDescription() != null) {
            assertThat(accepted.record().getDescription().length()).isLessThan(100);
        }
    }

    private void assertThatRefused(byte[] body) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parser.parse(body))
                .isInstanceOf(MalformedBatchException.class).hasMessageContaining("body");
    }

    @Property
    void anyBytesParseOrAreRefusedWithAReason(@ForAll byte[] body) {
        parseAndRead(body);
    }

    @Property
    void mutatedExamplePayloadsParseOrAreRefusedWithAReason(@ForAll("mutatedExamples") byte[] body) {
        parseAndRead(body);
    }

    @Property
    void eventsOfAnyShapeAreReadOrRejectedWithAReason(@ForAll("eventTrees") JsonNode event) {
        read(event);
    }

    private void parseAndRead(byte[] body) {
        List<RawEvent> events;
        try {
            events = parser.parse(body);
        } catch (MalformedBatchException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(refused.kind()).isNotNull();
            return;
        }
        assertThat(events.size()).isLessThanOrEqualTo(parser.maxEvents());
        for (RawEvent event : events) {
            assertThat(event.original()).isNotEmpty();
            read(event.json());
        }
    }

    private void read(JsonNode json) {
        ReadResult<EmnifyEvent> result = reader.read(json, IngestSource.STREAMER, RECEIVED);
        if (result instanceof ReadResult.Rejected<EmnifyEvent> rejected) {
            assertThat(rejected.reason()).isNotBlank();
        } else {
            assertThat(((ReadResult.Accepted<EmnifyEvent>) result).record().getId()).isNotNull();
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedExamples() {
        return Arbitraries.longs().map(seed -> mutate(new SplittableRandom(seed)));
    }

    /** An example payload, or a batch of them, with one to four mutations. */
    static byte[] mutate(SplittableRandom random) {
        byte[] body = random.nextInt(4) == 0 ? batchOf(random) : EXAMPLE_BYTES.get(random.nextInt(EXAMPLE_BYTES.size())).clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && body.length > 0; m++) {
            int at = random.nextInt(body.length);
            body = switch (random.nextInt(7)) {
                case 0 -> { // flip a byte to anything, NUL and invalid UTF-8 included
                    body[at] = (byte) random.nextInt(256);
                    yield body;
                }
                case 1 -> cut(body, at, Math.min(body.length - at, 1 + random.nextInt(16)));
                case 2 -> insert(body, at, slice(body, random)); // a run of itself repeated
                case 3 -> insert(body, at, slice(EXAMPLE_BYTES.get(random.nextInt(EXAMPLE_BYTES.size())), random));
                case 4 -> java.util.Arrays.copyOf(body, at); // truncated
                case 5 -> insert(body, at, TOKENS[random.nextInt(TOKENS.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                default -> { // a structural character where there was another
                    body[at] = (byte) "{}[],:\"\\".charAt(random.nextInt(8));
                    yield body;
                }
            };
        }
        return body;
    }

    /** Fragments that reach the parser's and the reader's edges: numbers, escapes, deep nesting, odd literals. */
    private static final String[] TOKENS = {"null", "true", "-0", "1e400", "-9223372036854775809", "18446744073709551616",
            "0.0000001", "\"\\u0000\"", "\"\\ud800\"", "\"\\uDFFF\\uD800\"", "[[[[[[[[[[[[[[[[", "]]]]]]]]", "{\"id\":",
            "\"2024-02-30T25:61:61Z\"", "\"\"", "NaN", "Infinity", "\u00ff\u00fe", "\"id\":1,\"id\":2", "/*x*/", "'x'"};

    private static byte[] batchOf(SplittableRandom random) {
        StringBuilder batch = new StringBuilder("[");
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                batch.append(',');
            }
            batch.append(new String(EXAMPLE_BYTES.get(random.nextInt(EXAMPLE_BYTES.size())), java.nio.charset.StandardCharsets.UTF_8));
        }
        return batch.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] slice(byte[] from, SplittableRandom random) {
        if (from.length == 0) {
            return from;
        }
        int start = random.nextInt(from.length);
        int length = Math.min(from.length - start, 1 + random.nextInt(64));
        return java.util.Arrays.copyOfRange(from, start, start + length);
    }

    private static byte[] cut(byte[] body, int at, int length) {
        byte[] out = new byte[body.length - length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(body, at + length, out, at, body.length - at - length);
        return out;
    }

    private static byte[] insert(byte[] body, int at, byte[] what) {
        byte[] out = new byte[body.length + what.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(body, at, out, at + what.length, body.length - at);
        return out;
    }

    @Provide
    Arbitrary<JsonNode> eventTrees() {
        return Arbitraries.longs().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            // often an example with some fields replaced, sometimes a tree made up from scratch
            if (random.nextBoolean()) {
                JsonNode example = Examples.json(EXAMPLES.get(random.nextInt(EXAMPLES.size())));
                JsonNode first = example.isArray() ? example.get(0) : example;
                if (!(first instanceof ObjectNode original)) {
                    return object(random, 0);
                }
                ObjectNode event = original.deepCopy();
                int changes = 1 + random.nextInt(4);
                for (int i = 0; i < changes; i++) {
                    replaceSomewhere(event, random);
                }
                return event;
            }
            return object(random, 0);
        });
    }

    private static void replaceSomewhere(ObjectNode node, SplittableRandom random) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() || random.nextInt(5) == 0 ? FIELD_NAMES.get(random.nextInt(FIELD_NAMES.size()))
                : names.get(random.nextInt(names.size()));
        JsonNode current = node.get(name);
        if (current instanceof ObjectNode child && random.nextBoolean()) {
            replaceSomewhere(child, random);
        } else if (random.nextInt(6) == 0) {
            node.remove(name);
        } else {
            node.set(name, value(random, 1));
        }
    }

    private static ObjectNode object(SplittableRandom random, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        int fields = random.nextInt(depth == 0 ? 12 : 5);
        for (int i = 0; i < fields; i++) {
            node.set(FIELD_NAMES.get(random.nextInt(FIELD_NAMES.size())), value(random, depth + 1));
        }
        return node;
    }

    private static JsonNode value(SplittableRandom random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(depth > 3 ? 9 : 11)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.numberNode(random.nextInt(-2, 200));
            case 4 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(-10, 310)));
            case 5 -> f.textNode(Long.toString(random.nextLong()));
            case 6 -> f.textNode(TOKENS[random.nextInt(TOKENS.length)]);
            case 7 -> f.textNode(randomText(random));
            case 8 -> f.numberNode(new java.math.BigInteger(80, new java.util.Random(random.nextLong())));
            case 9 -> object(random, depth);
            default -> {
                ArrayNode array = f.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(value(random, depth + 1));
                }
                yield array;
            }
        };
    }

    private static String randomText(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            // any code unit: unpaired surrogates and control characters included
            text.append((char) random.nextInt(random.nextBoolean() ? 128 : 65536));
        }
        return text.toString();
    }

    private static List<String> fieldNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (String example : EXAMPLES) {
            collect(Examples.json(example), names);
        }
        return List.copyOf(names);
    }

    private static void collect(JsonNode node, java.util.Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                names.add(e.getKey());
                collect(e.getValue(), names);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, names));
        }
    }
}
