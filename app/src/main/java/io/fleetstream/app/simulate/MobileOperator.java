package io.fleetstream.app.simulate;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A mobile network a simulated device is attached to, in the shape emnify puts into the detail of
 * location and PDP events: emnify's operator id and name, the country, one MNC and one TAP code.
 */
public record MobileOperator(long id, String name, Country country, long mncId, String mnc, long tapcodeId,
                             String tapcode, String region) {

    /** emnify's country object; the numeric {@code id} is emnify's own, not an ISO code. */
    public record Country(long id, String name, String countryCode, String mcc, String isoCode) {
    }

    private static final Country GERMANY = new Country(74, "Germany", "49", "262", "de");
    private static final Country UNITED_KINGDOM = new Country(223, "United Kingdom", "44", "234", "gb");
    private static final Country UNITED_STATES = new Country(224, "United States of America", "1", "310", "us");
    private static final Country FRANCE = new Country(72, "France", "33", "208", "fr");

    /** The networks simulated devices use: real MCC/MNC pairs and TAP codes, emnify-style ids. */
    public static final List<MobileOperator> NETWORKS = List.of(
            new MobileOperator(3, "Vodafone", GERMANY, 3, "02", 2, "DEUD2", "eu-west-1"),
            new MobileOperator(2, "Telekom", GERMANY, 2, "01", 1, "DEUD1", "eu-west-1"),
            new MobileOperator(24, "O2", UNITED_KINGDOM, 41, "10", 36, "GBRCN", "eu-west-1"),
            new MobileOperator(129, "AT&T", UNITED_STATES, 212, "410", 118, "USACG", "us-east-1"),
            new MobileOperator(15, "Orange", FRANCE, 22, "01", 17, "FRAF1", "eu-west-1"));

    /**
     * The simulated network with this emnify operator id or name (case-insensitive, e.g. {@code 3} or
     * {@code vodafone}); options name operators this way.
     *
     * @throws IllegalArgumentException naming the known operators when none matches
     */
    public static MobileOperator byIdOrName(String idOrName) {
        String wanted = idOrName == null ? "" : idOrName.trim();
        for (MobileOperator network : NETWORKS) {
            if (Long.toString(network.id()).equals(wanted) || network.name().equalsIgnoreCase(wanted)) {
                return network;
            }
        }
        throw new IllegalArgumentException("unknown operator '" + wanted + "'; the simulated ones are " + known());
    }

    /** The simulated networks as {@code 3 (Vodafone, Germany), ...}, for messages. */
    public static String known() {
        return NETWORKS.stream()
                .map(network -> network.id() + " (" + network.name() + ", " + network.country().name() + ")")
                .collect(Collectors.joining(", "));
    }
}
