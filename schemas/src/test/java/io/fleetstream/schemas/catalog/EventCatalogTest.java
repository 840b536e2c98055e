package io.fleetstream.schemas.catalog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class EventCatalogTest {

    private final EventCatalog catalog = EventCatalog.standard();

    @Test
    void knowsEveryIdTheReferenceListsFromZeroToSixtyNine() {
        Set<Integer> ids = catalog.all().stream().map(EventType::id).collect(Collectors.toSet());

        // emnify documents every id from 0 to 69 except 66
        assertThat(ids).isEqualTo(IntStream.rangeClosed(0, 69).filter(i -> i != 66).boxed().collect(Collectors.toSet()));
        assertThat(catalog.all()).isSortedAccordingTo((a, b) -> Integer.compare(a.id(), b.id()));
    }

    @Test
    void categoriesFollowTheArchitectureTable() {
        Map<EventCategory, int[]> table = Map.ofEntries(
                entry(EventCategory.GENERIC, new int[]{0}),
                entry(EventCategory.NETWORK_ATTACHMENT, new int[]{1, 2, 15, 16}),
                entry(EventCategory.DATA_CONNECTION, new int[]{3, 4, 5, 49}),
                entry(EventCategory.AUTHENTICATION, new int[]{6, 7, 13, 14}),
                entry(EventCategory.USER_MANAGEMENT, new int[]{41, 46}),
                entry(EventCategory.DEVICE_STATUS, new int[]{8, 9, 10, 42, 43, 44, 45, 48, 50, 51, 68, 69}),
                entry(EventCategory.LIMIT_ENFORCEMENT, new int[]{11, 12, 65}),
                entry(EventCategory.DATA_QUOTA, new int[]{18, 19, 52, 53, 56, 57, 60}),
                entry(EventCategory.SMS_QUOTA, new int[]{20, 21, 54, 55, 58, 59, 61}),
                entry(EventCategory.CLOUDCONNECT, new int[]{22, 23, 24, 25, 26, 27}),
                entry(EventCategory.OPENVPN, new int[]{28, 29, 30}),
                entry(EventCategory.ORGANISATION_BILLING, new int[]{31, 32, 67}));
        Set<Integer> listed = table.values().stream().flatMapToInt(IntStream::of).boxed().collect(Collectors.toSet());

        table.forEach((category, ids) -> IntStream.of(ids).forEach(id ->
                assertThat(catalog.categoryOf(id)).as("event type %d", id).isEqualTo(category)));
        for (EventType type : catalog.all()) {
            if (!listed.contains(type.id())) {
                assertThat(type.category()).as("event type %d", type.id()).isEqualTo(EventCategory.OTHER);
            }
        }
    }

    @Test
    void namesAreEmnifys() {
        assertThat(catalog.find(3)).map(EventType::name).contains("Create PDP Context");
        assertThat(catalog.find(49)).map(EventType::name).contains("Device offline");
        assertThat(catalog.find(22)).map(EventType::name).contains("CloudConnect TGW Resource Share created");
    }

    @Test
    void unknownAndFutureIdsGoToOther() {
        assertThat(catalog.categoryOf(66)).isEqualTo(EventCategory.OTHER);
        assertThat(catalog.categoryOf(70)).isEqualTo(EventCategory.OTHER);
        assertThat(catalog.categoryOf(100_000)).isEqualTo(EventCategory.OTHER);
        assertThat(catalog.categoryOf(-1)).isEqualTo(EventCategory.OTHER);
        assertThat(catalog.find(66)).isEmpty();
    }

    @Test
    void thirteenCategoriesWithKebabCaseSlugs() {
        assertThat(EventCategory.values()).hasSize(13);
        for (EventCategory category : EventCategory.values()) {
            assertThat(category.slug()).matches("[a-z]+(-[a-z]+)*");
            assertThat(EventCategory.fromSlug(category.slug())).isEqualTo(category);
        }
    }

    @Test
    void aBrokenCatalogFileIsRefusedWithTheLine() {
        String duplicate = "id,name,category\n1,Update location,network-attachment\n1,Again,generic\n";
        String badCategory = "id,name,category\n1,Update location,nowhere\n";

        assertThatThrownBy(() -> EventCatalog.parse(stream(duplicate))).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> EventCatalog.parse(stream(badCategory))).hasMessageContaining("unknown event category 'nowhere'");
    }

    @Test
    void anEventTypeIsFoundByItsCatalogName() {
        assertThat(catalog.named("Delete PDP Context").id()).isEqualTo(5);
        assertThat(catalog.named("SMS quota expired").category()).isEqualTo(EventCategory.SMS_QUOTA);
    }

    @Test
    void aNameTheCatalogLacksFailsLoudly() {
        EventCatalog small = EventCatalog.parse(stream("id,name,category\n1,Update location,network-attachment\n"));

        assertThatThrownBy(() -> small.named("Create PDP Context"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'Create PDP Context'");
        assertThatThrownBy(() -> catalog.named("update location")).hasMessageContaining("expected exactly one");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
