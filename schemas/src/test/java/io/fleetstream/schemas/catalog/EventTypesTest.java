package io.fleetstream.schemas.catalog;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class EventTypesTest {

    @Test
    void theTypesFleetstreamReactsToHaveTheIdsEmnifyDocuments() {
        Map<EventType, Integer> documented = Map.ofEntries(
                entry(EventTypes.UPDATE_LOCATION, 1),
                entry(EventTypes.UPDATE_GPRS_LOCATION, 2),
                entry(EventTypes.CREATE_PDP_CONTEXT, 3),
                entry(EventTypes.DELETE_PDP_CONTEXT, 5),
                entry(EventTypes.ENDPOINT_BLOCKED, 11),
                entry(EventTypes.PURGE_LOCATION, 15),
                entry(EventTypes.PURGE_GPRS_LOCATION, 16),
                entry(EventTypes.DEVICE_OFFLINE, 49),
                entry(EventTypes.DATA_QUOTA_THRESHOLD_REACHED, 18),
                entry(EventTypes.DATA_QUOTA_USED_UP, 19),
                entry(EventTypes.SMS_QUOTA_THRESHOLD_REACHED, 20),
                entry(EventTypes.SMS_QUOTA_USED_UP, 21),
                entry(EventTypes.DATA_QUOTA_ENABLED, 52),
                entry(EventTypes.DATA_QUOTA_DISABLED, 53),
                entry(EventTypes.SMS_QUOTA_ENABLED, 54),
                entry(EventTypes.SMS_QUOTA_DISABLED, 55),
                entry(EventTypes.DATA_QUOTA_ASSIGNED, 56),
                entry(EventTypes.DATA_QUOTA_DELETED, 57),
                entry(EventTypes.SMS_QUOTA_ASSIGNED, 58),
                entry(EventTypes.SMS_QUOTA_DELETED, 59),
                entry(EventTypes.DATA_QUOTA_EXPIRED, 60),
                entry(EventTypes.SMS_QUOTA_EXPIRED, 61));

        documented.forEach((type, id) -> assertThat(type.id()).as(type.name()).isEqualTo(id));
    }

    @Test
    void eachIsTheCatalogsOwnEntry() {
        assertThat(EventCatalog.standard().find(3)).contains(EventTypes.CREATE_PDP_CONTEXT);
        assertThat(EventCatalog.standard().find(61)).contains(EventTypes.SMS_QUOTA_EXPIRED);
    }
}
