package io.fleetstream.topology.query;

import io.fleetstream.http.CallerAuthentication;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may ask the query API. With a token, every caller must send {@code Authorization: Bearer <token>} (the
 * instances of one application send it to each other, so they must share it); without one, the query API serves
 * anyone who reaches its port ({@code topology}, where the network is the access control) or only clients on this
 * host ({@code local}). Health probes and {@code /metrics} are open either way (see {@link QueryServer}).
 *
 * @param token                    the bearer token callers must send; never printed
 * @param loopbackOnly without a token, refuse callers that are not on this host (403); with one, it is moot
 */
public record QueryAccess(Optional<String> token, boolean loopbackOnly) {

    public static final String REALM = "fleetstream query";

    public QueryAccess {
        Objects.requireNonNull(token, "token");
        if (token.isPresent() && (token.get().isBlank() || !token.get().equals(token.get().strip()))) {
            throw new IllegalArgumentException("the query token must not be blank or begin or end with white space;"
                    + " leave it unset to serve without one");
        }
    }

    /** No token: anyone who reaches the port is served (the {@code topology} role without {@code --query-token}). */
    public static QueryAccess open() {
        return new QueryAccess(Optional.empty(), false);
    }

    /** Every caller must send this bearer token. */
    public static QueryAccess token(String token) {
        return new QueryAccess(Optional.of(token), false);
    }

    /** The token if given (blank counts as none), anyone served without one. */
    public static QueryAccess ofNullable(String token) {
        return token == null || token.isBlank() ? open() : token(token.strip());
    }

    /** The same token; without one, only clients on this host are served ({@code local}). */
    public QueryAccess loopbackOnlyWithoutToken() {
        return new QueryAccess(token, true);
    }

    CallerAuthentication authentication() {
        return new CallerAuthentication(REALM, token, Optional.empty(), loopbackOnly
                ? CallerAuthentication.WithoutCredential.LOOPBACK_ONLY : CallerAuthentication.WithoutCredential.ANYONE);
    }

    /** Says whether a token is set, never what it is. */
    @Override
    public String toString() {
        return "QueryAccess[token=" + (token.isPresent() ? "***" : "none")
                + ", withoutToken=" + (loopbackOnly ? "loopback only" : "anyone") + "]";
    }
}
