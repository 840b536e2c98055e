package io.fleetstream.topology.query;

import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.IncidentKind;
import io.fleetstream.http.HttpEdge;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A carrier-incident request: the range {@code [from, until)} (ISO-8601; by default the last {@link #DEFAULT_RANGE}
 * up to now), of positive length, and optionally the kind of group ({@code operator} or {@code country}). An incident
 * matches when it overlaps the range: opened before {@code until}, and open still or resolved at or after
 * {@code from}.
 */
public record IncidentQuery(Instant from, Instant until, Optional<IncidentKind> kind) {

    public static final Duration DEFAULT_RANGE = Duration.ofHours(24);
    public static final Set<String> PARAMETERS = Set.of("from", "until", "kind");

    public IncidentQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(kind, "kind");
    }

    public static IncidentQuery parse(RequestParameters parameters, Instant now) {
        parameters.acceptOnly(PARAMETERS);
        Optional<Instant> givenFrom = parameters.instant("from").map(t -> t.truncatedTo(ChronoUnit.MILLIS));
        Instant until = parameters.instant("until").map(t -> t.truncatedTo(ChronoUnit.MILLIS))
                .orElse(now.truncatedTo(ChronoUnit.MILLIS));
        Instant from = givenFrom.orElse(until.minus(DEFAULT_RANGE));
        if (!from.isBefore(until)) {
            throw new BadRequestException("from", "from " + from + " is not before until " + until
                    + ": give a range of positive length");
        }
        Optional<IncidentKind> kind = parameters.single("kind").map(IncidentQuery::kind);
        return new IncidentQuery(from, until, kind);
    }

    boolean matches(FleetIncident incident) {
        return incident.getOpenedAt().isBefore(until)
                && (incident.getResolvedAt() == null || !incident.getResolvedAt().isBefore(from))
                && kind.map(k -> k == incident.getKind()).orElse(true);
    }

    /** The same question with the range spelled out, as instances gathering the answer ask each other. */
    String pathAndQuery(String path) {
        StringBuilder s = new StringBuilder(path).append("?from=").append(encode(from.toString()))
                .append("&until=").append(encode(until.toString()));
        kind.ifPresent(k -> s.append("&kind=").append(k.name().toLowerCase(Locale.ROOT)));
        return s.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static IncidentKind kind(String value) {
        for (IncidentKind k : IncidentKind.values()) {
            if (k.name().equalsIgnoreCase(value)) {
                return k;
            }
        }
        throw new BadRequestException("kind", "kind " + HttpEdge.quote(value) + " is not a kind of incident: give "
                + "operator or country");
    }
}
