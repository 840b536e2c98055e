package io.fleetstream.schemas.emnify;

import io.fleetstream.schemas.emnify.MalformedBatchException.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

class EmnifyBatchParserTest {

    private final EmnifyBatchParser parser = new EmnifyBatchParser();

    @Test
    void splitsAnArrayIntoItsEventsInOrder() throws Exception {
        List<RawEvent> events = parser.parse(utf8("[{\"id\":1},{\"id\":2},{\"id\":3}]"));

        assertThat(events).extracting(event -> event.json().get("id").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void anEventWithAStringOverTwentyMegabytesIsParsedSoItCanBeDeadLetteredAlone() throws Exception {
        String description = "d".repeat(21 * 1024 * 1024);

        List<RawEvent> events = parser.parse(utf8("[{\"id\":1,\"description\":\"" + description + "\"},{\"id\":2}]"));

        assertThat(events).hasSize(2);
        assertThat(events.get(0).json().get("description").textValue()).hasSize(description.length());
    }

    @Test
    void aSingleEventObjectIsABatchOfOne() throws Exception {
        byte[] body = Examples.bytes("004-1-update-location-docs.json");

        List<RawEvent> events = parser.parse(body);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).json().get("id").asLong()).isEqualTo(176777623L);
        assertThat(new String(events.get(0).original(), UTF_8)).isEqualTo(new String(body, UTF_8).strip());
    }

    @Test
    void anEmptyArrayIsAnEmptyBatch() throws Exception {
        assertThat(parser.parse(utf8(" [ ] "))).isEmpty();
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertMalformed(new byte[0], Kind.EMPTY, "body is empty");
        assertMalformed(utf8(" \n\t "), Kind.EMPTY, "body is empty");
    }

    @Test
    void bodyThatIsNotJsonIsRefusedWithLineAndColumn() {
        assertMalformed(utf8("[{\"id\": 1, \"x\": 2}, x]"), Kind.NOT_JSON,
                "body is not JSON: unrecognized token 'x'");
        assertMalformed(utf8("[{\"id\": 1,\n  x: 2}]"), Kind.NOT_JSON,
                "body is not JSON: unexpected character 'x' at line 2 column 3");
        assertMalformed(utf8("[{\"id\": 1}"), Kind.NOT_JSON, "body is not JSON: unexpected end of input (an array is not closed)");
        assertMalformed(utf8("id=1&timestamp=now"), Kind.NOT_JSON, "body is not JSON: unrecognized token 'id'");
    }

    @Test
    void messageQuotesAtMostAShortPieceOfTheBody() {
        String secret = "tok_" + "a".repeat(60);

        assertThatThrownBy(() -> parser.parse(utf8("[" + secret + "]")))
                .isInstanceOf(MalformedBatchException.class)
                .message().doesNotContain(secret).contains("unrecognized token 'tok_aaaa");
    }

    @Test
    void aJsonStringIsNotABatch() {
        assertMalformed(utf8("\"hello\""), Kind.NOT_A_BATCH,
                "body is a JSON string; expected an array of events or one event object");
        assertMalformed(utf8("42"), Kind.NOT_A_BATCH, "body is a JSON number; expected an array of events or one event object");
        assertMalformed(utf8("null"), Kind.NOT_A_BATCH, "body is JSON null; expected an array of events or one event object");
    }

    @Test
    void contentAfterTheArrayIsRefused() {
        assertMalformed(utf8("[{\"id\":1}] x"), Kind.TRAILING_CONTENT, "body has content after the end of the array at line 1");
        assertMalformed(utf8("[{\"id\":1}]\n[{\"id\":2}]"), Kind.TRAILING_CONTENT,
                "body has content after the end of the array at line 2 column 1");
        assertMalformed(utf8("{\"id\":1}{\"id\":2}"), Kind.TRAILING_CONTENT, "body has content after the end of the object");
    }

