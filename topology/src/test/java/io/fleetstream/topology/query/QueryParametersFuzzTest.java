package io.fleetstream.topology.query;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query API's parameter parsing under generated query strings: the event query (filters, sort, paging and the
 * {@code q} expression), the device list (status, online, limit, cursor) and path ids. Every input is either
 * understood or refused with a {@link BadRequestException} that names the parameter and says what is wrong (a 400);
 * nothing else is ever thrown (a 500). Short in the normal suite, long in the {@code slow} Maven profile.
 */
@Tag("fuzz")
class QueryParametersFuzzTest {

    /** Values that reach the parsers' edges, beside random text. */
    private static final String[] VALUES = {"", " ", "0", "-1", "1", "1000", "1001", "2147483648", "-9223372036854775808",
            "9223372036854775807", "99999999999999999999", "1e3", "0x10", "true", "FALSE", "1,2", ",", "1,,2", "info",
            "warn,critical", "network", "asc", "desc", "2024-01-31T00:00:00Z", "2024-01-31 00:00:00", "2024-13-45",
            "1706659200", "ONLINE", "ATTACHED", "d1:", "d1:abc", "d1:-5", "%00", "\u0000", "../../etc/passwd",
            "' OR 1=1 --", "<script>", "type:3", "type:3 severity:warn", "q:q:q", "from:2024-01-01 until:2023-01-01",
            "alert:true alert:false", "\ud800", "page:1", "type:"};

    @Property
    void eventQueriesAreUnderstoodOrRefusedNamingTheParameter(@ForAll("eventParameters") Map<String, List<String>> query) {
        understoodOrRefused(() -> EventQuery.parse(new RequestParameters(query)));
    }

    @Property
    void deviceListsAreUnderstoodOrRefusedNamingTheParameter(@ForAll("deviceParameters") Map<String, List<String>> query) {
        understoodOrRefused(() -> DeviceQuery.parse(new RequestParameters(query)));
    }

    /** Parses, or is refused with a message and the parameter as the client spelt it (an unknown name may be blank). */
    private static void understoodOrRefused(Runnable parse) {
        try {
            parse.run();
        } catch (BadRequestException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(refused.parameter()).isNotNull();
        }
    }

    @Property
    void pathIdsAreNumbersOrRefused(@ForAll("values") String value) {
        try {
            assertThat(RequestParameters.id("endpoint_id", value)).isNotNegative();
        } catch (BadRequestException refused) {
            assertThat(refused.getMessage()).contains("endpoint_id");
        }
    }

    @Provide
    Arbitrary<Map<String, List<String>>> eventParameters() {
        return Arbitraries.longs().map(seed -> parameters(new SplittableRandom(seed), List.copyOf(EventQuery.PARAMETERS)));
    }

    @Provide
    Arbitrary<Map<String, List<String>>> deviceParameters() {
        return Arbitraries.longs().map(seed -> parameters(new SplittableRandom(seed), List.copyOf(DeviceQuery.PARAMETERS)));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.longs().map(seed -> value(new SplittableRandom(seed)));
    }

    private static Map<String, List<String>> parameters(SplittableRandom random, List<String> known) {
        Map<String, List<String>> query = new HashMap<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            String name = random.nextInt(8) == 0 ? value(random) : known.get(random.nextInt(known.size()));
            List<String> values = new ArrayList<>();
            int repeats = random.nextInt(6) == 0 ? 2 : 1;
            for (int r = 0; r < repeats; r++) {
                values.add(value(random));
            }
            query.put(name, values);
        }
        return query;
    }

    private static String value(SplittableRandom random) {
        if (random.nextInt(3) > 0) {
            String value = VALUES[random.nextInt(VALUES.length)];
            // sometimes two of them run together, as in a q expression or a list
            return random.nextInt(4) == 0 ? value + (random.nextBoolean() ? " " : ",") + VALUES[random.nextInt(VALUES.length)] : value;
        }
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(random.nextBoolean() ? 128 : 65536));
        }
        return text.toString();
    }
}
