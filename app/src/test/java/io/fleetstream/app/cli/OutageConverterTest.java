package io.fleetstream.app.cli;

import io.fleetstream.app.simulate.CarrierOutage;
import io.fleetstream.app.simulate.MobileOperator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --outage} as people write it, and every mistake named with what to write instead. */
class OutageConverterTest {

    @Test
    void readsTheOperatorByNameOrIdAndDefaultsTheRest() {
        CarrierOutage full = OutageConverter.parse("operator=Vodafone,share=0.25,after=2m,duration=15m");
        assertThat(full.operator().id()).isEqualTo(3);
        assertThat(full.share()).isEqualTo(0.25);
        assertThat(full.after()).isEqualTo(Duration.ofMinutes(2));
        assertThat(full.duration()).isEqualTo(Duration.ofMinutes(15));

        CarrierOutage byId = OutageConverter.parse(" operator = 24 ");
        assertThat(byId.operator().name()).isEqualTo("O2");
        assertThat(byId.share()).isEqualTo(CarrierOutage.DEFAULT_SHARE);
        assertThat(byId.after()).isEqualTo(CarrierOutage.DEFAULT_AFTER);
        assertThat(byId.duration()).isEqualTo(CarrierOutage.DEFAULT_DURATION)
                .as("longer than the default offline window").isGreaterThan(Duration.ofMinutes(5));
        assertThat(OutageConverter.parse("duration=20m,operator=at&t").operator().id()).isEqualTo(129);
    }

    @Test
    void anUnknownOperatorListsTheSimulatedOnes() {
        assertThatThrownBy(() -> OutageConverter.parse("operator=Telefonica"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("unknown operator 'Telefonica'")
                .hasMessageContaining(MobileOperator.known())
                .hasMessageContaining("3 (Vodafone, Germany)");
        assertThatThrownBy(() -> OutageConverter.parse("share=0.5"))
                .hasMessageContaining("the operator is missing").hasMessageContaining("3 (Vodafone, Germany)");
    }

    @Test
    void refusesWhatItCannotPlayAndSaysHowToWriteIt() {
        String[][] cases = {
                {"operator=3,share=0", "more than 0 and at most 1"},
                {"operator=3,share=1.5", "more than 0 and at most 1"},
                {"operator=3,share=NaN", "more than 0 and at most 1"},
                {"operator=3,share=lots", "share 'lots' is not a number"},
                {"operator=3,after=soon", "after: 'soon' is not a duration"},
                {"operator=3,duration=0s", "duration must be positive"},
                {"operator=3,region=eu", "unknown key 'region'"},
                {"operator=3,operator=2", "'operator' is given twice"},
                {"Vodafone", "'Vodafone' is not a key=value pair"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> OutageConverter.parse(c[0])).as(c[0])
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining(c[1])
                    .hasMessageContaining(OutageConverter.FORMAT);
        }
    }

    @Test
    void simulateAcceptsTheOptionAndRefusesABadOneWithTheReason() {
        SimulateCommand command = new SimulateCommand();
        new CommandLine(command).parseArgs("--outage", "operator=Orange,share=1");
        assertThat(command.outage.operator().id()).isEqualTo(15);
        assertThat(command.outage.share()).isEqualTo(1.0);

        StringWriter err = new StringWriter();
        int exit = new CommandLine(new SimulateCommand()).setErr(new PrintWriter(err)).execute("--outage", "operator=Nope");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--outage").contains("unknown operator 'Nope'").contains("15 (Orange, France)");
    }

    @Test
    void localRefusesAnOutageWithoutSimulatedDevices() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new LocalCommand()).setErr(new PrintWriter(err)).execute("--outage", "operator=3");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("give --simulate <devices> too");
    }
}
