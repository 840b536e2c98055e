package io.fleetstream.ingest.webhook;

import java.util.Objects;

/** A user name and password the Data Streamer sends as HTTP Basic authentication. */
public record BasicCredential(String username, String password) {

    public BasicCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty() || username.indexOf(':') >= 0) {
            // RFC 7617: the user-id cannot contain a colon, the first colon separates it from the password
            throw new IllegalArgumentException("the basic credential's user name must be non-empty and contain no ':'");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the basic credential's password must not be empty");
        }
    }

    /** Parses {@code user:password}, the form used in environment variables. */
    public static BasicCredential parse(String userColonPassword) {
        Objects.requireNonNull(userColonPassword, "userColonPassword");
        int colon = userColonPassword.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a basic credential is written user:password, but it has no ':'");
        }
        return new BasicCredential(userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "BasicCredential[username=" + username + ", password=***]";
    }
}