    @Test
    void ndjsonIsRefusedAsTrailingContent() {
        assertMalformed(utf8("{\"id\":1}\n{\"id\":2}\n"), Kind.TRAILING_CONTENT, "after the end of the object at line 2 column 1");
    }

    @Test
    void moreThanTenThousandEventsIsRefusedWithTheCount() {
        assertMalformed(arrayOf(10_001), Kind.TOO_MANY_EVENTS,
                "batch has 10001 events; the Data Streamer sends at most 10000");
    }

    @Test
    void exactlyTenThousandEventsIsABatch() throws Exception {
        assertThat(parser.parse(arrayOf(10_000))).hasSize(10_000);
    }

    @Test
    void theLimitIsConfigurable() throws Exception {
        EmnifyBatchParser small = new EmnifyBatchParser(3);

        assertThat(small.parse(arrayOf(3))).hasSize(3);
        assertThatThrownBy(() -> small.parse(arrayOf(4)))
                .asInstanceOf(type(MalformedBatchException.class))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_EVENTS))
                .satisfies(e -> assertThat(e.getMessage()).startsWith("batch has 4 events; this receiver accepts at most 3"));
    }

    @Test
    void eachElementKeepsItsExactOriginalBytes() throws Exception {
        String first = "{ \"id\" : 1,\n    \"description\": \"Zürich \\u00fc 😀\\n\\\"quoted\\\"\" }";
        String second = "{\"id\":2,\"detail\":{\"a\":[1, 2.50,\t\"x\"]}}";
        String third = "{\"id\":3, \"description\":\"ünïcödé ✓\"}";
        String body = "[\n  " + first + " ,\r\n" + second + ",\t" + third + "\n]\n";

        List<RawEvent> events = parser.parse(utf8(body));

        assertThat(events).extracting(event -> new String(event.original(), UTF_8)).containsExactly(first, second, third);
        assertThat(events.get(0).json().get("description").asText()).isEqualTo("Zürich ü 😀\n\"quoted\"");
    }

    @Test
    void elementsThatAreNotObjectsAreReturnedForTheReaderToReject() throws Exception {
        List<RawEvent> events = parser.parse(utf8("[42, {\"id\":1}, \"text\", null, [1,2], -1.5e3]"));

        assertThat(events).extracting(event -> new String(event.original(), UTF_8))
                .containsExactly("42", "{\"id\":1}", "\"text\"", "null", "[1,2]", "-1.5e3");
        assertThat(events.get(0).json().isNumber()).isTrue();
        assertThat(events.get(3).json().isNull()).isTrue();
    }

    @Test
    void aByteOrderMarkDoesNotShiftTheOriginalBytes() throws Exception {
        byte[] json = utf8("[ {\"id\":1} ]");
        byte[] body = new byte[json.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(json, 0, body, 3, json.length);

        assertThat(new String(parser.parse(body).get(0).original(), UTF_8)).isEqualTo("{\"id\":1}");
    }

    @Test
    void aBodyInAnotherUnicodeEncodingIsRefused() {
        assertMalformed("[ {\"id\":1} ]".getBytes(StandardCharsets.UTF_16BE), Kind.NOT_JSON,
                "body is not UTF-8 encoded JSON; the Data Streamer sends UTF-8");
    }

    @Test
    void toStringShowsTheSizeButNotTheContent() throws Exception {
        RawEvent event = parser.parse(utf8("{\"detail\":{\"activation_token\":\"s3cr3t\"}}")).get(0);

        assertThat(event.toString()).doesNotContain("s3cr3t").contains("bytes");
    }

    private void assertMalformed(byte[] body, Kind kind, String message) {
        assertThatThrownBy(() -> parser.parse(body))
                .asInstanceOf(type(MalformedBatchException.class))
                .satisfies(e -> assertThat(e.kind()).isEqualTo(kind))
                .satisfies(e -> assertThat(e.getMessage()).contains(message));
    }

    private static byte[] arrayOf(int count) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append('}');
        }
        return utf8(body.append(']').toString());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
