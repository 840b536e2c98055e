package io.fleetstream.topology.query;

import io.fleetstream.http.HttpEdge;
import io.fleetstream.avro.ConnectivityStatus;
import io.fleetstream.avro.DeviceState;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A device listing request: {@code status} (one or more connectivity statuses), {@code online},
 * {@code limit} and an opaque {@code cursor} from the previous page's {@code next_cursor}.
 *
 * <p>Devices are listed in the order of their store keys (the endpoint id as text), the order every
 * partition's store can range over from a cursor without scanning what came before. The cursor
 * carries the last key served; it stays valid while devices come and go, which page numbers would
 * not.
 *
 * @param after the last key of the previous page, or null for the first page
 */
public record DeviceQuery(Set<ConnectivityStatus> statuses, Boolean online, int limit, String after) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    public static final Set<String> PARAMETERS = Set.of("status", "online", "limit", "cursor");
    private static final String CURSOR_VERSION = "d1:";

    public DeviceQuery {
        statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    }

    public static DeviceQuery parse(RequestParameters parameters) {
        parameters.acceptOnly(PARAMETERS);
        Set<ConnectivityStatus> statuses = EnumSet.noneOf(ConnectivityStatus.class);
        for (String value : parameters.list("status")) {
            try {
                statuses.add(ConnectivityStatus.valueOf(value.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("status", "status " + HttpEdge.quote(value) + " is unknown: give one or more of "
                        + Arrays.stream(ConnectivityStatus.values()).map(Enum::name).collect(Collectors.joining(", ")));
            }
        }
        Boolean online = parameters.bool("online").orElse(null);
        int limit = parameters.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String after = parameters.single("cursor").map(DeviceQuery::decodeCursor).orElse(null);
        return new DeviceQuery(statuses, online, limit, after);
    }

    public boolean matches(DeviceState state) {
        return (statuses.isEmpty() || statuses.contains(state.getStatus()))
                && (online == null || online == state.getOnline());
    }

    public static String encodeCursor(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_VERSION + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        String key = decoded.startsWith(CURSOR_VERSION) ? decoded.substring(CURSOR_VERSION.length()) : "";
        if (key.isEmpty() || !key.chars().allMatch(Character::isDigit)) {
            throw new BadRequestException("cursor", "cursor " + HttpEdge.quote(cursor) + " is not one this API handed out: "
                    + "pass next_cursor from the previous page unchanged, or leave it out for the first page");
        }
        return key;
    }
}
