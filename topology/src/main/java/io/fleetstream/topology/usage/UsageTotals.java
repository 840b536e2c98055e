package io.fleetstream.topology.usage;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a device used in one currency over some time: records counted, SMS sent, data volume (MB) and cost, all
 * exact decimals (never doubles: emnify sends cost with up to 10 decimal places). Plain values, summed with
 * {@link #plus}.
 *
 * @param currency ISO 4217 code as the records name it; empty when they name none
 * @param records  usage records counted (data and SMS)
 * @param sms      SMS records (one per message)
 */
public record UsageTotals(String currency, long records, long sms, BigDecimal volumeTotal, BigDecimal volumeRx,
                          BigDecimal volumeTx, BigDecimal cost) {

    public UsageTotals {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(volumeTotal, "volumeTotal");
        Objects.requireNonNull(volumeRx, "volumeRx");
        Objects.requireNonNull(volumeTx, "volumeTx");
        Objects.requireNonNull(cost, "cost");
    }

    public static UsageTotals none(String currency) {
        return new UsageTotals(currency, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
    }

    /** One record's usage; a missing cost or volume counts as zero. */
    public static UsageTotals of(String currency, boolean sms, BigDecimal total, BigDecimal rx, BigDecimal tx,
                                 BigDecimal cost) {
        return new UsageTotals(currency, 1, sms ? 1 : 0, orZero(total), orZero(rx), orZero(tx), orZero(cost));
    }

    public UsageTotals plus(UsageTotals other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency);
        }
        return new UsageTotals(currency, records + other.records, sms + other.sms, volumeTotal.add(other.volumeTotal),
                volumeRx.add(other.volumeRx), volumeTx.add(other.volumeTx), cost.add(other.cost));
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
