package io.fleetstream.topology.quota;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service profile named in an event description. Quota management events (52-55) carry no
 * detail: the description is the only place that says which profile changed, as in "Data quota
 * management enabled for service profile (id = 99133 - Generic Service Profile), endpoints of this
 * service profile without an active data quota will be throttled or blocked from data service."
 *
 * @param id   the service profile id
 * @param name its name, null when the description gives none
 */
public record ServiceProfileReference(long id, String name) {

    // the name ends at the ')' that closes the reference, so a name may itself hold parentheses
    private static final Pattern REFERENCE = Pattern.compile(
            "service profile[^(]*\\(\\s*id\\s*[=:]\\s*(\\d{1,18})(?:\\s*-\\s*(.*?))?\\s*\\)(?=[\\s,.;]|$)",
            Pattern.CASE_INSENSITIVE);

    /** The first service profile the description names, if any. */
    public static Optional<ServiceProfileReference> in(String description) {
        if (description == null) {
            return Optional.empty();
        }
        Matcher m = REFERENCE.matcher(description);
        if (!m.find()) {
            return Optional.empty();
        }
        String name = m.group(2) == null || m.group(2).isBlank() ? null : m.group(2).strip();
        return Optional.of(new ServiceProfileReference(Long.parseLong(m.group(1)), name));
    }
}
