package io.fleetstream.topology.query;

import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceQueryTest {

    private static DeviceState device(ConnectivityStatus status, boolean online) {
        return DeviceState.newBuilder().setEndpointId(1).setStatus(status).setOnline(online).build();
    }

    @Test
    void statusesAndPresenceFilterTogether() {
        DeviceQuery query = DeviceQuery.parse(new RequestParameters(Map.of("status", List.of("attached,ONLINE"),
                "online", List.of("true"))));
        assertThat(query.matches(device(ConnectivityStatus.ATTACHED, true))).isTrue();
        assertThat(query.matches(device(ConnectivityStatus.ONLINE, true))).isTrue();
        assertThat(query.matches(device(ConnectivityStatus.ATTACHED, false))).isFalse();
        assertThat(query.matches(device(ConnectivityStatus.OFFLINE, true))).isFalse();
        assertThat(DeviceQuery.parse(new RequestParameters(Map.of())).matches(device(ConnectivityStatus.UNKNOWN, false)))
                .isTrue();
    }

    @Test
    void theCursorCarriesTheLastKeyAndRefusesAnythingElse() {
        String cursor = DeviceQuery.encodeCursor("12345");
        assertThat(cursor).doesNotContain("12345");
        assertThat(DeviceQuery.parse(new RequestParameters(Map.of("cursor", List.of(cursor)))).after()).isEqualTo("12345");

        for (String bad : List.of("12345", "!!!", DeviceQuery.encodeCursor("org-5"), DeviceQuery.encodeCursor(""))) {
            assertThatThrownBy(() -> DeviceQuery.parse(new RequestParameters(Map.of("cursor", List.of(bad)))))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.parameter()).isEqualTo("cursor"))
                    .hasMessageContaining("next_cursor");
        }
    }

    @Test
    void limitAndStatusAreChecked() {
        assertThat(DeviceQuery.parse(new RequestParameters(Map.of())).limit()).isEqualTo(100);
        assertThatThrownBy(() -> DeviceQuery.parse(new RequestParameters(Map.of("limit", List.of("0")))))
                .hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> DeviceQuery.parse(new RequestParameters(Map.of("status", List.of("ASLEEP")))))
                .hasMessageContaining("UNKNOWN, ATTACHED, ONLINE, OFFLINE, BLOCKED");
    }
}
