package dev.galvani.tensor;

import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BackendProvider;
import dev.galvani.tensor.backend.BackendUnavailableException;
import dev.galvani.tensor.backend.KernelFamily;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the backend that owns a device: the {@link BackendProvider}s on the classpath, by device
 * type, each device opened once. A device nobody provides, or one its provider cannot open, gives
 * one sentence saying what to install.
 */
final class Backends {

    private Backends() {}

    private static final System.Logger LOG = System.getLogger("dev.galvani.tensor");
    private static volatile Map<String, BackendProvider> providers;
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();
    private static final Set<String> FALLBACKS_SAID = ConcurrentHashMap.newKeySet();

    static Backend of(Device device) {
        Backend b = OPEN.get(device);
        if (b != null) return b;
        return OPEN.computeIfAbsent(device, Backends::open);
    }

    private static Backend open(Device device) {
        BackendProvider p = providers().get(device.type());
        if (p == null) throw new BackendUnavailableException(missing(device));
        Backend b = p.open(device.index());
        if (!b.device().equals(device))
            throw new IllegalStateException(p.getClass().getName() + " opened " + b.device() + " when asked for " + device);
        return b;
    }

    private static String missing(Device device) {
        String hint = switch (device.type()) {
            case "cuda" -> "; add the galvani-cuda module (dev.galvani:galvani-cuda) to the classpath, on a machine with an NVIDIA driver";
            default -> "";
        };
        return "device " + device + ": no backend for '" + device.type() + "' devices on the classpath (there are: "
                + String.join(", ", new TreeSet<>(providers().keySet())) + ")" + hint;
    }

    /** The one backend shared by several tensors, or an error naming the op and the devices. */
    static Backend of(String op, Tensor... tensors) {
        Device d = null;
        for (Tensor t : tensors) {
            if (t == null) continue;
            if (d == null) d = t.device();
            else if (!t.device().equals(d))
                throw new IllegalArgumentException(op + ": tensors on different devices (" + d + " and " + t.device() + "); move them with to(device) first");
        }
        return of(d == null ? Device.CPU : d);
    }

    /**
     * A device's kernel family, or empty: the caller then uses the composed form, which is said
     * once per (device, family) at debug level.
     */
    static <F extends KernelFamily> Optional<F> kernels(Device device, Class<F> family) {
        Optional<F> f = of(device).kernels(family);
        if (f.isEmpty() && FALLBACKS_SAID.add(device + " " + family.getName()))
            LOG.log(System.Logger.Level.DEBUG, () -> "device " + device + " has no " + family.getSimpleName() + "; using the composed form");
        return f;
    }

    private static Map<String, BackendProvider> providers() {
        Map<String, BackendProvider> p = providers;
        if (p == null) {
            synchronized (Backends.class) {
                if (providers == null) {
                    Map<String, BackendProvider> all = new HashMap<>();
                    for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
                        BackendProvider previous = all.putIfAbsent(provider.deviceType(), provider);
                        if (previous != null)
                            throw new IllegalStateException("two backends for '" + provider.deviceType() + "' devices: " + previous.getClass().getName()
                                    + " and " + provider.getClass().getName());
                    }
                    providers = Map.copyOf(all);
                }
                p = providers;
            }
        }
        return p;
    }
}
