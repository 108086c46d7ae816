package dev.galvani.tensor.check;

import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BackendProvider;
import dev.galvani.tensor.backend.BackendUnavailableException;

/** Registers the checking device, type "check": index 0 with every kernel family, index 1 with the core only. */
public final class CheckBackendProvider implements BackendProvider {

    private static final CheckBackend[] DEVICES = {new CheckBackend(0), new CheckBackend(1)};

    public CheckBackendProvider() {}

    @Override public String deviceType() { return "check"; }

    @Override public Backend open(int index) { return backend(index); }

    static CheckBackend backend(int index) {
        if (index < 0 || index >= DEVICES.length)
            throw new BackendUnavailableException("device check:" + index + ": the checking device has check:0 (every kernel family) and check:1 (the core only)");
        return DEVICES[index];
    }
}
