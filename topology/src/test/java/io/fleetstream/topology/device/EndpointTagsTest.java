package io.fleetstream.topology.device;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointTagsTest {

    @Test
    void namesAreSplitOnCommasTrimmedAndKeptInOrderWithoutEmptiesOrRepeats() {
        assertThat(EndpointTags.parse("cold-chain, berlin")).containsExactly("cold-chain", "berlin");
        assertThat(EndpointTags.parse(" b ,a,,b, ,c,")).containsExactly("b", "a", "c");
        assertThat(EndpointTags.parse("Berlin,berlin")).as("case is kept").containsExactly("Berlin", "berlin");
        assertThat(EndpointTags.parse("fleet a")).as("a space inside a name is part of it").containsExactly("fleet a");
    }

    @Test
    void noTextIsNoTags() {
        assertThat(EndpointTags.parse(null)).isEmpty();
        assertThat(EndpointTags.parse("")).isEmpty();
        assertThat(EndpointTags.parse(" , ,")).isEmpty();
    }
}
