package io.fleetstream.schemas.registry;

import java.util.ArrayList;
import java.util.List;

/** A journal that lives as long as the object: for tests and for registries that need not survive a restart. */
public final class InMemoryRegistryJournal implements RegistryJournal {

    private final List<RegistryChange> changes = new ArrayList<>();

    @Override
    public synchronized void append(RegistryChange change) {
        changes.add(change);
    }

    @Override
    public synchronized List<RegistryChange> readAll() {
        return List.copyOf(changes);
    }
}
